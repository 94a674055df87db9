#include "conf/interface/interface.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include <libvirt/virterror.h>

#include "conf/network/netdev.h"
#include "conf/xml.h"

namespace vh::conf {

namespace {

constexpr HostIfaceType kTopLevel = HostIfaceType::Last;

using net::firstChild;
using net::xpathAttr;

Error ifError(const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_INTERFACE, VIR_ERR_XML_ERROR, fmt, arg.c_str());
}

// libvirt's error when a parser fails without saying why.
Error unknownCause()
{
    return Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown");
}

enum class Num { Absent, Ok, Bad };

// virXPathInt over an attribute.
Num readInt(const xmlNode *n, const char *attr, int &out)
{
    auto v = xpathAttr(n, attr);
    if (!v)
        return Num::Absent;
    errno = 0;
    char *end = nullptr;
    long x = strtol(v->c_str(), &end, 10);
    if (errno || *end || end == v->c_str() || x < INT_MIN || x > INT_MAX)
        return Num::Bad;
    out = static_cast<int>(x);
    return Num::Ok;
}

// A non-negative unsigned int attribute.
Num readUInt(const xmlNode *n, const char *attr, unsigned int &out)
{
    auto v = xpathAttr(n, attr);
    if (!v)
        return Num::Absent;
    errno = 0;
    char *end = nullptr;
    unsigned long x = strtoul(v->c_str(), &end, 10);
    if (errno || *end || end == v->c_str())
        return Num::Bad;
    if (v->find('-') != std::string::npos || x > UINT_MAX)
        return Num::Bad;
    out = static_cast<unsigned int>(x);
    return Num::Ok;
}

Result<void> parseProtocol(const xmlNode *n, HostIfaceProtocol &p)
{
    bool v6 = p.family == "ipv6";
    if (v6)
        p.autoconf = firstChild(n, "autoconf") != nullptr;
    if (const xmlNode *dhcp = firstChild(n, "dhcp")) {
        p.dhcp = true;
        auto peerdns = Props(dhcp).yesNo("peerdns");
        if (!peerdns)
            return std::move(peerdns).error();
        p.peerdns = *peerdns;
    }
    if (const xmlNode *route = firstChild(n, "route"))
        p.gateway = xpathAttr(route, "gateway");
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns || !xml::is(c, "ip"))
            continue;
        auto address = xml::attr(c, "address");
        if (!address)
            continue;
        auto prefix = Props(c).sint("prefix");
        if (!prefix)
            return std::move(prefix).error();
        p.ips.push_back({*address, prefix->value_or(0)});
    }
    return {};
}

Result<void> parseBond(const xmlNode *n, HostInterfaceDef &def);
Result<void> parseBridge(const xmlNode *n, HostInterfaceDef &def);

Result<std::unique_ptr<HostInterfaceDef>> parseInterface(const xmlNode *n, HostIfaceType parent)
{
    auto type = Props(n).enumeration("type", kHostIfaceType, PROP_REQUIRED);
    if (!type)
        return std::move(type).error();
    HostIfaceType t = **type;
    if ((parent == HostIfaceType::Bond && t != HostIfaceType::Ethernet) ||
        (parent == HostIfaceType::Bridge && t != HostIfaceType::Ethernet && t != HostIfaceType::Bond &&
         t != HostIfaceType::Vlan))
        return ifError("interface has unsupported type '%s'", std::string(kHostIfaceType.name(t)));
    auto def = std::make_unique<HostInterfaceDef>();
    def->type = t;

    auto name = xml::attr(n, "name");
    if (!name)
        return ifError("interface has no name");
    def->name = *name;

    if (parent == kTopLevel) {
        if (const xmlNode *start = firstChild(n, "start")) {
            if (auto mode = xpathAttr(start, "mode")) {
                auto m = kHostIfaceStartMode.parse(*mode);
                if (!m)
                    return ifError("unknown interface startmode %s", *mode);
                def->startMode = *m;
            }
        }
        Num r = readUInt(firstChild(n, "mtu"), "size", def->mtu);
        if (r == Num::Bad)
            return unknownCause();
        if (r == Num::Ok && def->mtu > 100000)
            return ifError("value of the 'size' attribute of 'mtu' element must be at most 100000");
        for (const xmlNode *c : xml::Children(n)) {
            if (c->ns || !xml::is(c, "protocol"))
                continue;
            auto family = xml::attr(c, "family");
            if (!family)
                return ifError("protocol misses the family attribute");
            if (*family != "ipv4" && *family != "ipv6")
                return ifError("unsupported protocol family '%s'", *family);
            HostIfaceProtocol p;
            p.family = *family;
            VH_TRY(parseProtocol(c, p));
            def->protocols.push_back(std::move(p));
        }
    }

    if (t != HostIfaceType::Bridge) {
        if (const xmlNode *link = firstChild(n, "link")) {
            Props p(link);
            auto state = p.enumeration("state", kLinkState);
            if (!state)
                return std::move(state).error();
            def->linkState = state->value_or(LinkState::None);
            auto speed = p.uint("speed");
            if (!speed)
                return std::move(speed).error();
            def->linkSpeed = speed->value_or(0);
        }
    }

    switch (t) {
    case HostIfaceType::Ethernet:
        if (const xmlNode *mac = firstChild(n, "mac"))
            def->mac = xpathAttr(mac, "address");
        break;
    case HostIfaceType::Bridge: {
        const xmlNode *bridge = firstChild(n, "bridge");
        if (!bridge)
            return ifError("bridge interface misses the bridge element");
        VH_TRY(parseBridge(bridge, *def));
        break;
    }
    case HostIfaceType::Bond: {
        const xmlNode *bond = firstChild(n, "bond");
        if (!bond)
            return ifError("bond interface misses the bond element");
        VH_TRY(parseBond(bond, *def));
        break;
    }
    case HostIfaceType::Vlan: {
        const xmlNode *vlan = firstChild(n, "vlan");
        if (!vlan)
            return ifError("vlan interface misses the vlan element");
        auto tag = xpathAttr(vlan, "tag");
        if (!tag)
            return ifError("vlan interface misses the tag attribute");
        def->tag = *tag;
        // string(./interface/@name): the first member interface that has a name attribute
        std::optional<std::string> dev;
        for (const xmlNode *c : xml::Children(vlan)) {
            if (c->ns || !xml::is(c, "interface") || !xml::attr(c, "name"))
                continue;
            dev = xpathAttr(c, "name");
            break;
        }
        if (!dev)
            return ifError("vlan interface misses name attribute");
        def->device = *dev;
        break;
    }
    default:
        break;
    }
    return def;
}

Result<void> parseMembers(const xmlNode *n, HostInterfaceDef &def)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns || !xml::is(c, "interface"))
            continue;
        auto m = parseInterface(c, def.type);
        if (!m)
            return std::move(m).error();
        def.members.push_back(std::move(*m));
    }
    return {};
}

Result<void> parseBridge(const xmlNode *n, HostInterfaceDef &def)
{
    if (auto stp = xml::attr(n, "stp")) {
        if (*stp == "on")
            def.stp = true;
        else if (*stp == "off")
            def.stp = false;
        else   // libvirt stops reading the bridge here, without an error
            return {};
    }
    def.delay = xml::attr(n, "delay");
    return parseMembers(n, def);
}

Result<void> parseBond(const xmlNode *n, HostInterfaceDef &def)
{
    if (auto mode = xpathAttr(n, "mode")) {
        auto m = kBondMode.parse(*mode);
        if (!m)
            return ifError("unknown bonding mode %s", *mode);
        def.bondMode = *m;
    }
    VH_TRY(parseMembers(n, def));
    if (const xmlNode *mii = firstChild(n, "miimon")) {
        def.monitor = BondMonitor::Mii;
        if (readInt(mii, "freq", def.frequency) != Num::Ok)
            return ifError("bond interface miimon freq missing or invalid");
        if (readInt(mii, "downdelay", def.downdelay) == Num::Bad)
            return ifError("bond interface miimon downdelay invalid");
        if (readInt(mii, "updelay", def.updelay) == Num::Bad)
            return ifError("bond interface miimon updelay invalid");
        if (auto carrier = xpathAttr(mii, "carrier")) {
            auto c = kMiiCarrier.parse(*carrier);
            if (!c)
                return ifError("unknown mii bonding carrier %s", *carrier);
            def.carrier = *c;
        }
    } else if (const xmlNode *arp = firstChild(n, "arpmon")) {
        def.monitor = BondMonitor::Arp;
        if (readInt(arp, "interval", def.interval) != Num::Ok)
            return ifError("bond interface arpmon interval missing or invalid");
        auto target = xpathAttr(arp, "target");
        if (!target)
            return ifError("bond interface arpmon target missing");
        def.target = *target;
        if (auto validate = xpathAttr(arp, "validate")) {
            auto v = kArpValidate.parse(*validate);
            if (!v)
                return ifError("unknown arp bonding validate %s", *validate);
            def.validate = *v;
        }
    }
    return {};
}

// ---- format: libvirt escapes only the interface's name; the other values print as written

std::string pad(int depth)
{
    return std::string(static_cast<size_t>(depth) * 2, ' ');
}

void formatInterface(std::string &out, const HostInterfaceDef &def, HostIfaceType parent, int depth)
{
    std::string p = pad(depth), p1 = pad(depth + 1), p2 = pad(depth + 2);
    out += p + "<interface type='" + std::string(kHostIfaceType.name(def.type)) + "' name='";
    xml::escape(out, def.name);
    out += "'>\n";
    if (parent == kTopLevel) {
        if (def.startMode != HostIfaceStartMode::Unspecified)
            out += p1 + "<start mode='" + std::string(kHostIfaceStartMode.name(def.startMode)) + "'/>\n";
        if (def.mtu)
            out += p1 + "<mtu size='" + std::to_string(def.mtu) + "'/>\n";
        for (const HostIfaceProtocol &proto : def.protocols) {
            out += p1 + "<protocol family='" + xml::escaped(proto.family) + "'>\n";
            if (proto.autoconf)
                out += p2 + "<autoconf/>\n";
            if (proto.dhcp) {
                out += p2 + "<dhcp";
                if (proto.peerdns)
                    out += std::string(" peerdns='") + yesNo(*proto.peerdns) + "'";
                out += "/>\n";
            }
            for (const HostIfaceIP &ip : proto.ips) {
                out += p2 + "<ip address='" + xml::escaped(ip.address) + "'";
                if (ip.prefix != 0)
                    out += " prefix='" + std::to_string(ip.prefix) + "'";
                out += "/>\n";
            }
            if (proto.gateway)
                out += p2 + "<route gateway='" + xml::escaped(*proto.gateway) + "'/>\n";
            out += p1 + "</protocol>\n";
        }
    }
    if (def.type != HostIfaceType::Bridge && (def.linkSpeed || def.linkState != LinkState::None)) {
        out += p1 + "<link";
        if (def.linkSpeed)
            out += " speed='" + std::to_string(def.linkSpeed) + "'";
        if (def.linkState != LinkState::None)
            out += " state='" + std::string(kLinkState.name(def.linkState)) + "'";
        out += "/>\n";
    }
    switch (def.type) {
    case HostIfaceType::Ethernet:
        if (def.mac)
            out += p1 + "<mac address='" + xml::escaped(*def.mac) + "'/>\n";
        break;
    case HostIfaceType::Bridge:
        out += p1 + "<bridge";
        if (def.stp)
            out += std::string(" stp='") + onOff(*def.stp) + "'";
        if (def.delay)
            out += " delay='" + xml::escaped(*def.delay) + "'";
        out += ">\n";
        for (const auto &m : def.members)
            formatInterface(out, *m, def.type, depth + 2);
        out += p1 + "</bridge>\n";
        break;
    case HostIfaceType::Bond:
        out += p1 + "<bond";
        if (def.bondMode != BondMode::None)
            out += " mode='" + std::string(kBondMode.name(def.bondMode)) + "'";
        out += ">\n";
        if (def.monitor == BondMonitor::Mii) {
            out += p2 + "<miimon freq='" + std::to_string(def.frequency) + "'";
            if (def.downdelay > 0)
                out += " downdelay='" + std::to_string(def.downdelay) + "'";
            if (def.updelay > 0)
                out += " updelay='" + std::to_string(def.updelay) + "'";
            if (def.carrier != MiiCarrier::None)
                out += " carrier='" + std::string(kMiiCarrier.name(def.carrier)) + "'";
            out += "/>\n";
        } else if (def.monitor == BondMonitor::Arp) {
            out += p2 + "<arpmon interval='" + std::to_string(def.interval) + "' target='" + xml::escaped(def.target) + "'";
            if (def.validate != ArpValidate::None)
                out += " validate='" + std::string(kArpValidate.name(def.validate)) + "'";
            out += "/>\n";
        }
        for (const auto &m : def.members)
            formatInterface(out, *m, def.type, depth + 2);
        out += p1 + "</bond>\n";
        break;
    case HostIfaceType::Vlan:
        out += p1 + "<vlan tag='" + xml::escaped(def.tag) + "'>\n";
        out += p2 + "<interface name='" + xml::escaped(def.device) + "'/>\n";
        out += p1 + "</vlan>\n";
        break;
    default:
        break;
    }
    out += p + "</interface>\n";
}

} // namespace

Result<std::unique_ptr<HostInterfaceDef>> parseHostInterface(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(interface_definition)", VIR_FROM_INTERFACE);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "interface"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'interface', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    return parseInterface(root, kTopLevel);
}

std::string formatHostInterface(const HostInterfaceDef &def, unsigned int)
{
    std::string out;
    formatInterface(out, def, kTopLevel, 0);
    return out;
}

} // namespace vh::conf
