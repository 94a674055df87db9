#include "conf/nwfilter/nwfilter.h"

#include <cerrno>
#include <cstring>
#include <strings.h>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

// ---- the attribute tables

// libvirt's data types, tried in this (bit) order when an attribute allows several.
enum DataType : unsigned {
    DT_UINT16 = 1u << 1,
    DT_UINT8 = 1u << 2,
    DT_UINT16_HEX = 1u << 3,
    DT_UINT8_HEX = 1u << 4,
    DT_MACADDR = 1u << 5,
    DT_MACMASK = 1u << 6,
    DT_IPADDR = 1u << 7,
    DT_IPMASK = 1u << 8,
    DT_STRING = 1u << 9,
    DT_IPV6ADDR = 1u << 10,
    DT_IPV6MASK = 1u << 11,
    DT_STRINGCOPY = 1u << 12,
    DT_BOOLEAN = 1u << 13,
    DT_UINT32 = 1u << 14,
    DT_UINT32_HEX = 1u << 15,
    DT_IPSETNAME = 1u << 16,
    DT_IPSETFLAGS = 1u << 17,
    DT_LAST = 1u << 18,
};

// Checks (and conversions) attached to some attributes.
enum class Check { None, MacProtocol, VlanProtocol, VlanId, ArpOpcode, IPProtocol, Dscp, State, TcpFlags, IPSet, IPSetFlags };

struct Attr {
    const char *name;
    unsigned types;
    Check check = Check::None;
};

struct Protocol {
    std::string name;
    std::vector<Attr> attrs;
    std::vector<std::pair<const char *, const char *>> negCopies;   // (to, from): match='no' follows `from`
    bool ipsetFixup;
    const char *portRule;   // "IP"/"IPv6": ports need a tcp/udp/dccp/sctp protocol
};

constexpr unsigned U16 = DT_UINT16 | DT_UINT16_HEX;
constexpr unsigned U8 = DT_UINT8 | DT_UINT8_HEX;
constexpr unsigned U32 = DT_UINT32 | DT_UINT32_HEX;

std::vector<Attr> cat(std::initializer_list<std::vector<Attr>> parts)
{
    std::vector<Attr> out;
    for (const auto &p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

const std::vector<Protocol> &protocols()
{
    static const std::vector<Protocol> table = [] {
        const std::vector<Attr> macProps = {{"srcmacaddr", DT_MACADDR}, {"srcmacmask", DT_MACMASK},
                                            {"dstmacaddr", DT_MACADDR}, {"dstmacmask", DT_MACMASK}};
        const std::vector<Attr> comment = {{"comment", DT_STRINGCOPY}};
        const std::vector<Attr> ports = {{"srcportstart", U16}, {"srcportend", U16}, {"dstportstart", U16}, {"dstportend", U16}};
        auto ipProps = [](unsigned addr, unsigned mask) {
            // (libvirt reads dstipto as an IPv4 address in the -ipv6 protocols too)
            return std::vector<Attr>{{"srcmacaddr", DT_MACADDR}, {"srcipaddr", addr}, {"srcipmask", mask},
                                     {"dstipaddr", addr}, {"dstipmask", mask}, {"srcipfrom", addr}, {"srcipto", addr},
                                     {"dstipfrom", addr}, {"dstipto", DT_IPADDR}, {"dscp", U8, Check::Dscp},
                                     {"connlimit-above", DT_UINT16}, {"state", DT_STRING, Check::State},
                                     {"ipset", DT_IPSETNAME, Check::IPSet}, {"ipsetflags", DT_IPSETFLAGS, Check::IPSetFlags}};
        };
        const std::vector<std::pair<const char *, const char *>> macNeg = {{"srcmacmask", "srcmacaddr"},
                                                                            {"dstmacmask", "dstmacaddr"}};
        const std::vector<std::pair<const char *, const char *>> ipNeg = {
            {"srcipmask", "srcipaddr"}, {"dstipmask", "dstipaddr"}, {"srcipto", "srcipfrom"}, {"dstipto", "dstipfrom"}};
        auto plus = [](std::vector<std::pair<const char *, const char *>> a,
                       std::initializer_list<std::pair<const char *, const char *>> b) {
            a.insert(a.end(), b.begin(), b.end());
            return a;
        };
        const auto portNeg = plus(ipNeg, {{"srcportend", "srcportstart"}, {"dstportstart", "srcportstart"},
                                          {"dstportend", "srcportstart"}});
        const auto icmpNeg = plus(ipNeg, {{"code", "type"}});
        const auto allNeg = std::vector<std::pair<const char *, const char *>>{{"srcipmask", "srcipaddr"},
                                                                               {"dstipmask", "dstipaddr"}};

        std::vector<Protocol> t;
        t.push_back({"mac", cat({macProps, {{"protocolid", U16 | DT_STRING, Check::MacProtocol}}, comment}), macNeg, false, nullptr});
        t.push_back({"vlan",
                     cat({macProps,
                          {{"vlanid", U16, Check::VlanId}, {"encap-protocol", U16 | DT_STRING, Check::VlanProtocol}},
                          comment}),
                     macNeg, false, nullptr});
        t.push_back({"stp",
                     cat({{{"srcmacaddr", DT_MACADDR}, {"srcmacmask", DT_MACMASK}, {"type", U8}, {"flags", U8},
                           {"root-priority", U16}, {"root-priority-hi", U16}, {"root-address", DT_MACADDR},
                           {"root-address-mask", DT_MACMASK}, {"root-cost", U32}, {"root-cost-hi", U32},
                           {"sender-priority", U16}, {"sender-priority-hi", U16}, {"sender-address", DT_MACADDR},
                           {"sender-address-mask", DT_MACMASK}, {"port", U16}, {"port-hi", U16}, {"age", U16},
                           {"age-hi", U16}, {"max-age", U16}, {"max-age-hi", U16}, {"hello-time", U16},
                           {"hello-time-hi", U16}, {"forward-delay", U16}, {"forward-delay-hi", U16}},
                          comment}),
                     {{"srcmacmask", "srcmacaddr"}, {"root-priority-hi", "root-priority"},
                      {"root-address-mask", "root-address"}, {"root-cost-hi", "root-cost"},
                      {"sender-priority-hi", "sender-priority"}, {"sender-address-mask", "sender-address"},
                      {"port-hi", "port"}, {"age-hi", "age"}, {"max-age-hi", "max-age"}, {"hello-time-hi", "hello-time"},
                      {"forward-delay-hi", "forward-delay"}},
                     false, nullptr});
        const std::vector<Attr> arp = cat(
            {macProps,
             {{"hwtype", U16}, {"protocoltype", U16}, {"opcode", DT_UINT16 | DT_STRING, Check::ArpOpcode},
              {"arpsrcmacaddr", DT_MACADDR}, {"arpdstmacaddr", DT_MACADDR}, {"arpsrcipaddr", DT_IPADDR},
              {"arpsrcipmask", DT_IPMASK}, {"arpdstipaddr", DT_IPADDR}, {"arpdstipmask", DT_IPMASK},
              {"gratuitous", DT_BOOLEAN}},
             comment});
        t.push_back({"arp", arp, {}, false, nullptr});
        t.push_back({"rarp", arp, {}, false, nullptr});
        t.push_back({"ip",
                     cat({macProps,
                          {{"srcipaddr", DT_IPADDR}, {"srcipmask", DT_IPMASK}, {"dstipaddr", DT_IPADDR},
                           {"dstipmask", DT_IPMASK}, {"protocol", U8 | DT_STRING, Check::IPProtocol}},
                          ports, {{"dscp", U8, Check::Dscp}}, comment}),
                     allNeg, true, "IP"});
        t.push_back({"ipv6",
                     cat({macProps,
                          {{"srcipaddr", DT_IPV6ADDR}, {"srcipmask", DT_IPV6MASK}, {"dstipaddr", DT_IPV6ADDR},
                           {"dstipmask", DT_IPV6MASK}, {"protocol", U8 | DT_STRING, Check::IPProtocol}},
                          ports, {{"type", U8}, {"typeend", U8}, {"code", U8}, {"codeend", U8}}, comment}),
                     plus(allNeg, {{"typeend", "type"}, {"code", "type"}, {"codeend", "type"}}), true, "IPv6"});
        for (int v6 = 0; v6 < 2; v6++) {
            const auto ip = v6 ? ipProps(DT_IPV6ADDR, DT_IPV6MASK) : ipProps(DT_IPADDR, DT_IPMASK);
            std::string sfx = v6 ? "-ipv6" : "";
            auto name = [&](const char *base) { return std::string(base) + sfx; };
            if (v6)
                t.push_back({name("tcp"), cat({ip, ports, comment}), portNeg, true, nullptr});
            else
                t.push_back({name("tcp"), cat({ip, ports, {{"flags", DT_STRING, Check::TcpFlags}}, comment}), portNeg, true, nullptr});
            t.push_back({name("udp"), cat({ip, ports, comment}), portNeg, true, nullptr});
            t.push_back({name("udplite"), cat({ip, comment}), ipNeg, true, nullptr});
            t.push_back({name("esp"), cat({ip, comment}), ipNeg, true, nullptr});
            t.push_back({name("ah"), cat({ip, comment}), ipNeg, true, nullptr});
            t.push_back({name("sctp"), cat({ip, ports, comment}), portNeg, true, nullptr});
            t.push_back({v6 ? "icmpv6" : "icmp", cat({ip, {{"type", U8}, {"code", U8}}, comment}), icmpNeg, true, nullptr});
            if (!v6)
                t.push_back({"igmp", cat({ip, comment}), ipNeg, true, nullptr});
            t.push_back({name("all"), cat({ip, comment}), ipNeg, false, nullptr});
        }
        return t;
    }();
    return table;
}

int attrIndex(const Protocol &p, const char *name)
{
    for (size_t i = 0; i < p.attrs.size(); i++)
        if (strcmp(p.attrs[i].name, name) == 0)
            return static_cast<int>(i);
    return -1;
}

// ---- named values

struct NameValue {
    const char *name;
    unsigned value;
};

constexpr NameValue kEtherTypes[] = {{"arp", 0x0806}, {"rarp", 0x8035}, {"ipv4", 0x0800}, {"ipv6", 0x86DD}, {"vlan", 0x8100}};
constexpr NameValue kArpOpcodes[] = {{"Request", 1},       {"Reply", 2},        {"Request_Reverse", 3},
                                     {"Reply_Reverse", 4}, {"DRARP_Request", 5}, {"DRARP_Reply", 6},
                                     {"DRARP_Error", 7},   {"InARP_Request", 8}, {"ARP_NAK", 9}};
constexpr NameValue kIPProtocols[] = {{"tcp", 6},   {"icmp", 1}, {"igmp", 2},    {"udp", 17}, {"udplite", 136},
                                      {"esp", 50},  {"ah", 51},  {"icmpv6", 58}, {"sctp", 132}};
constexpr NameValue kStates[] = {{"NEW", 1}, {"ESTABLISHED", 2}, {"RELATED", 4}, {"INVALID", 8}, {"NONE", 16}};
constexpr NameValue kTcpFlags[] = {{"FIN", 0x1}, {"SYN", 0x2}, {"RST", 0x4},  {"PSH", 0x8},
                                   {"ACK", 0x10}, {"URG", 0x20}, {"ALL", 0x3f}, {"NONE", 0}};

template <size_t N>
const NameValue *byName(const NameValue (&t)[N], const std::string &s)
{
    for (const NameValue &nv : t)
        if (strcasecmp(nv.name, s.c_str()) == 0)
            return &nv;
    return nullptr;
}

template <size_t N>
const NameValue *byValue(const NameValue (&t)[N], unsigned v)
{
    for (const NameValue &nv : t)
        if (nv.value == v)
            return &nv;
    return nullptr;
}

// libvirt's parseStringItems: names (any case, matched as prefixes) separated by `sep` and blanks.
template <size_t N>
bool parseItems(const NameValue (&t)[N], const std::string &in, unsigned long long &flags, char sep)
{
    size_t i = 0;
    while (i < in.size()) {
        while (i < in.size() && (isspace(static_cast<unsigned char>(in[i])) || in[i] == sep))
            i++;
        if (i >= in.size())
            break;
        bool found = false;
        for (const NameValue &nv : t) {
            size_t len = strlen(nv.name);
            if (strncasecmp(in.c_str() + i, nv.name, len) == 0) {
                flags |= nv.value;
                i += len;
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

std::string tcpFlagsText(unsigned long long f)
{
    if (f == 0x3f)
        return "ALL";
    if (f == 0)
        return "NONE";
    std::string out;
    for (const NameValue &nv : kTcpFlags) {
        if (nv.value == 0x3f || nv.value == 0 || !(f & nv.value))
            continue;
        if (!out.empty())
            out += ',';
        out += nv.name;
    }
    return out;
}

std::string stateText(unsigned long long f)
{
    if (f & 16)
        return "NONE";
    std::string out;
    for (const NameValue &nv : kStates) {
        if (nv.value == 16 || !(f & nv.value))
            continue;
        if (!out.empty())
            out += ',';
        out += nv.name;
    }
    return out;
}

// ---- reading one attribute

constexpr char kIPSetChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:+- ";

std::optional<unsigned int> toUInt(const std::string &s, int base)
{
    return net::strToUI(s, base);
}

bool macMaskOk(const net::Mac &m)
{
    bool zeros = false;
    for (uint8_t b : m) {
        for (int bit = 7; bit >= 0; bit--) {
            bool one = b & (1u << bit);
            if (one && zeros)
                return false;
            if (!one)
                zeros = true;
        }
    }
    return true;
}

// The variable reference after '$'.
bool parseVar(const std::string &v, NWFilterItem &item)
{
    static const char kVarChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
    size_t idx = strspn(v.c_str(), kVarChars);
    if (idx == v.size()) {
        item.varName = v;
        item.varElement = false;
        item.varIndex = 0;
        return true;
    }
    if (v[idx] != '[')
        return false;
    item.varName = v.substr(0, idx);
    size_t i = idx + 1;
    item.varElement = true;
    if (i < v.size() && v[i] == '@') {
        item.varElement = false;
        i++;
    }
    // digits (after blanks), then ']'; what follows is ignored
    const char *start = v.c_str() + i;
    char *end = nullptr;
    errno = 0;
    unsigned long x = strtoul(start, &end, 10);
    if (errno || end == start || *end != ']')
        return false;
    auto n = toUInt(std::string(start, static_cast<size_t>(end - start)), 10);
    if (!n)
        return false;
    (void)x;
    if (!item.varElement && *n > 1000)
        return false;
    item.varIndex = *n;
    return true;
}

// One data type's reading of value; false when it does not read.
bool readAs(unsigned dt, const std::string &v, NWFilterItem &item)
{
    switch (dt) {
    case DT_UINT8:
    case DT_UINT8_HEX:
    case DT_UINT16:
    case DT_UINT16_HEX:
    case DT_UINT32:
    case DT_UINT32_HEX: {
        int base = (dt == DT_UINT8_HEX || dt == DT_UINT16_HEX || dt == DT_UINT32_HEX) ? 16 : 10;
        auto n = toUInt(v, base);
        if (!n)
            return false;
        unsigned long long max = (dt == DT_UINT8 || dt == DT_UINT8_HEX) ? 0xff : (dt == DT_UINT16 || dt == DT_UINT16_HEX) ? 0xffff : 0xffffffffull;
        if (*n > max)
            return false;
        item.num = *n;
        break;
    }
    case DT_MACADDR:
    case DT_MACMASK: {
        auto m = net::parseMac(v);
        if (!m || (dt == DT_MACMASK && !macMaskOk(*m)))
            return false;
        item.mac = *m;
        break;
    }
    case DT_IPADDR:
        if (!net::parseAddr(v, item.addr, AF_INET))
            return false;
        break;
    case DT_IPV6ADDR:
        if (!net::parseAddr(v, item.addr, AF_INET6))
            return false;
        break;
    case DT_IPMASK:
    case DT_IPV6MASK: {
        unsigned max = dt == DT_IPMASK ? 32 : 128;
        if (auto n = toUInt(v, 10)) {
            if (*n > max)
                return false;
            item.num = *n;
        } else {
            net::SockAddr mask;
            if (!net::parseAddr(v, mask, dt == DT_IPMASK ? AF_INET : AF_INET6))
                return false;
            int bits = net::netmaskBits(mask);
            if (bits < 0)
                return false;
            item.num = static_cast<unsigned>(bits);
        }
        break;
    }
    case DT_STRING:
        break;   // only through its check
    case DT_STRINGCOPY:
        item.str = v.substr(0, 256);
        break;
    case DT_BOOLEAN:
        item.num = v == "true" || v == "1" || v == "yes";
        break;
    case DT_IPSETNAME:
    case DT_IPSETFLAGS:
        break;
    default:
        return false;
    }
    return true;
}

// The attribute's own check of the value read as item.datatype (and its conversions of names).
bool check(Check check, const std::string &v, NWFilterItem &item)
{
    unsigned dt = item.datatype;
    switch (check) {
    case Check::None:
        return true;
    case Check::MacProtocol:
    case Check::VlanProtocol:
        if (dt == DT_STRING) {
            const NameValue *nv = byName(kEtherTypes, v);
            if (!nv)
                return false;
            item.num = nv->value;
            item.datatype = DT_UINT16;
            return true;
        }
        return item.num >= (check == Check::VlanProtocol ? 60 : 0x600);
    case Check::VlanId:
        return item.num <= 4095;
    case Check::ArpOpcode:
        if (dt == DT_STRING) {
            if (const NameValue *nv = byName(kArpOpcodes, v)) {
                item.num = nv->value;
            } else {
                auto n = toUInt(v, 16);
                if (!n || *n > 0xffff)
                    return false;
                item.num = *n;
            }
            item.datatype = DT_UINT16;
        }
        return true;
    case Check::IPProtocol:
        if (dt == DT_STRING) {
            const NameValue *nv = byName(kIPProtocols, v);
            if (!nv)
                return false;
            item.num = nv->value;
            item.datatype = DT_UINT8;
        }
        return true;
    case Check::Dscp:
        return item.num <= 63;
    case Check::State:
        item.num = 0;
        return parseItems(kStates, v, item.num, ',');
    case Check::TcpFlags: {
        size_t slash = v.find('/');
        if (slash == std::string::npos)
            return false;
        item.mask = 0;
        item.num = 0;
        return parseItems(kTcpFlags, v.substr(0, slash), item.mask, ',') &&
               parseItems(kTcpFlags, v.substr(slash + 1), item.num, ',');
    }
    case Check::IPSet:
        if (v.size() >= 32 || strspn(v.c_str(), kIPSetChars) < v.size())
            return false;
        item.str = v;
        return true;
    case Check::IPSetFlags: {
        item.ipsetFlags.clear();
        size_t start = 0;
        while (true) {
            size_t comma = v.find(',', start);
            std::string tok = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (strcasecmp(tok.c_str(), "src") == 0)
                item.ipsetFlags.push_back(false);
            else if (strcasecmp(tok.c_str(), "dst") == 0)
                item.ipsetFlags.push_back(true);
            else
                return false;
            if (item.ipsetFlags.size() > 6)
                return false;
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
        return true;
    }
    }
    return false;
}

Error illegal(const char *name, const std::string &value)
{
    return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, "%s has illegal value %s", name, value.c_str());
}

// Reads every attribute of the protocol element; like libvirt it goes on after a bad value, so
// the last one is reported.
Result<void> parseDetails(const xmlNode *n, const Protocol &proto, NWFilterRule &rule)
{
    auto match = xml::attr(n, "match");
    bool negated = match && *match == "no";
    rule.items.assign(proto.attrs.size(), NWFilterItem{});
    Result<void> result;
    for (size_t i = 0; i < proto.attrs.size(); i++) {
        const Attr &a = proto.attrs[i];
        auto v = xml::attr(n, a.name);
        if (!v)
            continue;
        NWFilterItem &item = rule.items[i];
        if (!v->empty() && (*v)[0] == '$') {
            if (!parseVar(v->substr(1), item)) {
                result = illegal(a.name, *v);
                continue;
            }
            item.hasVar = true;
        } else {
            bool found = false;
            for (unsigned dt = 1; dt < DT_LAST && !found; dt <<= 1) {
                if (!(a.types & dt))
                    continue;
                NWFilterItem tried;
                tried.datatype = dt;
                if (readAs(dt, *v, tried)) {
                    item = tried;
                    found = true;
                }
            }
            if (!found || !check(a.check, *v, item)) {
                result = illegal(a.name, *v);
                continue;
            }
        }
        item.exists = true;
        item.negated = negated;
    }
    return result;
}

void fixup(const Protocol &proto, NWFilterRule &rule)
{
    for (auto [to, from] : proto.negCopies) {
        int t = attrIndex(proto, to), f = attrIndex(proto, from);
        if (t >= 0 && f >= 0)
            rule.items[static_cast<size_t>(t)].negated = rule.items[static_cast<size_t>(f)].negated;
    }
    if (proto.ipsetFixup) {
        int s = attrIndex(proto, "ipset"), fl = attrIndex(proto, "ipsetflags");
        if (s >= 0 && fl >= 0) {
            NWFilterItem &set = rule.items[static_cast<size_t>(s)], &flags = rule.items[static_cast<size_t>(fl)];
            if (set.exists && !flags.exists) {
                flags = NWFilterItem{};
                flags.exists = true;
                flags.datatype = DT_IPSETFLAGS;
                flags.ipsetFlags = {false};
            } else {
                set.exists = false;
                flags.exists = false;
            }
        }
    }
}

Result<void> validate(const Protocol &proto, const NWFilterRule &rule)
{
    if (!proto.portRule)
        return {};
    bool ports = false;
    for (const char *p : {"srcportstart", "dstportstart", "srcportend", "dstportend"})
        ports |= rule.items[static_cast<size_t>(attrIndex(proto, p))].exists;
    if (!ports)
        return {};
    const NWFilterItem &pr = rule.items[static_cast<size_t>(attrIndex(proto, "protocol"))];
    unsigned long long p = pr.exists && !pr.hasVar ? pr.num : 0;
    if (pr.exists && (p == 6 || p == 17 || p == 33 || p == 132))
        return {};
    return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR,
                         "%s rule with port specification requires protocol specification with protocol to be either one of tcp(6), udp(17), dccp(33), or sctp(132)",
                         proto.portRule);
}

Result<NWFilterRule> parseRule(const xmlNode *n)
{
    NWFilterRule rule;
    auto action = xml::attr(n, "action");
    auto direction = xml::attr(n, "direction");
    auto prio = xml::attr(n, "priority");
    auto statematch = xml::attr(n, "statematch");
    if (!action)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, "%s", "rule node requires action attribute");
    auto a = kNWFilterAction.parse(*action);
    if (!a)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_CONFIG_UNSUPPORTED, "%s", "unknown rule action attribute value");
    rule.action = *a;
    if (!direction)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, "%s", "rule node requires direction attribute");
    auto d = kNWFilterDirection.parse(*direction);
    if (!d)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_CONFIG_UNSUPPORTED, "%s", "unknown rule direction attribute value");
    rule.direction = *d;
    if (prio) {
        if (auto p = net::strToI(*prio); p && *p >= -1000 && *p <= 1000)
            rule.priority = *p;
    }
    if (statematch && (*statematch == "0" || strcasecmp(statematch->c_str(), "false") == 0))
        rule.noStateMatch = true;

    const auto &protos = protocols();
    for (const xmlNode *c : xml::Children(n)) {
        for (size_t i = 0; i < protos.size(); i++) {
            if (!xml::is(c, protos[i].name.c_str()))
                continue;
            rule.protocol = static_cast<int>(i);
            VH_TRY(parseDetails(c, protos[i], rule));
            VH_TRY(validate(protos[i], rule));
            fixup(protos[i], rule);
            return rule;
        }
    }
    return rule;
}

// ---- format

void formatValue(std::string &out, const Attr &a, const NWFilterItem &item)
{
    char buf[64];
    if (item.hasVar) {
        out += '$';
        out += item.varName;
        if (item.varElement)
            out += "[" + std::to_string(item.varIndex) + "]";
        else if (item.varIndex)
            out += "[@" + std::to_string(item.varIndex) + "]";
        return;
    }
    switch (a.check) {
    case Check::MacProtocol:
    case Check::VlanProtocol:
        if (const NameValue *nv = byValue(kEtherTypes, static_cast<unsigned>(item.num))) {
            out += nv->name;
            return;
        }
        break;
    case Check::ArpOpcode:
        if (const NameValue *nv = byValue(kArpOpcodes, static_cast<unsigned>(item.num))) {
            out += nv->name;
            return;
        }
        break;
    case Check::IPProtocol:
        if (const NameValue *nv = byValue(kIPProtocols, static_cast<unsigned>(item.num))) {
            out += nv->name;
            return;
        }
        break;
    case Check::State:
        out += stateText(item.num);
        return;
    case Check::TcpFlags:
        out += tcpFlagsText(item.mask) + "/" + tcpFlagsText(item.num);
        return;
    case Check::IPSet:
        xml::escape(out, item.str);
        return;
    case Check::IPSetFlags:
        for (size_t i = 0; i < item.ipsetFlags.size(); i++) {
            if (i)
                out += ',';
            out += item.ipsetFlags[i] ? "dst" : "src";
        }
        return;
    default:
        break;
    }
    switch (item.datatype) {
    case DT_UINT8:
    case DT_UINT16:
    case DT_UINT32:
        snprintf(buf, sizeof(buf), "%llu", item.num);
        out += buf;
        break;
    case DT_UINT8_HEX:
    case DT_UINT16_HEX:
    case DT_UINT32_HEX:
        snprintf(buf, sizeof(buf), "0x%llx", item.num);
        out += buf;
        break;
    case DT_IPADDR:
    case DT_IPV6ADDR:
        out += item.addr.format();
        break;
    case DT_IPMASK:
    case DT_IPV6MASK:
        out += std::to_string(item.num);
        break;
    case DT_MACADDR:
    case DT_MACMASK:
        out += net::formatMac(item.mac);
        break;
    case DT_STRINGCOPY:
        xml::escape(out, item.str);
        break;
    case DT_BOOLEAN:
        out += item.num ? "true" : "false";
        break;
    default:
        break;
    }
}

void formatDetails(std::string &out, const Protocol &proto, const NWFilterRule &rule, const std::string &pad)
{
    enum { None, Yes, No } match = None;
    bool open = false, shown = false;
    for (size_t i = 0; i < proto.attrs.size();) {
        const NWFilterItem &item = rule.items[i];
        if (!item.exists) {
            i++;
            continue;
        }
        if (!open) {
            out += pad + "<" + proto.name;
            open = shown = true;
        }
        if (item.negated) {
            if (match == None) {
                out += " match='no'";
                match = No;
            } else if (match == Yes) {
                out += "/>\n";
                open = false;
                match = None;
                continue;
            }
        } else {
            if (match == No) {
                out += "/>\n";
                open = false;
                match = None;
                continue;
            }
            match = Yes;
        }
        out += " ";
        out += proto.attrs[i].name;
        out += "='";
        formatValue(out, proto.attrs[i], item);
        out += "'";
        i++;
    }
    if (open)
        out += "/>\n";
    if (!shown)
        out += pad + "<" + proto.name + "/>\n";
}

std::string pad(int depth)
{
    return std::string(static_cast<size_t>(depth) * 2, ' ');
}

// ---- the document

struct Chain {
    const char *prefix;
    int priority;
};
constexpr Chain kChains[] = {{"root", 0},     {"mac", -800},  {"vlan", -750}, {"stp", 0},
                             {"arp", -500},   {"rarp", -400}, {"ipv4", -700}, {"ipv6", -600}};

Result<int> chainDefaultPriority(const std::string &chain)
{
    if (chain.size() > 12)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INVALID_ARG, "Name of chain is longer than %u characters", 12u);
    static const char kChainChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
    if (strspn(chain.c_str(), kChainChars) < chain.size())
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INVALID_ARG, "%s", "Chain name contains invalid characters");
    for (const Chain &c : kChains) {
        if (strcmp(c.prefix, "root") == 0) {
            if (chain == "root")
                return c.priority;
            if (chain.rfind("root", 0) == 0)   // libvirt fails here without saying why
                return Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown");
            continue;
        }
        if (chain.rfind(c.prefix, 0) == 0)
            return c.priority;
    }
    return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INVALID_ARG,
                         "Invalid chain name '%s'. Please use a chain name called 'root' or any of the following prefixes: mac, vlan, stp, arp, rarp, ipv4, ipv6",
                         chain.c_str());
}

Result<std::unique_ptr<NWFilterDef>> parseRoot(const xmlNode *root)
{
    auto def = std::make_unique<NWFilterDef>();
    auto name = net::xpathAttr(root, "name");
    if (!name)
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, "%s", "filter has no name");
    def->name = *name;

    std::optional<int> priority;
    if (auto p = net::xpathAttr(root, "priority")) {
        auto v = net::strToI(*p);
        if (!v)
            return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INVALID_ARG, "Could not parse chain priority '%s'", p->c_str());
        if (*v < -1000 || *v > 1000)
            return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INVALID_ARG, "Priority '%d' is outside valid range of [%d,%d]",
                                 *v, -1000, 1000);
        priority = *v;
    }
    if (auto chain = net::xpathAttr(root, "chain")) {
        auto dflt = chainDefaultPriority(*chain);
        if (!dflt)
            return std::move(dflt).error();
        def->chain = *chain;
        def->chainPriority = priority.value_or(*dflt);
    }

    const xmlNode *uuid = net::firstChild(root, "uuid");
    xmlChar *text = uuid ? xmlNodeGetContent(uuid) : nullptr;
    std::string uuidText = text ? reinterpret_cast<const char *>(text) : "";
    xmlFree(text);
    if (uuidText.empty())
        uuidGenerate(def->uuid.data());
    else if (!uuidParse(uuidText.c_str(), def->uuid.data()))
        return Error::format(VIR_FROM_NWFILTER, VIR_ERR_XML_ERROR, "%s", "malformed uuid element");

    for (const xmlNode *c : xml::Children(root)) {
        NWFilterEntry e;
        if (xml::is(c, "rule")) {
            auto r = parseRule(c);
            if (!r)
                return std::move(r).error();
            e.rule = std::move(*r);
        } else if (xml::is(c, "filterref")) {
            auto filter = xml::attr(c, "filter");
            if (!filter)   // (libvirt's message for a rule)
                return Error::format(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, "%s", "rule node requires action attribute");
            e.ref = NWFilterRef{*filter, parseNWFilterParams(c)};
        } else {
            continue;
        }
        def->entries.push_back(std::move(e));
    }
    return def;
}

} // namespace

NWFilterParams parseNWFilterParams(const xmlNode *filterref)
{
    static const char kNameChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
    static const char kValueChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789.:";
    NWFilterParams params;
    for (const xmlNode *c : xml::Children(filterref)) {
        if (!xml::is(c, "parameter"))
            continue;
        auto name = xml::attr(c, "name"), value = xml::attr(c, "value");
        if (!name || !value)
            continue;
        if (strspn(name->c_str(), kNameChars) != name->size())
            continue;
        if (value->empty() || strspn(value->c_str(), kValueChars) != value->size())
            continue;
        params[*name].push_back(*value);
    }
    return params;
}

void formatNWFilterParams(std::string &out, const NWFilterParams &params, int depth)
{
    for (const auto &[name, values] : params)
        for (const std::string &v : values)
            out += pad(depth) + "<parameter name='" + xml::escaped(name) + "' value='" + xml::escaped(v) + "'/>\n";
}

Result<std::unique_ptr<NWFilterDef>> parseNWFilter(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(nwfilter_definition)", VIR_FROM_NWFILTER);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "filter"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'filter', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    return parseRoot(root);
}

// libvirt prints the filter's name and filterref targets unescaped, which makes a name with a
// quote unreadable; virthub escapes them.
std::string formatNWFilter(const NWFilterDef &def, unsigned int)
{
    std::string out = "<filter name='" + xml::escaped(def.name) + "' chain='" + def.chain + "'";
    if (def.chainPriority)
        out += " priority='" + std::to_string(def.chainPriority) + "'";
    out += ">\n";
    out += "  <uuid>" + uuidFormat(def.uuid.data()) + "</uuid>\n";
    const auto &protos = protocols();
    for (const NWFilterEntry &e : def.entries) {
        if (e.rule) {
            const NWFilterRule &r = *e.rule;
            out += "  <rule action='" + std::string(kNWFilterAction.name(r.action)) + "' direction='" +
                   std::string(kNWFilterDirection.name(r.direction)) + "' priority='" + std::to_string(r.priority) + "'";
            if (r.noStateMatch)
                out += " statematch='false'";
            if (r.protocol < 0) {
                out += "/>\n";
                continue;
            }
            out += ">\n";
            formatDetails(out, protos[static_cast<size_t>(r.protocol)], r, pad(2));
            out += "  </rule>\n";
        } else if (e.ref) {
            out += "  <filterref filter='" + xml::escaped(e.ref->filter) + "'";
            if (e.ref->params.empty()) {
                out += "/>\n";
            } else {
                out += ">\n";
                formatNWFilterParams(out, e.ref->params, 2);
                out += "  </filterref>\n";
            }
        }
    }
    out += "</filter>\n";
    return out;
}

} // namespace vh::conf
