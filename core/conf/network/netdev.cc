#include "conf/network/netdev.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "util/uuid.h"

namespace vh::conf::net {

// ---- numbers

std::optional<unsigned long> strToUL(const std::string &s, int base)
{
    errno = 0;
    char *end = nullptr;
    unsigned long v = strtoul(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

std::optional<unsigned int> strToUI(const std::string &s, int base)
{
    errno = 0;
    char *end = nullptr;
    unsigned long v = strtoul(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str())
        return std::nullopt;
    if (memchr(s.c_str(), '-', static_cast<size_t>(end - s.c_str()))) {
        if (-v > UINT_MAX)
            return std::nullopt;
        v &= UINT_MAX;
    }
    if (v > UINT_MAX)
        return std::nullopt;
    return static_cast<unsigned int>(v);
}

std::optional<unsigned int> strToUIp(const std::string &s, int base)
{
    if (s.find('-') != std::string::npos)
        return std::nullopt;
    return strToUI(s, base);
}

std::optional<unsigned long long> strToULLp(const std::string &s, int base)
{
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str() || memchr(s.c_str(), '-', static_cast<size_t>(end - s.c_str())))
        return std::nullopt;
    return v;
}

std::optional<int> strToI(const std::string &s, int base)
{
    errno = 0;
    char *end = nullptr;
    long v = strtol(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str() || v < INT_MIN || v > INT_MAX)
        return std::nullopt;
    return static_cast<int>(v);
}

std::optional<std::string> xpathAttr(const xmlNode *n, const char *name)
{
    auto v = n ? xml::attr(n, name) : std::nullopt;
    if (v && v->empty())
        return std::nullopt;
    return v;
}

const xmlNode *firstChild(const xmlNode *parent, const char *name)
{
    for (const xmlNode *c : xml::Children(parent))
        if (!c->ns && xml::is(c, name))
            return c;
    return nullptr;
}

NumRead readUI(const xmlNode *n, const char *attr, unsigned int &out)
{
    auto v = xpathAttr(n, attr);
    if (!v)
        return NumRead::Absent;
    auto x = strToUI(*v);
    if (!x)
        return NumRead::Bad;
    out = *x;
    return NumRead::Ok;
}

NumRead readUL(const xmlNode *n, const char *attr, unsigned long &out)
{
    auto v = xpathAttr(n, attr);
    if (!v)
        return NumRead::Absent;
    auto x = strToUL(*v);
    if (!x || v->find('-') != std::string::npos)
        return NumRead::Bad;
    out = *x;
    return NumRead::Ok;
}

// ---- socket addresses

bool parseAddr(const std::string &s, SockAddr &out, int family)
{
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo *res = nullptr;
    if (getaddrinfo(s.c_str(), nullptr, &hints, &res) != 0 || !res)
        return false;
    out = SockAddr{};
    if (res->ai_family == AF_INET) {
        out.family = AF_INET;
        out.v4 = reinterpret_cast<sockaddr_in *>(res->ai_addr)->sin_addr;
    } else if (res->ai_family == AF_INET6) {
        out.family = AF_INET6;
        out.v6 = reinterpret_cast<sockaddr_in6 *>(res->ai_addr)->sin6_addr;
    }
    freeaddrinfo(res);
    return out.valid();
}

Error addrError(const std::string &s, int family)
{
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo *res = nullptr;
    int rc = getaddrinfo(s.c_str(), nullptr, &hints, &res);
    if (res)
        freeaddrinfo(res);
    return Error::format(VIR_FROM_NONE, VIR_ERR_SYSTEM_ERROR, "Cannot parse socket address '%s': %s", s.c_str(),
                         gai_strerror(rc ? rc : EAI_NONAME));
}

std::string SockAddr::format() const
{
    char buf[INET6_ADDRSTRLEN] = "";
    if (family == AF_INET)
        inet_ntop(AF_INET, &v4, buf, sizeof(buf));
    else if (family == AF_INET6)
        inet_ntop(AF_INET6, &v6, buf, sizeof(buf));
    return buf;
}

bool SockAddr::operator==(const SockAddr &o) const
{
    if (family != o.family)
        return false;
    if (family == AF_INET)
        return v4.s_addr == o.v4.s_addr;
    if (family == AF_INET6)
        return memcmp(&v6, &o.v6, sizeof(v6)) == 0;
    return true;
}

bool SockAddr::isWildcard() const
{
    static const in6_addr any6 = IN6ADDR_ANY_INIT;
    if (family == AF_INET)
        return v4.s_addr == INADDR_ANY;
    if (family == AF_INET6)
        return memcmp(&v6, &any6, sizeof(v6)) == 0;
    return false;
}

int netmaskBits(const SockAddr &netmask)
{
    const unsigned char *b = nullptr;
    size_t len = 0;
    if (netmask.family == AF_INET) {
        b = reinterpret_cast<const unsigned char *>(&netmask.v4);
        len = 4;
    } else if (netmask.family == AF_INET6) {
        b = netmask.v6.s6_addr;
        len = 16;
    } else {
        return -1;
    }
    int bits = 0;
    size_t i = 0;
    for (; i < len && b[i] == 0xff; i++)
        bits += 8;
    if (i < len) {
        unsigned char c = b[i];
        int j = 0;
        while (c & 0x80) {
            c = static_cast<unsigned char>(c << 1);
            j++;
        }
        if (c)
            return -1;
        bits += j;
        for (i++; i < len; i++)
            if (b[i])
                return -1;
    }
    return bits;
}

int ipPrefix(const SockAddr &address, const SockAddr *netmask, int prefix)
{
    if (prefix > 0)
        return prefix;
    if (netmask && netmask->valid())
        return netmaskBits(*netmask);
    if (address.family == AF_INET) {
        unsigned char octet = static_cast<unsigned char>(ntohl(address.v4.s_addr) >> 24);
        if ((octet & 0x80) == 0)
            return 8;
        if ((octet & 0xC0) == 0x80)
            return 16;
        if ((octet & 0xE0) == 0xC0)
            return 24;
        return -1;
    }
    if (address.family == AF_INET6)
        return address.isWildcard() ? 0 : 64;
    return 0;
}

SockAddr maskByPrefix(const SockAddr &addr, unsigned int prefix)
{
    SockAddr out = addr;
    if (addr.family == AF_INET) {
        uint32_t mask = prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
        out.v4.s_addr = htonl(ntohl(addr.v4.s_addr) & mask);
    } else if (addr.family == AF_INET6) {
        for (unsigned int i = 0; i < 16; i++) {
            unsigned int bits = prefix > i * 8 ? prefix - i * 8 : 0;
            unsigned char m = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
            out.v6.s6_addr[i] &= m;
        }
    }
    return out;
}

SockAddr maskBy(const SockAddr &addr, const SockAddr &netmask)
{
    SockAddr out = addr;
    if (addr.family == AF_INET && netmask.family == AF_INET) {
        out.v4.s_addr &= netmask.v4.s_addr;
    } else if (addr.family == AF_INET6 && netmask.family == AF_INET6) {
        for (int i = 0; i < 16; i++)
            out.v6.s6_addr[i] &= netmask.v6.s6_addr[i];
    }
    return out;
}

Result<long> addrRange(const SockAddr &start, const SockAddr &end, const SockAddr *net, int prefix)
{
    std::string s = start.format(), e = end.format();
    std::string n = net ? net->format() : std::string();
    if (start.family != end.family)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "mismatch of address family in range %s - %s",
                             s.c_str(), e.c_str());
    if (net) {
        if (net->family != start.family)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                                 "mismatch of address family in range %s - %s for network %s", s.c_str(), e.c_str(),
                                 n.c_str());
        if (prefix < 0 || (start.family == AF_INET && prefix > 32) || (start.family == AF_INET6 && prefix > 128))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                                 "bad prefix %d for network %s when  checking range %s - %s", prefix, n.c_str(),
                                 s.c_str(), e.c_str());
        SockAddr netMasked = maskByPrefix(*net, static_cast<unsigned>(prefix));
        if (!(maskByPrefix(start, static_cast<unsigned>(prefix)) == netMasked) ||
            !(maskByPrefix(end, static_cast<unsigned>(prefix)) == netMasked))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                                 "range %s - %s is not entirely within network %s/%d", s.c_str(), e.c_str(), n.c_str(),
                                 prefix);
    }
    long ret;
    if (start.family == AF_INET) {
        long a = static_cast<long>(ntohl(start.v4.s_addr)), b = static_cast<long>(ntohl(end.v4.s_addr));
        ret = b - a + 1;
    } else {
        // the first seven 16-bit groups must match
        for (int i = 0; i < 14; i++)
            if (start.v6.s6_addr[i] != end.v6.s6_addr[i])
                return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "range %s - %s is too large (> 65535)",
                                     s.c_str(), e.c_str());
        long a = start.v6.s6_addr[14] << 8 | start.v6.s6_addr[15];
        long b = end.v6.s6_addr[14] << 8 | end.v6.s6_addr[15];
        ret = b - a + 1;
    }
    if (ret <= 0)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                             start.family == AF_INET ? "range %s - %s is reversed " : "range %s - %s start larger than end",
                             s.c_str(), e.c_str());
    return ret;
}

// ---- MAC addresses

std::optional<Mac> parseMac(const std::string &s)
{
    Mac m{};
    const char *p = s.c_str();
    for (int i = 0; i < 6; i++) {
        if (!isxdigit(static_cast<unsigned char>(*p)))
            return std::nullopt;
        char *end = nullptr;
        errno = 0;
        unsigned long v = strtoul(p, &end, 16);
        if (errno || end == p || end - p > 2 || v > 0xff)
            return std::nullopt;
        m[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
        p = end;
        if (i < 5) {
            if (*p != ':')
                return std::nullopt;
            p++;
        }
    }
    if (*p)
        return std::nullopt;
    return m;
}

std::string formatMac(const Mac &m)
{
    char buf[18];
    snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

// ---- PCI addresses

Result<PciAddress> parsePciAddress(const xmlNode *n)
{
    PciAddress a;
    struct {
        const char *name;
        unsigned int &into;
    } fields[] = {{"domain", a.domain}, {"bus", a.bus}, {"slot", a.slot}, {"function", a.function}};
    for (auto &f : fields) {
        auto s = xml::attr(n, f.name);
        if (!s)
            continue;
        auto v = strToUIp(*s, 0);
        if (!v)
            return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                                 "Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative integer value",
                                 f.name, reinterpret_cast<const char *>(n->name), s->c_str());
        f.into = *v;
    }
    if (!a.domain && !a.bus && !a.slot)   // an "empty" address is not checked
        return a;
    if (a.bus > 0xff)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address bus='0x%x', must be <= 0xFF", a.bus);
    if (a.slot > 0x1f)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address slot='0x%x', must be <= 0x1F", a.slot);
    if (a.function > 7)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address function=0x%x, must be <= 7",
                             a.function);
    return a;
}

void formatPciAddress(xml::Writer &w, const PciAddress &a, bool withType)
{
    char fn[16];
    snprintf(fn, sizeof(fn), "0x%x", a.function);
    w.start("address");
    if (withType)
        w.attr("type", "pci");
    w.hexAttr("domain", a.domain, 4).hexAttr("bus", a.bus, 2).hexAttr("slot", a.slot, 2).attr("function", fn).end();
}

// ---- <bandwidth>

namespace {

Error unsupported(const char *msg)
{
    return Error::format(VIR_FROM_NONE, VIR_ERR_CONFIG_UNSUPPORTED, "%s", msg);
}

Result<BandwidthRate> parseRate(const xmlNode *n)
{
    BandwidthRate r;
    auto average = xml::attr(n, "average"), peak = xml::attr(n, "peak"), burst = xml::attr(n, "burst"),
         floor = xml::attr(n, "floor");
    if (!average && !floor)
        return Error::make(VIR_FROM_NONE, VIR_ERR_XML_DETAIL, "Missing mandatory average or floor attributes");
    if ((peak || burst) && !average)
        return unsupported("'peak' and 'burst' require 'average' attribute");
    struct {
        const std::optional<std::string> &value;
        unsigned long long &into;
        const char *name;
    } fields[] = {{average, r.average, "average"}, {peak, r.peak, "peak"}, {burst, r.burst, "burst"}, {floor, r.floor, "floor"}};
    for (auto &f : fields) {
        if (!f.value)
            continue;
        auto v = strToULLp(*f.value);
        if (!v)
            return Error::format(VIR_FROM_NONE, VIR_ERR_CONFIG_UNSUPPORTED, "could not convert bandwidth %s value '%s'",
                                 f.name, f.value->c_str());
        f.into = *v;
    }
    return r;
}

void formatRate(xml::Writer &w, const char *name, const std::optional<BandwidthRate> &r)
{
    if (!r || !(r->average || r->floor))
        return;
    w.start(name);
    if (r->average)
        w.attr("average", r->average);
    if (r->peak)
        w.attr("peak", r->peak);
    if (r->floor)
        w.attr("floor", r->floor);
    if (r->burst)
        w.attr("burst", r->burst);
    w.end();
}

} // namespace

Result<std::optional<Bandwidth>> Bandwidth::parse(const xmlNode *n, bool allowFloor, bool allowClassID)
{
    Bandwidth b;
    if (allowClassID) {
        if (auto id = xml::attr(n, "classID")) {
            auto v = strToUI(*id);
            if (!v)
                return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "Unable to parse class id '%s'", id->c_str());
            b.classID = *v;
        }
    } else if (xml::attr(n, "classID")) {
        return Error::make(VIR_FROM_NONE, VIR_ERR_XML_DETAIL,
                           "classID attribute not supported on <bandwidth> in this usage context");
    }
    const xmlNode *in = nullptr, *out = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns)
            continue;
        if (xml::is(c, "inbound")) {
            if (in)
                return Error::make(VIR_FROM_NONE, VIR_ERR_XML_DETAIL, "Only one child <inbound> element allowed");
            in = c;
        } else if (xml::is(c, "outbound")) {
            if (out)
                return Error::make(VIR_FROM_NONE, VIR_ERR_XML_DETAIL, "Only one child <outbound> element allowed");
            out = c;
        }
    }
    if (in) {
        auto r = parseRate(in);
        if (!r)
            return std::move(r).error();
        if (r->floor && !allowFloor)
            return unsupported("floor attribute is not supported for this config");
        b.in = *r;
    }
    if (out) {
        auto r = parseRate(out);
        if (!r)
            return std::move(r).error();
        if (r->floor)
            return unsupported("'floor' attribute allowed only in <inbound> element");
        b.out = *r;
    }
    if (!b.in && !b.out)
        return std::optional<Bandwidth>{};
    return std::optional<Bandwidth>{std::move(b)};
}

void Bandwidth::format(xml::Writer &w) const
{
    w.start("bandwidth");
    if (classID && *classID)
        w.attr("classID", *classID);
    w.open();
    formatRate(w, "inbound", in);
    formatRate(w, "outbound", out);
    w.end();
}

// ---- <vlan>

namespace {
constexpr std::string_view kNativeModes[] = {"default", "tagged", "untagged"};
}

Result<Vlan> Vlan::parse(const xmlNode *n)
{
    Vlan v;
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns || !xml::is(c, "tag"))
            continue;
        Props p(c);
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        if (**id > 4095)
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "vlan tag id %u too large (maximum 4095)", **id);
        auto mode = p.str("nativeMode");
        if (mode) {
            int m = -1;
            for (int i = 1; i < 3; i++)
                if (*mode == kNativeModes[i])
                    m = i;
            if (m < 0)
                return p.invalid("nativeMode", *mode, "");
            if (v.nativeMode)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "duplicate native vlan setting");
            v.nativeMode = m;
            v.nativeTag = **id;
        }
        v.tags.push_back(**id);
    }
    if (v.tags.empty())
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR,
                             "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement");
    auto trunk = xpathAttr(n, "trunk");
    if (trunk) {
        if (*trunk == "yes") {
            v.trunk = true;
        } else if (*trunk == "no") {
            if (v.tags.size() > 1)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR,
                                     "invalid \"trunk='no'\" in <vlan> - trunk='yes' is required for more than one vlan tag");
            if (v.nativeMode)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR,
                                     "invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native vlan id");
        } else {
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "invalid \"trunk='%s'\" in <vlan> - must be yes or no",
                                 trunk->c_str());
        }
    } else if (v.tags.size() > 1) {
        v.trunk = true;
    }
    return v;
}

void Vlan::format(xml::Writer &w) const
{
    w.start("vlan");
    if (trunk)
        w.attr("trunk", "yes");
    for (unsigned int t : tags) {
        w.start("tag").attr("id", t);
        if (nativeMode && t == nativeTag)
            w.attr("nativeMode", kNativeModes[nativeMode]);
        w.end();
    }
    w.end();
}

// ---- <virtualport>

namespace {
Error vportError(const char *msg)
{
    return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "%s", msg);
}
} // namespace

Result<std::optional<VirtualPort>> VirtualPort::parse(const xmlNode *n, unsigned flags)
{
    VirtualPort v;
    if (auto type = xml::attr(n, "type")) {
        auto t = kVPortType.parse(*type);
        if (!t || *t == VPortType::None)
            return Error::format(VIR_FROM_NONE, VIR_ERR_CONFIG_UNSUPPORTED, "unknown virtualport type %s", type->c_str());
        v.type = *t;
    }
    if (v.type == VPortType::None && (flags & REQUIRE_TYPE))
        return vportError("missing required virtualport type");
    const xmlNode *params = firstChild(n, "parameters");
    if (params) {
        if (auto s = xml::attr(params, "managerid")) {
            auto x = strToUI(*s, 0);
            if (!x)
                return vportError("cannot parse value of managerid parameter");
            if (*x > 0xff)
                return vportError("value of managerid out of range");
            v.managerID = *x;
        }
        if (auto s = xml::attr(params, "typeid")) {
            auto x = strToUI(*s, 0);
            if (!x)
                return vportError("cannot parse value of typeid parameter");
            if (*x > 0xffffff)
                return vportError("value for typeid out of range");
            v.typeID = *x;
        }
        if (auto s = xml::attr(params, "typeidversion")) {
            auto x = strToUI(*s, 0);
            if (!x)
                return vportError("cannot parse value of typeidversion parameter");
            if (*x > 0xff)
                return vportError("value of typeidversion out of range");
            v.typeIDVersion = *x;
        }
        if (auto s = xml::attr(params, "instanceid")) {
            std::array<unsigned char, 16> u{};
            if (!uuidParse(s->c_str(), u.data()))
                return vportError("cannot parse instanceid parameter as a uuid");
            v.instanceID = u;
        }
        if (auto s = xml::attr(params, "profileid")) {
            if (s->size() >= 40)
                return vportError("profileid parameter too long");
            v.profileID = *s;
        }
        if (auto s = xml::attr(params, "interfaceid")) {
            std::array<unsigned char, 16> u{};
            if (!uuidParse(s->c_str(), u.data()))
                return vportError("cannot parse interfaceid parameter as a uuid");
            v.interfaceID = u;
        }
    }
    if (v.type == VPortType::None && !v.anySpecified())
        return std::optional<VirtualPort>{};
    // parameters the type does not take
    auto extra = [&](const char *what) {
        return Error::format(VIR_FROM_NET, VIR_ERR_XML_ERROR, "extra %s unsupported in <virtualport type='%s'>", what,
                             std::string(kVPortType.name(v.type)).c_str());
    };
    switch (v.type) {
    case VPortType::Qbg:
        if (!v.profileID.empty())
            return extra("profileid");
        if (v.interfaceID)
            return extra("interfaceid");
        break;
    case VPortType::Qbh:
    case VPortType::OpenVSwitch:
        if (v.managerID)
            return extra("managerid");
        if (v.typeID)
            return extra("typeid");
        if (v.typeIDVersion)
            return extra("typeidversion");
        if (v.instanceID)
            return extra("instanceid");
        if (v.type == VPortType::Qbh && v.interfaceID)
            return extra("interfaceid");
        break;
    default:
        break;
    }
    return std::optional<VirtualPort>{std::move(v)};
}

void VirtualPort::format(xml::Writer &w) const
{
    w.start("virtualport");
    if (type != VPortType::None)
        w.attr("type", kVPortType.name(type));
    if (anySpecified()) {
        bool none = type == VPortType::None;
        w.start("parameters");
        if (managerID && (type == VPortType::Qbg || none))
            w.attr("managerid", *managerID);
        if (typeID && (type == VPortType::Qbg || none))
            w.attr("typeid", *typeID);
        if (typeIDVersion && (type == VPortType::Qbg || none))
            w.attr("typeidversion", *typeIDVersion);
        if (instanceID && (type == VPortType::Qbg || none))
            w.attr("instanceid", uuidFormat(instanceID->data()));
        if (interfaceID && (type == VPortType::OpenVSwitch || type == VPortType::Midonet || none))
            w.attr("interfaceid", uuidFormat(interfaceID->data()));
        if (!profileID.empty() && (type == VPortType::OpenVSwitch || type == VPortType::Qbh || none))
            w.attr("profileid", profileID);
        w.end();
    }
    w.end();
}

// ---- <port>

Result<PortOptions> PortOptions::parse(const xmlNode *n)
{
    PortOptions p;
    auto iso = Props(n).yesNo("isolated");
    if (!iso)
        return std::move(iso).error();
    p.isolated = *iso;
    return p;
}

void PortOptions::format(xml::Writer &w) const
{
    if (isolated)
        w.start("port").attr("isolated", yesNo(*isolated)).end();
}

} // namespace vh::conf::net
