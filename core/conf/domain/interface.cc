#include "conf/domain/interface.h"

#include "conf/domain/domain_def.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <random>

#include <strings.h>

#include <libvirt/virterror.h>

#include "util/uuid.h"

#define SET_OR_RETURN(lhs, expr)                 \
    do {                                         \
        auto set_r_ = (expr);                    \
        if (!set_r_)                             \
            return std::move(set_r_).error();    \
        lhs = std::move(*set_r_);                \
    } while (0)

namespace vh::conf {

namespace {

// Models libvirt knows by name, in its spelling (other names are kept as written).
const char *const kKnownModels[] = {"netfront", "rtl8139", "virtio", "e1000", "e1000e", "virtio-transitional",
                                    "virtio-non-transitional", "usb-net", "spapr-vlan", "lan9118", "scm91c111",
                                    "vlance", "vmxnet", "vmxnet2", "vmxnet3", "Am79C970A", "Am79C973", "82540EM",
                                    "82545EM", "82543GC"};

const char *const kHostOffloads[] = {"csum", "gso", "tso4", "tso6", "ecn", "ufo", "mrg_rxbuf"};
const char *const kGuestOffloads[] = {"csum", "tso4", "tso6", "ecn", "ufo"};

// Host-generated target names, dropped from a persistent config.
const char *const kGeneratedPrefixes[] = {"vnet", "macvtap", "macvlan"};

Error domainError(int code, const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_DOMAIN, code, fmt, arg.c_str());
}

// ---- <ip> and <route> ---------------------------------------------------------------------

Result<NetIP> parseIP(const xmlNode *n)
{
    NetIP ip;
    auto address = xml::attr(n, "address");
    if (!address)
        return domainError(VIR_ERR_XML_ERROR, "Missing required address in <ip>");
    auto family = xml::attr(n, "family");
    int af = AF_UNSPEC;
    if (family == std::optional<std::string>("ipv4"))
        af = AF_INET;
    else if (family == std::optional<std::string>("ipv6"))
        af = AF_INET6;
    else
        af = address->find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (!net::parseAddr(*address, ip.address, af))
        return domainError(VIR_ERR_XML_ERROR, "Invalid address '%s' in <ip>", *address);
    if (auto prefix = xml::attr(n, "prefix")) {
        auto v = net::strToUI(*prefix);
        if (!v || (af == AF_INET6 && *v > 128) || (af == AF_INET && *v > 32))
            return domainError(VIR_ERR_XML_ERROR, "Invalid prefix value '%s' in <ip>", *prefix);
        ip.prefix = *v;
    }
    if (auto peer = xml::attr(n, "peer")) {
        if (!net::parseAddr(*peer, ip.peer, af))
            return domainError(VIR_ERR_INVALID_ARG, "Invalid peer '%s' in <ip>", *peer);
    }
    return ip;
}

void formatIP(xml::Writer &w, const NetIP &ip)
{
    w.start("ip").attr("address", ip.address.format()).attr("family", ip.address.isFamily(AF_INET6) ? "ipv6" : "ipv4");
    if (ip.prefix)
        w.attr("prefix", ip.prefix);
    if (ip.peer.valid())
        w.attr("peer", ip.peer.format());
    w.end();
}

// A route of the guest or host side; `what` opens libvirt's messages.
Result<NetRoute> parseRoute(const xmlNode *n, const char *what)
{
    NetRoute r;
    Props p(n);
    r.family = p.str("family");
    auto address = p.str("address");
    auto netmask = p.str("netmask");
    auto gateway = p.str("gateway");
    SET_OR_RETURN(r.prefix, p.uint("prefix"));
    SET_OR_RETURN(r.metric, p.uint("metric", PROP_NONZERO));
    auto fail = [&](const std::string &msg) { return Error::format(VIR_FROM_NETWORK, VIR_ERR_XML_ERROR, "%s: %s", what, msg.c_str()); };
    if (!address)
        return fail("Missing required address attribute in route definition");
    if (!gateway)
        return fail("Missing required gateway attribute in route definition");
    if (!net::parseAddr(*address, r.address))
        return fail(strprintf("Bad network address '%s' in route definition", address->c_str()));
    if (!net::parseAddr(*gateway, r.gateway))
        return fail(strprintf("Bad gateway address '%s' in route definition", gateway->c_str()));
    unsigned int prefix = r.prefix.value_or(0);
    if (!r.family || *r.family == "ipv4") {
        const char *which = r.family ? "IPv4" : "No";
        if (!r.address.isFamily(AF_INET))
            return fail(strprintf("%s family specified for non-IPv4 address '%s' in route definition", which, address->c_str()));
        if (!r.gateway.isFamily(AF_INET))
            // (libvirt's message names the address here)
            return fail(strprintf("%s family specified for non-IPv4 gateway '%s' in route definition", which, address->c_str()));
        if (netmask) {
            if (!net::parseAddr(*netmask, r.netmask))
                return fail(strprintf("Bad netmask address '%s' in route definition", netmask->c_str()));
            if (!r.netmask.isFamily(AF_INET))
                return fail(strprintf("Invalid netmask '%s' for address '%s' (both must be IPv4)", netmask->c_str(), address->c_str()));
            if (r.prefix)
                return fail("Route definition cannot have both a prefix and a netmask");
        }
        if (prefix > 32)
            return fail(strprintf("Invalid prefix %u specified in route definition, must be 0 - 32", prefix));
    } else if (*r.family == "ipv6") {
        if (!r.address.isFamily(AF_INET6))
            return fail(strprintf("ipv6 family specified for non-IPv6 address '%s' in route definition", address->c_str()));
        if (netmask)
            return fail(strprintf("Specifying netmask invalid for IPv6 address '%s' in route definition", address->c_str()));
        if (!r.gateway.isFamily(AF_INET6))
            return fail(strprintf("ipv6 specified for non-IPv6 gateway address '%s' in route definition", gateway->c_str()));
        if (prefix > 128)
            return fail(strprintf("Invalid prefix %u specified in route definition, must be 0 - 128", prefix));
    } else {
        return fail(strprintf("Unrecognized family '%s' in route definition", r.family->c_str()));
    }
    net::SockAddr network = r.netmask.valid() ? net::maskBy(r.address, r.netmask) : net::maskByPrefix(r.address, prefix);
    if (!(network == r.address))
        return fail(strprintf("Address '%s' in route definition is not a network address", address->c_str()));
    return r;
}

void formatRoute(xml::Writer &w, const NetRoute &r)
{
    w.start("route");
    if (r.family)
        w.attr("family", *r.family);
    w.attr("address", r.address.format());
    if (r.netmask.valid())
        w.attr("netmask", r.netmask.format());
    if (r.prefix)
        w.attr("prefix", *r.prefix);
    w.attr("gateway", r.gateway.format());
    if (r.metric)
        w.attr("metric", *r.metric);
    w.end();
}

// The <ip> and <route> children of node.
Result<void> parseIPInfo(const xmlNode *node, const char *what, std::vector<NetIP> &ips, std::vector<NetRoute> &routes)
{
    for (const xmlNode *c : xml::Children(node)) {
        if (xml::is(c, "ip")) {
            NetIP ip;
            SET_OR_RETURN(ip, parseIP(c));
            ips.push_back(ip);
        }
    }
    for (const xmlNode *c : xml::Children(node)) {
        if (xml::is(c, "route")) {
            NetRoute r;
            SET_OR_RETURN(r, parseRoute(c, what));
            routes.push_back(std::move(r));
        }
    }
    return {};
}

Result<NetPortForward> parsePortForward(const xmlNode *n)
{
    NetPortForward pf;
    Props p(n);
    std::optional<NetPortForwardProto> proto;
    SET_OR_RETURN(proto, p.enumeration("proto", kNetPortForwardProto, PROP_REQUIRED));
    pf.proto = *proto;
    if (auto address = p.str("address")) {
        net::SockAddr a;
        if (!net::parseAddr(*address, a))
            return domainError(VIR_ERR_XML_ERROR, "Invalid address '%s' in <portForward>", *address);
        pf.address = a;
    }
    pf.dev = p.str("dev");
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "range"))
            continue;
        Props rp(c);
        NetPortForwardRange r;
        std::optional<unsigned int> v;
        SET_OR_RETURN(v, rp.uint("start", PROP_NONZERO));
        r.start = v.value_or(0);
        SET_OR_RETURN(v, rp.uint("end", PROP_NONZERO));
        r.end = v.value_or(0);
        SET_OR_RETURN(v, rp.uint("to", PROP_NONZERO));
        r.to = v.value_or(0);
        SET_OR_RETURN(r.exclude, rp.yesNo("exclude"));
        pf.ranges.push_back(r);
    }
    return pf;
}

// ---- the hostdev source -------------------------------------------------------------------

// A required unsigned attribute in C's bases (0x hex, 0 octal), as USB ids and addresses are.
Result<std::optional<unsigned int>> anyBaseUInt(const xmlNode *n, const char *name)
{
    Props p(n);
    auto raw = p.str(name, PROP_REQUIRED);
    if (!raw)
        return std::move(raw).error();
    const char *s = (*raw)->c_str();
    char *end = nullptr;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || strchr(s, '-') || v > 0xffffffffull)
        return p.invalid(name, **raw, "Expected non-negative integer value");
    return std::optional<unsigned int>{static_cast<unsigned int>(v)};
}

Result<void> parseHostdevSource(const xmlNode *iface, const xmlNode *src, InterfaceDef &d)
{
    d.hostdevManaged = xml::attr(iface, "managed") == std::optional<std::string>("yes");
    const xmlNode *address = src ? xml::child(src, "address") : nullptr;
    std::optional<std::string> type = address ? xml::attr(address, "type") : std::nullopt;
    if (!type && src && xml::child(src, "vendor"))
        type = "usb";
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing source address type");
    static const char *const kSubsys[] = {"usb", "pci", "scsi", "scsi_host", "mdev"};
    if (std::find_if(std::begin(kSubsys), std::end(kSubsys), [&](const char *s) { return *type == s; }) == std::end(kSubsys))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown host device source address type '%s'",
                             type->c_str());
    if (const xmlNode *drv = xml::child(iface, "driver")) {
        std::optional<NetHostdevBackend> backend;
        SET_OR_RETURN(backend, Props(drv).enumeration("name", kNetHostdevBackend, PROP_NONE_INVALID));
        d.hostdevBackend = backend.value_or(NetHostdevBackend::Default);
    }
    NetHostdevSource &h = d.hostdev;
    if (*type != "usb" && src && xml::attr(src, "startupPolicy"))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Setting startupPolicy is only allowed for USB devices");
    if (*type == "pci") {
        SET_OR_RETURN(h.pci, DeviceAddress::parse(address));
        h.pci.multifunction.reset();   // a host address has none of these
        h.pci.zpciUid.reset();
        h.pci.zpciFid.reset();
    } else if (*type == "usb") {
        h.usb = true;
        std::optional<NetUsbStartupPolicy> policy;
        SET_OR_RETURN(policy, Props(src).enumeration("startupPolicy", kNetUsbStartupPolicy, PROP_NONE_INVALID));
        h.startupPolicy = policy.value_or(NetUsbStartupPolicy::Default);
        if (const xmlNode *vendor = xml::child(src, "vendor")) {
            SET_OR_RETURN(h.vendor, anyBaseUInt(vendor, "id"));
            const xmlNode *product = xml::child(src, "product");
            if (!product)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing product");
            SET_OR_RETURN(h.product, anyBaseUInt(product, "id"));
        }
        if (address) {
            SET_OR_RETURN(h.bus, anyBaseUInt(address, "bus"));
            SET_OR_RETURN(h.device, anyBaseUInt(address, "device"));
        }
    } else {
        h.raw = xml::reformat(src, 3);
    }
    return {};
}

void formatHostdevSource(xml::Writer &w, const InterfaceDef &d)
{
    if (d.hostdevBackend != NetHostdevBackend::Default)
        w.start("driver").attr("name", kNetHostdevBackend.name(d.hostdevBackend)).end();
    const NetHostdevSource &h = d.hostdev;
    if (!h.raw.empty()) {
        w.raw(h.raw);
        return;
    }
    w.start("source");
    if (h.usb) {
        if (h.startupPolicy != NetUsbStartupPolicy::Default)
            w.attr("startupPolicy", kNetUsbStartupPolicy.name(h.startupPolicy));
        w.open();
        if (h.vendor) {
            w.start("vendor").attr("id", strprintf("0x%.4x", *h.vendor)).end();
            w.start("product").attr("id", strprintf("0x%.4x", h.product.value_or(0))).end();
        }
        if (h.bus || h.device)
            w.start("address").attr("type", "usb").attr("bus", h.bus.value_or(0)).attr("device", h.device.value_or(0)).end();
    } else {
        h.pci.format(w);
    }
    w.end();
}

// ---- <source> by type ---------------------------------------------------------------------

bool needsSource(NetType t)
{
    switch (t) {
    case NetType::Network:
    case NetType::Bridge:
    case NetType::Direct:
    case NetType::Internal:
    case NetType::Vhostuser:
    case NetType::Server:
    case NetType::Client:
    case NetType::Mcast:
    case NetType::Udp:
    case NetType::Vdpa:
    case NetType::Vds:
        return true;
    default:
        return false;
    }
}

Result<void> parseSource(const xmlNode *iface, const xmlNode *src, InterfaceDef &d)
{
    if (d.netType == NetType::Hostdev)
        return parseHostdevSource(iface, src, d);
    if (!src) {
        if (needsSource(d.netType))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "interface type='%s' requires a 'source' element",
                                 d.type.c_str());
        return {};
    }
    Props p(src);
    std::optional<std::string> s;
    switch (d.netType) {
    case NetType::Network:
        SET_OR_RETURN(s, p.str("network", PROP_REQUIRED));
        d.source = *s;
        d.portgroup = p.str("portgroup");
        break;
    case NetType::Bridge:
        SET_OR_RETURN(s, p.str("bridge", PROP_REQUIRED));
        d.source = *s;
        break;
    case NetType::Direct:
    case NetType::Vdpa: {
        SET_OR_RETURN(s, p.str("dev", PROP_REQUIRED));
        d.source = *s;
        if (d.netType == NetType::Direct) {
            std::optional<NetDirectMode> mode;
            SET_OR_RETURN(mode, p.enumeration("mode", kNetDirectMode));
            d.sourceMode = kNetDirectMode.name(mode.value_or(NetDirectMode::Vepa));
        }
        break;
    }
    case NetType::Internal:
        SET_OR_RETURN(s, p.str("name", PROP_REQUIRED));
        d.source = *s;
        break;
    case NetType::Vhostuser: {
        SET_OR_RETURN(s, p.str("type", PROP_REQUIRED));
        if (*s != "unix")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Type='%s' unsupported for <interface type='vhostuser'>",
                                 s->c_str());
        SET_OR_RETURN(s, p.str("path", PROP_REQUIRED));
        d.vhostuserPath = *s;
        d.source = *s;
        SET_OR_RETURN(s, p.str("mode", PROP_REQUIRED));
        if (*s != "server" && *s != "client")
            return p.invalid("mode", *s, "");
        d.sourceMode = *s;
        if (const xmlNode *rc = xml::child(src, "reconnect")) {
            Props rp(rc);
            SET_OR_RETURN(d.reconnect, rp.yesNo("enabled"));
            if (d.reconnect == true) {
                std::optional<unsigned int> timeout;
                SET_OR_RETURN(timeout, rp.uint("timeout", PROP_REQUIRED));
                d.reconnectTimeout = *timeout;
            }
        }
        break;
    }
    case NetType::Server:
    case NetType::Client:
    case NetType::Mcast:
    case NetType::Udp: {
        if (d.netType == NetType::Server)
            d.socketAddress = p.str("address");
        else
            SET_OR_RETURN(d.socketAddress, p.str("address", PROP_REQUIRED));
        std::optional<int> port;
        SET_OR_RETURN(port, p.sint("port", PROP_REQUIRED));
        d.socketPort = *port;
        if (d.netType == NetType::Udp) {
            const xmlNode *local = xml::child(src, "local");
            if (!local)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'<local>' element missing for 'udp' socket interface");
            Props lp(local);
            SET_OR_RETURN(s, lp.str("address", PROP_REQUIRED));
            d.localAddress = *s;
            SET_OR_RETURN(port, lp.sint("port", PROP_REQUIRED));
            d.localPort = *port;
        }
        break;
    }
    case NetType::Vds: {
        SET_OR_RETURN(s, p.str("switchid", PROP_REQUIRED));
        if (!uuidParse(s->c_str(), d.vdsSwitchId.data()))
            return p.invalid("switchid", *s, "Expected UUID");
        auto longAttr = [&](const char *name, long long &out) -> Result<void> {
            std::optional<std::string> v;
            SET_OR_RETURN(v, p.str(name, PROP_REQUIRED));
            auto n = xml::toLL(*v);
            if (!n)
                return p.invalid(name, *v, "Expected long long integer value");
            out = *n;
            return {};
        };
        VH_TRY(longAttr("portid", d.vdsPortId));
        SET_OR_RETURN(s, p.str("portgroupid", PROP_REQUIRED));
        d.vdsPortgroupId = *s;
        VH_TRY(longAttr("connectionid", d.vdsConnectionId));
        break;
    }
    default:
        break;
    }
    // host-side addresses and routes (only ethernet takes them: see validateAll)
    return parseIPInfo(src, "interface host IP", d.hostIPs, d.hostRoutes);
}

void formatHostIPs(xml::Writer &w, const InterfaceDef &d)
{
    for (const NetIP &ip : d.hostIPs)
        formatIP(w, ip);
    for (const NetRoute &r : d.hostRoutes)
        formatRoute(w, r);
}

void formatSource(xml::Writer &w, const InterfaceDef &d)
{
    switch (d.netType) {
    case NetType::Network:
        w.start("source").attr("network", d.source);
        if (d.portgroup)
            w.attr("portgroup", *d.portgroup);
        w.end();
        break;
    case NetType::Bridge:
        w.start("source").attr("bridge", d.source).end();
        break;
    case NetType::Direct:
        w.start("source").attr("dev", d.source).attr("mode", d.sourceMode).end();
        break;
    case NetType::Vdpa:
        w.start("source").attr("dev", d.source).end();
        break;
    case NetType::Internal:
        w.start("source").attr("name", d.source).end();
        break;
    case NetType::Vhostuser:
        w.start("source").attr("type", "unix").attr("path", d.vhostuserPath).attr("mode", d.sourceMode);
        if (d.reconnect) {
            w.start("reconnect").attr("enabled", yesNo(*d.reconnect));
            if (*d.reconnect)
                w.attr("timeout", d.reconnectTimeout);
            w.end();
        }
        w.end();
        break;
    case NetType::Server:
    case NetType::Client:
    case NetType::Mcast:
    case NetType::Udp:
        w.start("source");
        if (d.socketAddress)
            w.attr("address", *d.socketAddress);
        w.attr("port", d.socketPort);
        if (d.netType == NetType::Udp)
            w.start("local").attr("address", d.localAddress).attr("port", d.localPort).end();
        w.end();
        break;
    case NetType::Vds:
        w.start("source").attr("switchid", uuidFormat(d.vdsSwitchId.data())).attr("portid", d.vdsPortId)
            .attr("portgroupid", d.vdsPortgroupId).attr("connectionid", d.vdsConnectionId).end();
        break;
    case NetType::Ethernet:
        if (!d.hostIPs.empty() || !d.hostRoutes.empty()) {
            w.start("source").open();
            formatHostIPs(w, d);
            w.end();
        }
        break;
    case NetType::Hostdev:
        formatHostdevSource(w, d);
        break;
    default:
        break;
    }
}

// ---- <virtualport> ------------------------------------------------------------------------

// How each type reads <virtualport>: which need a type and every parameter of it.
Result<void> parseVirtualPort(const xmlNode *n, InterfaceDef &d)
{
    bool strict = false;     // the type and all its parameters are required
    switch (d.netType) {
    case NetType::Network:
        break;
    case NetType::Bridge:
    case NetType::Direct:
    case NetType::Hostdev:
        strict = true;
        break;
    default:
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "<virtualport> element unsupported for <interface type='%s'>",
                             d.type.c_str());
    }
    std::optional<net::VirtualPort> vp;
    SET_OR_RETURN(vp, net::VirtualPort::parse(n, strict ? net::VirtualPort::REQUIRE_TYPE : 0u));
    if (!vp) {
        if (strict)
            return Error::make(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "missing required virtualport type");
        vp.emplace();
    }
    // the ids a port needs are generated when missing
    auto generate = [](std::optional<std::array<unsigned char, 16>> &id) {
        std::array<unsigned char, 16> u{};
        uuidGenerate(u.data());
        id = u;
    };
    if (!vp->instanceID && (vp->type == net::VPortType::Qbg || vp->type == net::VPortType::None))
        generate(vp->instanceID);
    if (!vp->interfaceID && (vp->type == net::VPortType::OpenVSwitch || vp->type == net::VPortType::None))
        generate(vp->interfaceID);
    if (strict) {
        std::string type(net::kVPortType.name(vp->type));
        auto missing = [&](const char *what) {
            return Error::format(VIR_FROM_NET, VIR_ERR_XML_ERROR, "missing %s in <virtualport type='%s'>", what, type.c_str());
        };
        switch (vp->type) {
        case net::VPortType::Qbg:
            if (!vp->managerID)
                return missing("managerid");
            if (!vp->typeID)
                return missing("typeid");
            if (!vp->typeIDVersion)
                return missing("typeidversion");
            break;
        case net::VPortType::Qbh:
            if (vp->profileID.empty())
                return missing("profileid");
            break;
        case net::VPortType::Midonet:
            if (!vp->interfaceID)
                return missing("interfaceid");
            break;
        default:
            break;
        }
    }
    d.virtualport = std::move(vp);
    return {};
}

// ---- <driver> -----------------------------------------------------------------------------

Result<void> parseDriver(const xmlNode *drv, InterfaceDef &d)
{
    SET_OR_RETURN(d.virtio, VirtioOptions::parse(drv));
    if (!drv || d.netType == NetType::Hostdev || !d.isVirtioModel())
        return {};
    Props p(drv);
    std::optional<NetDriverName> name;
    SET_OR_RETURN(name, p.enumeration("name", kNetDriverName, PROP_NONE_INVALID));
    d.driverName = name.value_or(NetDriverName::Default);
    std::optional<NetTxMode> txmode;
    SET_OR_RETURN(txmode, p.enumeration("txmode", kNetTxMode, PROP_NONE_INVALID));
    d.txmode = txmode.value_or(NetTxMode::Default);
    SET_OR_RETURN(d.ioeventfd, p.onOff("ioeventfd"));
    SET_OR_RETURN(d.eventIdx, p.onOff("event_idx"));
    std::optional<unsigned int> v;
    SET_OR_RETURN(v, p.uint("queues"));
    d.queues = v.value_or(0);
    SET_OR_RETURN(v, p.uint("rx_queue_size"));
    d.rxQueueSize = v.value_or(0);
    SET_OR_RETURN(v, p.uint("tx_queue_size"));
    d.txQueueSize = v.value_or(0);
    SET_OR_RETURN(d.rss, p.onOff("rss"));
    SET_OR_RETURN(d.rssHashReport, p.onOff("rss_hash_report"));
    if (const xmlNode *host = xml::child(drv, "host")) {
        Props hp(host);
        for (size_t i = 0; i < std::size(kHostOffloads); i++)
            SET_OR_RETURN(d.hostOffloads[i], hp.onOff(kHostOffloads[i]));
    }
    if (const xmlNode *guest = xml::child(drv, "guest")) {
        Props gp(guest);
        for (size_t i = 0; i < std::size(kGuestOffloads); i++)
            SET_OR_RETURN(d.guestOffloads[i], gp.onOff(kGuestOffloads[i]));
    }
    return {};
}

bool anyOf(const auto &arr)
{
    return std::any_of(std::begin(arr), std::end(arr), [](const auto &o) { return o.has_value(); });
}

void formatDriver(xml::Writer &w, const InterfaceDef &d)
{
    bool attrs = d.driverName != NetDriverName::Default || d.txmode != NetTxMode::Default || d.ioeventfd || d.eventIdx ||
                 d.queues > 1 || d.rxQueueSize || d.txQueueSize || d.rss || d.rssHashReport || !d.virtio.empty();
    bool host = anyOf(d.hostOffloads), guest = anyOf(d.guestOffloads);
    if (!attrs && !host && !guest)
        return;
    w.start("driver");
    if (d.driverName != NetDriverName::Default)
        w.attr("name", kNetDriverName.name(d.driverName));
    if (d.txmode != NetTxMode::Default)
        w.attr("txmode", kNetTxMode.name(d.txmode));
    if (d.ioeventfd)
        w.attr("ioeventfd", onOff(*d.ioeventfd));
    if (d.eventIdx)
        w.attr("event_idx", onOff(*d.eventIdx));
    if (d.queues > 1)
        w.attr("queues", d.queues);
    if (d.rxQueueSize)
        w.attr("rx_queue_size", d.rxQueueSize);
    if (d.txQueueSize)
        w.attr("tx_queue_size", d.txQueueSize);
    if (d.rss)
        w.attr("rss", onOff(*d.rss));
    if (d.rssHashReport)
        w.attr("rss_hash_report", onOff(*d.rssHashReport));
    d.virtio.formatAttrs(w);
    if (host) {
        w.start("host");
        for (size_t i = 0; i < std::size(kHostOffloads); i++)
            if (d.hostOffloads[i])
                w.attr(kHostOffloads[i], onOff(*d.hostOffloads[i]));
        w.end();
    }
    if (guest) {
        w.start("guest");
        for (size_t i = 0; i < std::size(kGuestOffloads); i++)
            if (d.guestOffloads[i])
                w.attr(kGuestOffloads[i], onOff(*d.guestOffloads[i]));
        w.end();
    }
    w.end();
}

// ---- <filterref> --------------------------------------------------------------------------

bool validVarName(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return isalnum(c) || c == '_'; });
}

bool validVarValue(const std::string &s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return isalnum(c) || c == '_' || c == '.' || c == ':'; });
}

void parseFilterref(const xmlNode *n, InterfaceDef &d)
{
    d.filter = xml::attr(n, "filter");
    if (!d.filter)
        return;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "parameter"))
            continue;
        auto name = xml::attr(c, "name");
        auto value = xml::attr(c, "value");
        if (name && value && validVarName(*name) && validVarValue(*value))
            d.filterParams.emplace_back(*name, *value);
    }
    // printed by name; the values of one name keep their order
    std::stable_sort(d.filterParams.begin(), d.filterParams.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
}

// ---- the model ----------------------------------------------------------------------------

Result<void> parseModel(const xmlNode *n, InterfaceDef &d)
{
    auto type = xml::attr(n, "type");
    if (!type || type->empty())
        return {};
    if (!std::all_of(type->begin(), type->end(), [](unsigned char c) { return isalnum(c) || c == '_' || c == '-'; }))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "Model name contains invalid characters");
    if (strcasecmp(type->c_str(), "unknown") == 0)
        return {};
    d.model = *type;
    for (const char *known : kKnownModels)
        if (strcasecmp(type->c_str(), known) == 0)
            d.model = known;
    return {};
}

} // namespace

std::optional<std::string> parseMac(std::string_view s)
{
    unsigned int b[6];
    size_t pos = 0;
    for (int i = 0; i < 6; i++) {
        size_t start = pos;
        unsigned int v = 0;
        while (pos < s.size() && pos - start < 3 && isxdigit(static_cast<unsigned char>(s[pos]))) {
            char c = static_cast<char>(tolower(static_cast<unsigned char>(s[pos])));
            v = v * 16 + static_cast<unsigned int>(isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
            pos++;
        }
        if (pos == start || pos - start > 2)
            return std::nullopt;
        b[i] = v;
        if (i < 5) {
            if (pos >= s.size() || s[pos] != ':')
                return std::nullopt;
            pos++;
        }
    }
    // libvirt stops at the first blank after the last group
    if (pos < s.size() && !isspace(static_cast<unsigned char>(s[pos])))
        return std::nullopt;
    char out[18];
    snprintf(out, sizeof(out), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return std::string(out);
}

Result<InterfaceDef> InterfaceDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    InterfaceDef d;
    Props p(n);
    std::optional<NetType> type;
    SET_OR_RETURN(type, p.enumeration("type", kNetType));
    d.netType = type.value_or(NetType::User);
    d.type = kNetType.name(d.netType);
    SET_OR_RETURN(d.trustGuestRxFilters, p.yesNo("trustGuestRxFilters"));

    // the first of each child, read below in libvirt's order
    const xmlNode *source = nullptr, *virtualport = nullptr, *model = nullptr, *target = nullptr, *bandwidth = nullptr,
                  *vlan = nullptr, *mac = nullptr, *driver = nullptr, *backend = nullptr, *link = nullptr,
                  *teaming = nullptr, *tune = nullptr, *mtu = nullptr, *coalesce = nullptr, *port = nullptr,
                  *filterref = nullptr, *script = nullptr, *downscript = nullptr, *backenddomain = nullptr, *guest = nullptr;
    std::vector<const xmlNode *> portForwards;
    struct {
        const char *name;
        const xmlNode **node;
    } const firsts[] = {{"source", &source}, {"virtualport", &virtualport}, {"model", &model}, {"target", &target},
                        {"bandwidth", &bandwidth}, {"vlan", &vlan}, {"mac", &mac}, {"driver", &driver},
                        {"backend", &backend}, {"link", &link}, {"teaming", &teaming}, {"tune", &tune}, {"mtu", &mtu},
                        {"coalesce", &coalesce}, {"port", &port}, {"filterref", &filterref}, {"script", &script},
                        {"downscript", &downscript}, {"backenddomain", &backenddomain}, {"guest", &guest}};
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "portForward")) {
            portForwards.push_back(c);
            continue;
        }
        for (const auto &f : firsts)
            if (!*f.node && xml::is(c, f.name))
                *f.node = c;
    }

    if (model)
        VH_TRY(parseModel(model, d));
    VH_TRY(parseSource(n, source, d));
    if (virtualport)
        VH_TRY(parseVirtualPort(virtualport, d));
    if (target) {
        Props tp(target);
        d.targetDev = tp.str("dev").value_or("");
        // names the host generates are runtime state, not part of a persistent config
        if (ctx.inactive())
            for (const char *prefix : kGeneratedPrefixes)
                if (d.targetDev.rfind(prefix, 0) == 0)
                    d.targetDev.clear();
        SET_OR_RETURN(d.targetManaged, tp.yesNo("managed"));
    }
    if (bandwidth)
        SET_OR_RETURN(d.bandwidth, net::Bandwidth::parse(bandwidth, d.netType == NetType::Network));
    if (vlan)
        SET_OR_RETURN(d.vlan, net::Vlan::parse(vlan));
    if (mac) {
        // a <mac> without an address gets a generated one, as no <mac> does
        if (auto text = xml::attr(mac, "address")) {
            auto m = parseMac(*text);
            if (!m)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unable to parse mac address '%s'", text->c_str());
            if (strtoul(m->substr(0, 2).c_str(), nullptr, 16) & 1)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "expected unicast mac address, found multicast '%s'",
                                     text->c_str());
            d.mac = *m;
        }
        Props mp(mac);
        std::optional<NetMacType> macType;
        SET_OR_RETURN(macType, mp.enumeration("type", kNetMacType, PROP_NONE_INVALID));
        d.macType = macType.value_or(NetMacType::Default);
        SET_OR_RETURN(d.macCheck, mp.yesNo("check"));
    }
    SET_OR_RETURN(d.info, DeviceInfo::parse(n, ctx, INFO_BOOT | INFO_ROM));
    VH_TRY(parseIPInfo(n, "guest interface", d.guestIPs, d.guestRoutes));
    for (const xmlNode *c : portForwards) {
        NetPortForward pf;
        SET_OR_RETURN(pf, parsePortForward(c));
        d.portForwards.push_back(std::move(pf));
    }
    VH_TRY(parseDriver(driver, d));
    if (backend) {
        Props bp(backend);
        // libvirt 9.0 knows the name 'passt' but takes no backend type yet
        if (auto t = bp.str("type")) {
            if (*t != "passt")
                return bp.invalid("type", *t, "");
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                 "Invalid value for attribute 'type' in element 'backend': '%s'.", t->c_str());
        }
        d.backendTap = bp.str("tap");
        if (d.netType != NetType::Hostdev && d.isVirtioModel())
            d.backendVhost = bp.str("vhost");
        d.backendLogFile = bp.str("logFile");
    }
    if (link) {
        if (auto state = xml::attr(link, "state"); state && !state->empty()) {
            auto s = kNetLinkState.parse(*state);
            if (!s || *s == NetLinkState::Default)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown interface link state '%s'",
                                     state->c_str());
            d.linkState = *s;
        }
    }
    if (teaming) {
        if (auto t = xml::attr(teaming, "type"); t && !t->empty()) {
            auto tt = kNetTeaming.parse(*t);
            if (!tt || *tt == NetTeaming::None)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown teaming type '%s'", t->c_str());
            d.teaming = *tt;
        }
        d.teamingPersistent = xml::attr(teaming, "persistent");
    }
    if (tune) {
        if (const xmlNode *sndbuf = xml::child(tune, "sndbuf")) {
            auto v = parseULL(xml::text(sndbuf), 10);
            if (!v)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "sndbuf must be a positive integer");
            d.sndbuf = *v;
        }
    }
    if (mtu) {
        if (auto size = xml::attr(mtu, "size")) {
            auto v = parseULL(*size, 10);
            if (!v || *v > 0xffffffffull)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "malformed mtu size");
            d.mtu = static_cast<unsigned int>(*v);
        }
    }
    if (coalesce) {
        const xmlNode *rx = xml::child(coalesce, "rx");
        const xmlNode *frames = rx ? xml::child(rx, "frames") : nullptr;
        if (frames) {
            if (auto max = xml::attr(frames, "max")) {
                auto v = parseULL(*max, 10);
                if (!v)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "cannot parse value '%s' for coalesce parameter",
                                         max->c_str());
                if (*v > 0xffffffffull)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OVERFLOW,
                                         "value '%s' is too big for coalesce parameter, maximum is '%u'", max->c_str(), 0xffffffffu);
                d.coalesceRxFrames = static_cast<unsigned int>(*v);
            }
        }
    }
    if (port)
        SET_OR_RETURN(d.port, net::PortOptions::parse(port));

    // the filter only applies where libvirt's network filters can see the traffic
    if (filterref && (d.netType == NetType::Ethernet || d.netType == NetType::Network || d.netType == NetType::Bridge))
        parseFilterref(filterref, d);
    auto path = [](const xmlNode *e, const char *attr) -> std::optional<std::string> {
        if (!e)
            return std::nullopt;
        auto v = xml::attr(e, attr);
        if (v && v->empty())
            return std::nullopt;
        return v;
    };
    d.script = path(script, "path");
    d.downscript = path(downscript, "path");
    d.backendDomain = path(backenddomain, "name");
    d.guestDev = path(guest, "dev");
    d.guestActual = path(guest, "actual");
    return d;
}

void InterfaceDef::postParseAll(DomainDef &def)
{
    // a generated 52:54:00 MAC when none was given
    static thread_local std::mt19937 gen{std::random_device{}()};
    for (InterfaceDef &i : def.devices.interfaces) {
        if (!i.mac.empty())
            continue;
        char out[18];
        snprintf(out, sizeof(out), "52:54:00:%02x:%02x:%02x", static_cast<unsigned>(gen() & 0xff),
                 static_cast<unsigned>(gen() & 0xff), static_cast<unsigned>(gen() & 0xff));
        i.mac = out;
    }
}

Result<const InterfaceDef *> InterfaceDef::byDevice(const std::vector<InterfaceDef> &nics, const char *device)
{
    for (const InterfaceDef &n : nics)
        if ((!n.targetDev.empty() && n.targetDev == device) || strcasecmp(n.mac.c_str(), device) == 0)
            return &n;
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
}

Result<void> InterfaceDef::validateAll(const DomainDef &def)
{
    for (const InterfaceDef &i : def.devices.interfaces) {
        if ((!i.hostIPs.empty() || !i.hostRoutes.empty()) && i.netType != NetType::Ethernet)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "Invalid attempt to set network interface host-side IP route and/or address info on interface of type '%s'. This is only supported on interfaces of type 'ethernet'",
                                 i.type.c_str());
        if (i.targetManaged == false && i.netType != NetType::Ethernet)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "unmanaged target dev is not supported on interfaces of type '%s'", i.type.c_str());
        if (i.teaming == NetTeaming::Transient && !i.teamingPersistent)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "teaming persistent attribute must be set if teaming type is 'transient'");
        if (i.teaming == NetTeaming::Persistent && i.teamingPersistent)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "teaming persistent attribute not allowed if teaming type is 'persistent'");
        if (i.port.isolated == true) {
            if (i.netType != NetType::Network && i.netType != NetType::Bridge)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "interface %s - <port isolated='yes'/> is not supported for network interfaces with type='%s'",
                                     i.mac.c_str(), i.type.c_str());
            if (i.virtualport && i.virtualport->type != net::VPortType::None)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "interface %s - <port isolated='yes'/> is not supported for network interfaces with virtualport type='%s'",
                                     i.mac.c_str(), std::string(net::kVPortType.name(i.virtualport->type)).c_str());
        }
        if (!i.isVirtioModel()) {
            const char *option = i.virtio.iommu ? "iommu driver option"
                                 : i.virtio.ats ? "ats driver option"
                                 : i.virtio.packed ? "packed driver option"
                                 : i.virtio.pagePerVq ? "page_per_vq option"
                                                      : nullptr;
            if (option)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "%s is only supported for virtio devices", option);
        }
        if (i.netType == NetType::Vhostuser) {
            if (!i.isVirtioModel())
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                                   "Wrong or no <model> 'type' attribute specified with <interface type='vhostuser'/>. vhostuser requires the virtio-net* frontend");
            if (i.reconnect == true && i.sourceMode == "server")
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                   "'reconnect' attribute unsupported 'server' mode for <interface type='vhostuser'>");
        }
    }
    return {};
}

void InterfaceDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("interface").attr("type", type);
    if (netType == NetType::Hostdev && hostdevManaged)
        w.attr("managed", "yes");
    if (trustGuestRxFilters)
        w.attr("trustGuestRxFilters", yesNo(*trustGuestRxFilters));
    w.start("mac").attr("address", mac);
    if (macType != NetMacType::Default)
        w.attr("type", kNetMacType.name(macType));
    if (macCheck)
        w.attr("check", yesNo(*macCheck));
    w.end();
    formatSource(w, *this);
    if (vlan)
        vlan->format(w);
    if (virtualport)
        virtualport->format(w);
    if (bandwidth)
        bandwidth->format(w);
    port.format(w);
    for (const NetIP &ip : guestIPs)
        formatIP(w, ip);
    for (const NetRoute &r : guestRoutes)
        formatRoute(w, r);
    for (const NetPortForward &pf : portForwards) {
        w.start("portForward").attr("proto", kNetPortForwardProto.name(pf.proto));
        if (pf.address)
            w.attr("address", pf.address->format());
        if (pf.dev)
            w.attr("dev", *pf.dev);
        for (const NetPortForwardRange &r : pf.ranges) {
            if (!r.start)
                continue;
            w.start("range").attr("start", r.start);
            if (r.end)
                w.attr("end", r.end);
            if (r.to)
                w.attr("to", r.to);
            if (r.exclude)
                w.attr("exclude", yesNo(*r.exclude));
            w.end();
        }
        w.end();
    }
    if (script)
        w.start("script").attr("path", *script).end();
    if (downscript)
        w.start("downscript").attr("path", *downscript).end();
    if (backendDomain)
        w.start("backenddomain").attr("name", *backendDomain).end();
    if (!targetDev.empty() || targetManaged) {
        w.start("target");
        if (!targetDev.empty())
            w.attr("dev", targetDev);
        if (targetManaged)
            w.attr("managed", yesNo(*targetManaged));
        w.end();
    }
    if (guestDev || guestActual) {
        w.start("guest");
        if (guestDev)
            w.attr("dev", *guestDev);
        if (guestActual)
            w.attr("actual", *guestActual);
        w.end();
    }
    if (!model.empty())
        w.start("model").attr("type", model).end();
    formatDriver(w, *this);
    if (backendTap || backendVhost || backendLogFile) {
        w.start("backend");
        if (backendTap)
            w.attr("tap", *backendTap);
        if (backendVhost)
            w.attr("vhost", *backendVhost);
        if (backendLogFile)
            w.attr("logFile", *backendLogFile);
        w.end();
    }
    if (filter) {
        w.start("filterref").attr("filter", *filter);
        for (const auto &[name, value] : filterParams)
            w.start("parameter").attr("name", name).attr("value", value).end();
        w.end();
    }
    if (sndbuf) {
        w.start("tune").open();
        w.element("sndbuf", std::to_string(*sndbuf));
        w.end();
    }
    if (teaming != NetTeaming::None) {
        w.start("teaming").attr("type", kNetTeaming.name(teaming));
        if (teamingPersistent)
            w.attr("persistent", *teamingPersistent);
        w.end();
    }
    if (linkState != NetLinkState::Default)
        w.start("link").attr("state", kNetLinkState.name(linkState)).end();
    if (mtu)
        w.start("mtu").attr("size", mtu).end();
    if (coalesceRxFrames) {
        w.start("coalesce").start("rx").start("frames").attr("max", coalesceRxFrames).end().end().end();
    }
    info.format(w, ctx);
    w.end();
}

} // namespace vh::conf
