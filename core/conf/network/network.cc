#include "conf/network/network.h"

#include <cstdarg>
#include <cstring>
#include <strings.h>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

using net::firstChild;
using net::SockAddr;

namespace {

constexpr const char *kDnsmasqNS = "http://libvirt.org/schemas/network/dnsmasq/1.0";

// Element children in no namespace called name (what libvirt's "./name" XPath selects).
template <class F>
Result<void> eachChild(const xmlNode *parent, const char *name, F f)
{
    for (const xmlNode *c : xml::Children(parent))
        if (!c->ns && xml::is(c, name))
            VH_TRY(f(c));
    return {};
}

size_t countChildren(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c : xml::Children(parent))
        n += !c->ns && xml::is(c, name);
    return n;
}

// XPath string() of an element: the concatenated text below it.
std::string stringValue(const xmlNode *n)
{
    std::string out;
    xmlChar *s = xmlNodeGetContent(n);
    if (s) {
        out = reinterpret_cast<const char *>(s);
        xmlFree(s);
    }
    return out;
}

Error xmlError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
Error xmlError(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[2048];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return Error::make(VIR_FROM_NETWORK, VIR_ERR_XML_ERROR, buf);
}

template <class... A>
Error netError(int code, const char *fmt, A... args)
{
    return Error::format(VIR_FROM_NETWORK, code, fmt, args...);
}

// ---- <metadata>: the first element of each namespace, as written

std::vector<std::string> parseMetadata(const xmlNode *n)
{
    std::vector<std::string> out, seen;
    for (const xmlNode *c : xml::Children(n)) {
        if (!c->ns || !c->ns->href)
            continue;
        std::string uri = reinterpret_cast<const char *>(c->ns->href);
        bool dup = false;
        for (const std::string &s : seen)
            dup |= s == uri;
        if (dup)
            continue;
        seen.push_back(uri);
        out.push_back(xml::serialize(c, 2));
    }
    return out;
}

// ---- <forward>

Result<void> parseNat(const std::string &name, const xmlNode *n, NetworkForward &fwd)
{
    auto v6 = Props(n).yesNo("ipv6");
    if (!v6)
        return std::move(v6).error();
    fwd.natIPv6 = *v6;
    size_t nAddrs = countChildren(n, "address"), nPorts = countChildren(n, "port");
    if (nAddrs > 1)
        return xmlError("Only one <address> element is allowed in <nat> in <forward> in network %s", name.c_str());
    if (nAddrs == 1) {
        const xmlNode *a = firstChild(n, "address");
        auto start = xml::attr(a, "start"), end = xml::attr(a, "end");
        if (!start)
            return xmlError("missing 'start' attribute in <address> element in <nat> in <forward> in network %s",
                            name.c_str());
        if (!end)
            return xmlError("missing 'end' attribute in <address> element in <nat> in <forward> in network %s",
                            name.c_str());
        if (!net::parseAddr(*start, fwd.natStart, AF_INET))
            return xmlError("Bad ipv4 start address '%s' in <nat> in <forward> in network '%s'", start->c_str(),
                            name.c_str());
        if (!net::parseAddr(*end, fwd.natEnd, AF_INET))
            return xmlError("Bad ipv4 end address '%s' in <nat> in <forward> in network '%s'", end->c_str(),
                            name.c_str());
        auto range = net::addrRange(fwd.natStart, fwd.natEnd, nullptr, 0);
        if (!range)
            return std::move(range).error();
    }
    if (nPorts > 1)
        return xmlError("Only one <port> element is allowed in <nat> in <forward> in network %s", name.c_str());
    if (nPorts == 1) {
        const xmlNode *p = firstChild(n, "port");
        if (net::readUI(p, "start", fwd.portStart) != net::NumRead::Ok || fwd.portStart > 65535)
            return netError(VIR_ERR_XML_DETAIL,
                            "Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network %s",
                            name.c_str());
        if (net::readUI(p, "end", fwd.portEnd) != net::NumRead::Ok || fwd.portEnd > 65535 || fwd.portEnd < fwd.portStart)
            return netError(VIR_ERR_XML_DETAIL,
                            "Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network %s",
                            name.c_str());
    }
    return {};
}

Result<void> parseForward(const std::string &name, const xmlNode *n, NetworkForward &fwd)
{
    auto mode = net::xpathAttr(n, "mode");
    if (!mode) {
        fwd.type = NetworkForwardType::Nat;
    } else {
        auto t = kNetworkForwardType.parse(*mode);
        if (!t)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown forwarding type '%s'", mode->c_str());
        fwd.type = *t;
    }
    if (auto managed = net::xpathAttr(n, "managed"))
        fwd.managed = strcasecmp(managed->c_str(), "yes") == 0;

    if (const xmlNode *driver = firstChild(n, "driver")) {
        if (auto dn = net::xpathAttr(driver, "name")) {
            auto d = kForwardDriverName.parse(*dn);
            if (!d || *d == ForwardDriverName::Default)
                return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Unknown forward <driver name='%s'/> in network %s",
                                dn->c_str(), name.c_str());
            fwd.driverName = *d;
        }
    }

    size_t nNats = countChildren(n, "nat");
    if (nNats > 1)
        return xmlError("Only one <nat> element is allowed in <forward> of network %s", name.c_str());
    if (nNats == 1) {
        if (fwd.type != NetworkForwardType::Nat)
            return xmlError("The <nat> element can only be used when <forward> 'mode' is 'nat' in network %s",
                            name.c_str());
        VH_TRY(parseNat(name, firstChild(n, "nat"), fwd));
    }

    auto forwardDev = net::xpathAttr(n, "dev");
    size_t nIfs = countChildren(n, "interface"), nAddrs = countChildren(n, "address"), nPfs = countChildren(n, "pf");
    if (forwardDev && (nAddrs > 0 || nPfs > 0))   // (libvirt leaves the %s of this message unformatted)
        return xmlError("the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present in network %%s");

    if (nIfs > 0 || forwardDev) {
        if (forwardDev)
            fwd.ifs.push_back({false, *forwardDev, {}});
        size_t i = 0;
        return eachChild(n, "interface", [&](const xmlNode *c) -> Result<void> {
            auto dev = xml::attr(c, "dev");
            if (!dev)
                return xmlError("Missing required dev attribute in <forward> <interface> element of network %s",
                                name.c_str());
            if (i++ == 0 && forwardDev) {
                if (*dev != *forwardDev)
                    return xmlError("<forward dev='%s'> must match first <interface dev='%s'/> in network %s",
                                    forwardDev->c_str(), dev->c_str(), name.c_str());
                return {};
            }
            for (const NetworkForwardIf &f : fwd.ifs)
                if (f.dev == *dev)
                    return xmlError("interface '%s' can only be listed once in network %s", dev->c_str(), name.c_str());
            fwd.ifs.push_back({false, *dev, {}});
            return {};
        });
    }
    if (nAddrs > 0) {
        return eachChild(n, "address", [&](const xmlNode *c) -> Result<void> {
            auto type = xml::attr(c, "type");
            if (!type)
                return xmlError("missing address type in network %s", name.c_str());
            if (*type != "pci")
                return netError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown address type '%s' in network %s", type->c_str(),
                                name.c_str());
            NetworkForwardIf f;
            f.pci = true;
            auto addr = net::parsePciAddress(c);
            if (!addr)
                return std::move(addr).error();
            f.addr = *addr;
            for (const NetworkForwardIf &o : fwd.ifs)
                if (o.addr == f.addr)
                    return xmlError("PCI device '%04x:%02x:%02x.%x' can only be listed once in network %s",
                                    f.addr.domain, f.addr.bus, f.addr.slot, f.addr.function, name.c_str());
            fwd.ifs.push_back(f);
            return {};
        });
    }
    if (nPfs > 1)
        return xmlError("Only one <pf> element is allowed in <forward> of network %s", name.c_str());
    if (nPfs == 1) {
        auto dev = xml::attr(firstChild(n, "pf"), "dev");
        if (!dev)
            return xmlError("Missing required dev attribute in <pf> element of network '%s'", name.c_str());
        fwd.pf = *dev;
    }
    return {};
}

// ---- <dns>

Result<void> parseDnsHost(const std::string &name, const xmlNode *n, DnsHost &host)
{
    auto ip = xml::attr(n, "ip");
    if (ip && !net::parseAddr(*ip, host.ip))
        return netError(VIR_ERR_XML_DETAIL, "Invalid IP address in network '%s' DNS HOST record", name.c_str());
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns || !xml::is(c, "hostname"))
            continue;
        std::string h = stringValue(c);
        if (!h.empty())
            host.hostnames.push_back(h);
    }
    if (!ip)
        return netError(VIR_ERR_XML_DETAIL, "Missing IP address in network '%s' DNS HOST record", name.c_str());
    if (host.hostnames.empty())
        return netError(VIR_ERR_XML_DETAIL, "Missing hostname in network '%s' DNS HOST record", name.c_str());
    return {};
}

Result<void> parseDnsSrv(const std::string &name, const xmlNode *n, DnsSrv &srv)
{
    static const char kServiceChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*";
    static const char kProtocolChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/";
    constexpr size_t kMaxService = 512 - 30;
    auto service = xml::attr(n, "service");
    if (!service)
        return netError(VIR_ERR_XML_DETAIL, "missing required service attribute in DNS SRV record of network '%s'",
                        name.c_str());
    if (service->size() > kMaxService)
        return netError(VIR_ERR_XML_DETAIL, "service attribute '%s' in network '%s' is too long, limit is %d bytes",
                        service->c_str(), name.c_str(), static_cast<int>(kMaxService));
    if (strspn(service->c_str(), kServiceChars) < service->size())
        return netError(VIR_ERR_XML_DETAIL, "invalid character in service attribute '%s' in DNS SRV record of network '%s'",
                        service->c_str(), name.c_str());
    srv.service = *service;
    auto protocol = xml::attr(n, "protocol");
    if (!protocol)
        return netError(VIR_ERR_XML_DETAIL, "missing required protocol attribute in DNS SRV record '%s' of network '%s'",
                        service->c_str(), name.c_str());
    if (strspn(protocol->c_str(), kProtocolChars) < protocol->size())
        return netError(VIR_ERR_XML_DETAIL, "invalid character in protocol attribute '%s' in DNS SRV record of network '%s'",
                        protocol->c_str(), name.c_str());
    srv.protocol = *protocol;
    srv.domain = xml::attr(n, "domain");
    srv.target = xml::attr(n, "target");

    const char *svc = service->c_str();
    net::NumRead r = net::readUI(n, "port", srv.port);
    if (r == net::NumRead::Ok && !srv.target)
        return netError(VIR_ERR_XML_DETAIL,
                        "DNS SRV port attribute not permitted without target for service '%s' in network '%s'", svc,
                        name.c_str());
    if (r == net::NumRead::Bad || (r == net::NumRead::Ok && (srv.port < 1 || srv.port > 65535)))
        return netError(VIR_ERR_XML_DETAIL, "invalid DNS SRV port attribute for service '%s' in network '%s'", svc,
                        name.c_str());
    r = net::readUI(n, "priority", srv.priority);
    if (r == net::NumRead::Ok && !srv.target)
        return netError(VIR_ERR_XML_DETAIL,
                        "DNS SRV priority attribute not permitted without target for service '%s' in network '%s'", svc,
                        name.c_str());
    if (r == net::NumRead::Bad || (r == net::NumRead::Ok && srv.priority > 65535))
        return netError(VIR_ERR_XML_DETAIL, "Invalid DNS SRV priority attribute for service '%s' in network '%s'", svc,
                        name.c_str());
    r = net::readUI(n, "weight", srv.weight);
    if (r == net::NumRead::Ok && !srv.target)
        return netError(VIR_ERR_XML_DETAIL,
                        "DNS SRV weight attribute not permitted without target for service '%s' in network '%s'", svc,
                        name.c_str());
    if (r == net::NumRead::Bad || (r == net::NumRead::Ok && srv.weight > 65535))
        return netError(VIR_ERR_XML_DETAIL, "invalid DNS SRV weight attribute for service '%s' in network '%s'", svc,
                        name.c_str());
    return {};
}

Result<void> parseDnsTxt(const std::string &name, const xmlNode *n, DnsTxt &txt)
{
    auto tname = xml::attr(n, "name");
    if (!tname)
        return netError(VIR_ERR_XML_DETAIL, "missing required name attribute in DNS TXT record of network %s", name.c_str());
    if (strcspn(tname->c_str(), " ") < tname->size())
        return netError(VIR_ERR_XML_DETAIL, "prohibited character in DNS TXT record name '%s' of network %s",
                        tname->c_str(), name.c_str());
    auto value = xml::attr(n, "value");
    if (!value)
        return netError(VIR_ERR_XML_DETAIL, "missing required value attribute in DNS TXT record named '%s' of network %s",
                        tname->c_str(), name.c_str());
    txt.name = *tname;
    txt.value = *value;
    return {};
}

Result<void> parseDns(const std::string &name, const xmlNode *n, NetworkDns &dns)
{
    Props p(n);
    auto enable = p.yesNo("enable");
    if (!enable)
        return std::move(enable).error();
    dns.enable = *enable;
    auto fpn = p.yesNo("forwardPlainNames");
    if (!fpn)
        return std::move(fpn).error();
    dns.forwardPlainNames = *fpn;

    VH_TRY(eachChild(n, "forwarder", [&](const xmlNode *c) -> Result<void> {
        DnsForwarder f;
        auto addr = xml::attr(c, "addr");
        if (addr && !net::parseAddr(*addr, f.addr))
            return xmlError("Invalid forwarder IP address '%s' in network '%s'", addr->c_str(), name.c_str());
        f.domain = xml::attr(c, "domain");
        if (!addr && !f.domain)
            return xmlError("Invalid forwarder element, must contain at least one of addr or domain");
        dns.forwarders.push_back(std::move(f));
        return {};
    }));
    VH_TRY(eachChild(n, "host", [&](const xmlNode *c) -> Result<void> {
        DnsHost h;
        VH_TRY(parseDnsHost(name, c, h));
        dns.hosts.push_back(std::move(h));
        return {};
    }));
    VH_TRY(eachChild(n, "srv", [&](const xmlNode *c) -> Result<void> {
        DnsSrv s;
        VH_TRY(parseDnsSrv(name, c, s));
        dns.srvs.push_back(std::move(s));
        return {};
    }));
    VH_TRY(eachChild(n, "txt", [&](const xmlNode *c) -> Result<void> {
        DnsTxt t;
        VH_TRY(parseDnsTxt(name, c, t));
        dns.txts.push_back(std::move(t));
        return {};
    }));
    if (dns.enable == false && (!dns.forwarders.empty() || !dns.hosts.empty() || !dns.srvs.empty() || !dns.txts.empty()))
        return xmlError("Extra data in disabled network '%s'", name.c_str());
    return {};
}

// ---- <ip>

Result<std::optional<DhcpLease>> parseLease(const xmlNode *n)
{
    Props p(n);
    auto expiry = p.ull("expiry");
    if (!expiry)
        return std::move(expiry).error();
    if (!*expiry)
        return std::optional<DhcpLease>{};
    DhcpLease l;
    l.expiry = **expiry;
    auto unit = p.enumeration("unit", kLeaseUnit);
    if (!unit)
        return std::move(unit).error();
    if (*unit)
        l.unit = **unit;
    static const unsigned long long mult[] = {1, 60, 3600};
    if (l.expiry > 0 && l.expiry * mult[static_cast<int>(l.unit)] < 120)
        return netError(VIR_ERR_CONFIG_UNSUPPORTED, "%s", "The minimum lease time should be greater than 2 minutes");
    return std::optional<DhcpLease>{l};
}

// The last <lease> child counts.
Result<void> parseLeaseChild(const xmlNode *n, std::optional<DhcpLease> &lease)
{
    return eachChild(n, "lease", [&](const xmlNode *c) -> Result<void> {
        auto l = parseLease(c);
        if (!l)
            return std::move(l).error();
        lease = *l;
        return {};
    });
}

Result<void> parseDhcpHost(const std::string &name, const NetworkIP &ip, const xmlNode *n, DhcpHost &host)
{
    bool v6 = ip.address.isFamily(AF_INET6);
    host.mac = xml::attr(n, "mac");
    if (host.mac) {
        if (v6)
            return xmlError("Invalid to specify MAC address '%s' in network '%s' IPv6 static host definition",
                            host.mac->c_str(), name.c_str());
        auto m = net::parseMac(*host.mac);
        if (!m)
            return xmlError("Cannot parse MAC address '%s' in network '%s'", host.mac->c_str(), name.c_str());
        if (net::isMulticast(*m))
            return xmlError("expected unicast mac address, found multicast '%s' in network '%s'", host.mac->c_str(),
                            name.c_str());
    }
    host.id = xml::attr(n, "id");
    if (host.id) {
        size_t ok = strspn(host.id->c_str(), "0123456789abcdefABCDEF:");
        if (ok < host.id->size())
            return xmlError("Invalid character '%c' in id '%s' of network '%s'", (*host.id)[ok], host.id->c_str(),
                            name.c_str());
    }
    host.name = xml::attr(n, "name");
    if (host.name && !isalnum(static_cast<unsigned char>(host.name->c_str()[0])))
        return xmlError("Cannot use host name '%s' in network '%s'", host.name->c_str(), name.c_str());
    auto ipAttr = xml::attr(n, "ip");
    if (ipAttr && !net::parseAddr(*ipAttr, host.ip))
        return xmlError("Invalid IP address in static host definition for network '%s'", name.c_str());
    if (v6) {
        if (!host.id && !host.name)
            return xmlError("Static host definition in IPv6 network '%s' must have id or name attribute", name.c_str());
    } else if (!host.mac && !host.name) {
        return xmlError("Static host definition in IPv4 network '%s' must have mac or name attribute", name.c_str());
    }
    if (!host.ip.valid())
        return xmlError("Missing IP address in static host definition for network '%s'", name.c_str());
    return parseLeaseChild(n, host.lease);
}

Result<void> parseDhcpRange(const std::string &name, const NetworkIP &ip, const xmlNode *n, DhcpRange &range)
{
    auto start = xml::attr(n, "start");
    if (!start)
        return xmlError("Missing 'start' attribute in dhcp range for network '%s'", name.c_str());
    if (!net::parseAddr(*start, range.start))
        return net::addrError(*start);
    auto end = xml::attr(n, "end");
    if (!end)
        return xmlError("Missing 'end' attribute in dhcp range for network '%s'", name.c_str());
    if (!net::parseAddr(*end, range.end))
        return net::addrError(*end);
    auto size = net::addrRange(range.start, range.end, &ip.address, ip.effectivePrefix());
    if (!size)
        return std::move(size).error();
    return parseLeaseChild(n, range.lease);
}

Result<void> parseDhcp(const std::string &name, NetworkIP &ip, const xmlNode *n)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (c->ns)
            continue;
        if (xml::is(c, "range")) {
            DhcpRange r;
            VH_TRY(parseDhcpRange(name, ip, c, r));
            ip.ranges.push_back(std::move(r));
        } else if (xml::is(c, "host")) {
            DhcpHost h;
            VH_TRY(parseDhcpHost(name, ip, c, h));
            ip.hosts.push_back(std::move(h));
        } else if (xml::is(c, "bootp") && ip.address.isFamily(AF_INET)) {
            auto file = xml::attr(c, "file");
            if (!file)
                continue;
            auto server = xml::attr(c, "server");
            SockAddr srv;
            if (server && !net::parseAddr(*server, srv))
                return net::addrError(*server);
            ip.bootfile = *file;
            ip.bootserver = srv;
        }
    }
    return {};
}

Result<void> parseIP(const std::string &name, const xmlNode *n, NetworkIP &ip)
{
    Props p(n);
    ip.family = net::xpathAttr(n, "family");
    auto address = net::xpathAttr(n, "address");
    auto netmask = net::xpathAttr(n, "netmask");
    if (!address)
        return xmlError("Missing required address attribute in network '%s'", name.c_str());
    if (!net::parseAddr(*address, ip.address))
        return xmlError("Invalid address '%s' in network '%s'", address->c_str(), name.c_str());
    if (netmask && !net::parseAddr(*netmask, ip.netmask))
        return xmlError("Invalid netmask '%s' in network '%s'", netmask->c_str(), name.c_str());
    auto prefix = p.uint("prefix");
    if (!prefix)
        return std::move(prefix).error();
    ip.prefix = prefix->value_or(0);
    auto localPtr = p.yesNo("localPtr");
    if (!localPtr)
        return std::move(localPtr).error();
    ip.localPtr = *localPtr;
    if (!ip.family || *ip.family == "ipv4") {
        if (!ip.address.isFamily(AF_INET)) {
            if (ip.family)
                return netError(VIR_ERR_CONFIG_UNSUPPORTED, "%s family specified for non-IPv4 address '%s' in network '%s'",
                                ip.family->c_str(), address->c_str(), name.c_str());
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "no family specified for non-IPv4 address '%s' in network '%s'",
                            address->c_str(), name.c_str());
        }
        if (netmask && !ip.netmask.isFamily(AF_INET))
            return netError(VIR_ERR_CONFIG_UNSUPPORTED,
                            "Invalid netmask '%s' for address '%s' in network '%s' (both must be IPv4)", netmask->c_str(),
                            address->c_str(), name.c_str());
        if (netmask && ip.prefix > 0)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Network '%s' IP address cannot have both a prefix and a netmask",
                            name.c_str());
        if (ip.prefix > 32)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid IPv4 prefix '%u' in network '%s'", ip.prefix, name.c_str());
    } else if (*ip.family == "ipv6") {
        if (!ip.address.isFamily(AF_INET6))
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Family '%s' specified for non-IPv6 address '%s' in network '%s'",
                            ip.family->c_str(), address->c_str(), name.c_str());
        if (netmask)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "netmask not allowed for IPv6 address '%s' in network '%s'",
                            address->c_str(), name.c_str());
        if (ip.prefix > 128)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid IPv6 prefix '%u' in network '%s'", ip.prefix, name.c_str());
    } else {
        return xmlError("Unrecognized family '%s' in network '%s'", ip.family->c_str(), name.c_str());
    }

    if (const xmlNode *dhcp = firstChild(n, "dhcp"))
        VH_TRY(parseDhcp(name, ip, dhcp));
    if (const xmlNode *tftp = firstChild(n, "tftp")) {
        if (!ip.address.isFamily(AF_INET))
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "Unsupported <tftp> element in an IPv6 element in network '%s'",
                            name.c_str());
        ip.tftproot = net::xpathAttr(tftp, "root");
    }
    return {};
}

// ---- <route>

Result<void> parseRoute(const std::string &name, const xmlNode *n, NetworkRoute &route)
{
    Props p(n);
    route.family = xml::attr(n, "family");
    auto address = xml::attr(n, "address");
    auto netmask = xml::attr(n, "netmask");
    auto gateway = xml::attr(n, "gateway");
    auto prefix = p.uint("prefix");
    if (!prefix)
        return std::move(prefix).error();
    route.hasPrefix = prefix->has_value();
    route.prefix = prefix->value_or(0);
    auto metric = p.uint("metric", PROP_NONZERO);
    if (!metric)
        return std::move(metric).error();
    route.metric = *metric;

    const char *nn = name.c_str();
    if (!address)
        return xmlError("%s: Missing required address attribute in route definition", nn);
    if (!gateway)
        return xmlError("%s: Missing required gateway attribute in route definition", nn);
    if (!net::parseAddr(*address, route.address))
        return xmlError("%s: Bad network address '%s' in route definition", nn, address->c_str());
    if (!net::parseAddr(*gateway, route.gateway))
        return xmlError("%s: Bad gateway address '%s' in route definition", nn, gateway->c_str());
    if (route.family && *route.family == "ipv6") {
        if (!route.address.isFamily(AF_INET6))
            return xmlError("%s: ipv6 family specified for non-IPv6 address '%s' in route definition", nn, address->c_str());
        if (netmask)
            return xmlError("%s: Specifying netmask invalid for IPv6 address '%s' in route definition", nn, address->c_str());
        if (!route.gateway.isFamily(AF_INET6))
            return xmlError("%s: ipv6 specified for non-IPv6 gateway address '%s' in route definition", nn, gateway->c_str());
        if (route.prefix > 128)
            return xmlError("%s: Invalid prefix %u specified in route definition, must be 0 - 128", nn, route.prefix);
    } else if (!route.family || *route.family == "ipv4") {
        // (libvirt names the address where it means the gateway)
        const char *fam = route.family ? "IPv4 family" : "No family";
        if (!route.address.isFamily(AF_INET))
            return xmlError("%s: %s specified for non-IPv4 address '%s' in route definition", nn, fam, address->c_str());
        if (!route.gateway.isFamily(AF_INET))
            return xmlError("%s: %s specified for non-IPv4 gateway '%s' in route definition", nn, fam, address->c_str());
        if (netmask) {
            if (!net::parseAddr(*netmask, route.netmask))
                return xmlError("%s: Bad netmask address '%s' in route definition", nn, netmask->c_str());
            if (!route.netmask.isFamily(AF_INET))
                return xmlError("%s: Invalid netmask '%s' for address '%s' (both must be IPv4)", nn, netmask->c_str(),
                                address->c_str());
            if (route.hasPrefix)
                return xmlError("%s: Route definition cannot have both a prefix and a netmask", nn);
        }
        if (route.prefix > 32)
            return xmlError("%s: Invalid prefix %u specified in route definition, must be 0 - 32", nn, route.prefix);
    } else {
        return xmlError("%s: Unrecognized family '%s' in route definition", nn, route.family->c_str());
    }

    SockAddr network = netmask ? net::maskBy(route.address, route.netmask) : net::maskByPrefix(route.address, route.prefix);
    if (!(network == route.address))
        return xmlError("%s: Address '%s' in route definition is not a network address", nn, address->c_str());
    return {};
}

// ---- <portgroup>

Result<void> parsePortGroup(const xmlNode *n, PortGroup &pg)
{
    auto name = net::xpathAttr(n, "name");
    if (!name)
        return xmlError("Missing required name attribute in portgroup");
    pg.name = *name;
    if (auto d = xml::attr(n, "default"))
        pg.isDefault = strcasecmp(d->c_str(), "yes") == 0;
    auto trust = Props(n).yesNo("trustGuestRxFilters");
    if (!trust)
        return std::move(trust).error();
    pg.trustGuestRxFilters = *trust;
    if (const xmlNode *vp = firstChild(n, "virtualport")) {
        auto v = net::VirtualPort::parse(vp, 0);
        if (!v)
            return std::move(v).error();
        pg.virtualPort = *v;
    }
    if (const xmlNode *bw = firstChild(n, "bandwidth")) {
        auto b = net::Bandwidth::parse(bw, false);
        if (!b)
            return std::move(b).error();
        pg.bandwidth = std::move(*b);
    }
    if (const xmlNode *vl = firstChild(n, "vlan")) {
        auto v = net::Vlan::parse(vl);
        if (!v)
            return std::move(v).error();
        pg.vlan = std::move(*v);
    }
    return {};
}

// ---- the whole document

// What each forward mode allows (libvirt checks it at the end of parsing).
Result<void> checkForwardMode(const NetworkDef &d, bool stpGiven)
{
    NetworkForwardType t = d.forward.type;
    std::string mode(kNetworkForwardType.name(t));
    const char *m = mode.c_str(), *name = d.name.c_str();
    switch (t) {
    case NetworkForwardType::Nat:
    case NetworkForwardType::Route:
    case NetworkForwardType::Open:
        if (d.ips.empty())
            return xmlError("%s forwarding requested, but no IP address provided for network '%s'", m, name);
        if (d.forward.ifs.size() > 1)
            return xmlError("multiple forwarding interfaces specified for network '%s', only one is supported", name);
        if (t == NetworkForwardType::Open && !d.forward.ifs.empty())
            return xmlError("forward dev not allowed for network '%s' with forward mode='%s'", name, m);
        break;
    case NetworkForwardType::Private:
    case NetworkForwardType::Vepa:
    case NetworkForwardType::Passthrough:
    case NetworkForwardType::Hostdev:
        if (d.bridge)
            return xmlError("bridge name not allowed in %s mode (network '%s')", m, name);
        if (d.bridgeZone)
            return xmlError("bridge zone not allowed in %s mode (network '%s')", m, name);
        if (d.macTableManager != MacTableManager::Default)
            return xmlError("bridge macTableManager setting not allowed in %s mode (network '%s')", m, name);
        [[fallthrough]];
    case NetworkForwardType::Bridge:
        if (d.delay || stpGiven || d.bridgeZone)
            return xmlError("bridge delay/stp/zone options only allowed in route, nat, and isolated mode, not in %s (network '%s')",
                            m, name);
        if (d.bridge && (!d.forward.ifs.empty() || d.forward.pf))
            return xmlError("A network with forward mode='%s' can specify a bridge name or a forward dev, but not both (network '%s')",
                            m, name);
        break;
    default:
        break;
    }
    if (d.mtu && t != NetworkForwardType::None && t != NetworkForwardType::Nat && t != NetworkForwardType::Route &&
        t != NetworkForwardType::Open)
        return xmlError("mtu size only allowed in open, route, nat, and isolated mode, not in %s (network '%s')", m, name);
    return {};
}

Result<std::unique_ptr<NetworkDef>> parseRoot(const xmlNode *root, unsigned int flags)
{
    auto def = std::make_unique<NetworkDef>();
    NetworkDef &d = *def;

    if (const xmlNode *nameNode = firstChild(root, "name"))
        d.name = stringValue(nameNode);
    if (d.name.empty())
        return Error::make(VIR_FROM_NETWORK, VIR_ERR_NO_NAME);
    if (d.name.find('/') != std::string::npos)
        return Error::make(VIR_FROM_XML, VIR_ERR_XML_DETAIL, "invalid char in name: /");
    const std::string &name = d.name;

    const xmlNode *uuidNode = firstChild(root, "uuid");
    std::string uuidText = uuidNode ? stringValue(uuidNode) : std::string();
    if (uuidText.empty())
        uuidGenerate(d.uuid.data());
    else if (!uuidParse(uuidText.c_str(), d.uuid.data()))
        return netError(VIR_ERR_INTERNAL_ERROR, "%s", "malformed uuid element");

    if (const xmlNode *md = firstChild(root, "metadata"))
        d.metadata = parseMetadata(md);

    if (auto v6 = net::xpathAttr(root, "ipv6")) {
        if (*v6 == "yes")
            d.ipv6nogw = true;
        else if (*v6 == "no")
            d.ipv6nogw = false;
        else
            return xmlError("Invalid ipv6 setting '%s' in network '%s'", v6->c_str(), name.c_str());
    }
    auto trust = Props(root).yesNo("trustGuestRxFilters");
    if (!trust)
        return std::move(trust).error();
    d.trustGuestRxFilters = *trust;

    if (const xmlNode *dom = firstChild(root, "domain")) {
        d.domain = xml::attr(dom, "name");
        auto lo = Props(dom).yesNo("localOnly");
        if (!lo)
            return std::move(lo).error();
        d.domainLocalOnly = *lo;
    }

    if (const xmlNode *bw = firstChild(root, "bandwidth")) {
        auto b = net::Bandwidth::parse(bw, false);
        if (!b)
            return std::move(b).error();
        d.bandwidth = std::move(*b);
    }
    if (const xmlNode *vl = firstChild(root, "vlan")) {
        auto v = net::Vlan::parse(vl);
        if (!v)
            return std::move(v).error();
        d.vlan = std::move(*v);
    }
    if (const xmlNode *po = firstChild(root, "port")) {
        auto p = net::PortOptions::parse(po);
        if (!p)
            return std::move(p).error();
        d.port = *p;
    }

    std::optional<std::string> stp;
    if (const xmlNode *bridge = firstChild(root, "bridge")) {
        d.bridge = net::xpathAttr(bridge, "name");
        d.bridgeZone = net::xpathAttr(bridge, "zone");
        stp = net::xpathAttr(bridge, "stp");
        d.stp = !(stp && *stp == "off");
        if (net::readUL(bridge, "delay", d.delay) == net::NumRead::Bad)
            return xmlError("Invalid delay value in network '%s'", name.c_str());
        if (auto mtm = net::xpathAttr(bridge, "macTableManager")) {
            auto m = kMacTableManager.parse(*mtm);
            if (!m || *m == MacTableManager::Default)
                return xmlError("Invalid macTableManager setting '%s' in network '%s'", mtm->c_str(), name.c_str());
            d.macTableManager = *m;
        }
    }

    if (const xmlNode *macNode = firstChild(root, "mac")) {
        if (auto text = net::xpathAttr(macNode, "address")) {
            auto m = net::parseMac(*text);
            if (!m)
                return xmlError("Invalid bridge mac address '%s' in network '%s'", text->c_str(), name.c_str());
            if (net::isMulticast(*m))
                return xmlError("Invalid multicast bridge mac address '%s' in network '%s'", text->c_str(), name.c_str());
            d.mac = *m;
        }
    }

    if (const xmlNode *mtu = firstChild(root, "mtu")) {
        if (auto size = net::xpathAttr(mtu, "size")) {
            auto v = net::strToUI(*size);
            if (!v)
                return xmlError("Invalid mtu size '%s' in network '%s'", size->c_str(), name.c_str());
            d.mtu = *v;
        }
    }

    if (const xmlNode *dns = firstChild(root, "dns"))
        VH_TRY(parseDns(name, dns, d.dns));

    if (const xmlNode *vp = firstChild(root, "virtualport")) {
        auto v = net::VirtualPort::parse(vp, net::VirtualPort::REQUIRE_TYPE);
        if (!v)
            return std::move(v).error();
        d.virtualPort = *v;
    }

    VH_TRY(eachChild(root, "portgroup", [&](const xmlNode *c) -> Result<void> {
        PortGroup pg;
        VH_TRY(parsePortGroup(c, pg));
        d.portGroups.push_back(std::move(pg));
        return {};
    }));
    VH_TRY(eachChild(root, "ip", [&](const xmlNode *c) -> Result<void> {
        NetworkIP ip;
        VH_TRY(parseIP(name, c, ip));
        d.ips.push_back(std::move(ip));
        return {};
    }));
    VH_TRY(eachChild(root, "route", [&](const xmlNode *c) -> Result<void> {
        NetworkRoute rt;
        VH_TRY(parseRoute(name, c, rt));
        d.routes.push_back(std::move(rt));
        return {};
    }));
    // every static route's gateway must be on one of the network's own subnets
    for (const NetworkRoute &rt : d.routes) {
        bool reachable = false;
        for (const NetworkIP &ip : d.ips) {
            int prefix = ip.effectivePrefix();
            if (ip.address.family != rt.gateway.family || prefix < 0)
                continue;
            if (net::maskByPrefix(ip.address, static_cast<unsigned>(prefix)) ==
                net::maskByPrefix(rt.gateway, static_cast<unsigned>(prefix))) {
                reachable = true;
                break;
            }
        }
        if (!reachable)
            return netError(VIR_ERR_CONFIG_UNSUPPORTED, "unreachable static route gateway '%s' specified for network '%s'",
                            rt.gateway.format().c_str(), name.c_str());
    }

    if (const xmlNode *fwd = firstChild(root, "forward"))
        VH_TRY(parseForward(name, fwd, d.forward));

    VH_TRY(checkForwardMode(d, stp.has_value()));

    // the network driver's XML namespace
    if (flags & NETWORK_PARSE_DNSMASQ) {
        for (const xmlNode *c : xml::Children(root)) {
            if (!c->ns || !c->ns->href || strcmp(reinterpret_cast<const char *>(c->ns->href), kDnsmasqNS) != 0 ||
                !xml::is(c, "options"))
                continue;
            for (const xmlNode *o : xml::Children(c)) {
                if (!o->ns || !xml::is(o, "option"))
                    continue;
                auto v = xml::attr(o, "value");
                if (!v)
                    return netError(VIR_ERR_INTERNAL_ERROR, "%s", "No dnsmasq options value specified");
                d.dnsmasqOptions.push_back(*v);
            }
        }
        d.hasDnsmasqOptions = !d.dnsmasqOptions.empty();
    }
    return def;
}

// ---- format

void formatLease(xml::Writer &w, const DhcpLease &l)
{
    w.start("lease").attr("expiry", l.expiry);
    if (l.expiry)
        w.attr("unit", kLeaseUnit.name(l.unit));
    w.end();
}

void formatIP(xml::Writer &w, const NetworkIP &ip)
{
    w.start("ip");
    if (ip.family)
        w.attr("family", *ip.family);
    if (ip.address.valid())
        w.attr("address", ip.address.format());
    if (ip.netmask.valid())
        w.attr("netmask", ip.netmask.format());
    if (ip.prefix > 0)
        w.attr("prefix", ip.prefix);
    if (ip.localPtr)
        w.attr("localPtr", yesNo(*ip.localPtr));
    w.open();
    if (ip.tftproot)
        w.start("tftp").attr("root", *ip.tftproot).end();
    if (!ip.ranges.empty() || !ip.hosts.empty()) {
        w.start("dhcp");
        for (const DhcpRange &r : ip.ranges) {
            w.start("range").attr("start", r.start.format()).attr("end", r.end.format());
            if (r.lease)
                formatLease(w, *r.lease);
            w.end();
        }
        for (const DhcpHost &h : ip.hosts) {
            w.start("host");
            if (h.mac)
                w.attr("mac", *h.mac);
            if (h.id)
                w.attr("id", *h.id);
            if (h.name)
                w.attr("name", *h.name);
            if (h.ip.valid())
                w.attr("ip", h.ip.format());
            if (h.lease)
                formatLease(w, *h.lease);
            w.end();
        }
        if (ip.bootfile) {
            w.start("bootp").attr("file", *ip.bootfile);
            if (ip.bootserver.valid())
                w.attr("server", ip.bootserver.format());
            w.end();
        }
        w.end();
    }
    w.end();
}

void formatDns(xml::Writer &w, const NetworkDns &dns)
{
    if (dns.empty())
        return;
    w.start("dns");
    if (dns.enable)
        w.attr("enable", yesNo(*dns.enable));
    if (dns.forwardPlainNames)
        w.attr("forwardPlainNames", yesNo(*dns.forwardPlainNames));
    for (const DnsForwarder &f : dns.forwarders) {
        w.start("forwarder");
        if (f.domain)
            w.attr("domain", *f.domain);
        if (f.addr.valid())
            w.attr("addr", f.addr.format());
        w.end();
    }
    for (const DnsTxt &t : dns.txts)
        w.start("txt").attr("name", t.name).attr("value", t.value).end();
    for (const DnsSrv &s : dns.srvs) {
        w.start("srv").attr("service", s.service).attr("protocol", s.protocol);
        if (s.domain)
            w.attr("domain", *s.domain);
        if (s.target)
            w.attr("target", *s.target);
        if (s.port)
            w.attr("port", s.port);
        if (s.priority)
            w.attr("priority", s.priority);
        if (s.weight)
            w.attr("weight", s.weight);
        w.end();
    }
    for (const DnsHost &h : dns.hosts) {
        w.start("host").attr("ip", h.ip.format());
        for (const std::string &n : h.hostnames)
            w.element("hostname", n);
        w.end();
    }
    w.end();
}

void formatForward(xml::Writer &w, const NetworkForward &f)
{
    if (f.type == NetworkForwardType::None)
        return;
    w.start("forward");
    if (!f.pf && !f.ifs.empty() && !f.ifs[0].pci)
        w.attr("dev", f.ifs[0].dev);
    w.attr("mode", kNetworkForwardType.name(f.type));
    if (f.type == NetworkForwardType::Hostdev)
        w.attr("managed", yesNo(f.managed));
    if (f.driverName != ForwardDriverName::Default)
        w.start("driver").attr("name", kForwardDriverName.name(f.driverName)).end();
    if (f.type == NetworkForwardType::Nat &&
        (f.natStart.valid() || f.natEnd.valid() || f.portStart || f.portEnd || f.natIPv6)) {
        w.start("nat");
        if (f.natIPv6)
            w.attr("ipv6", yesNo(*f.natIPv6));
        if (f.natStart.valid()) {
            w.start("address").attr("start", f.natStart.format());
            if (f.natEnd.valid())
                w.attr("end", f.natEnd.format());
            w.end();
        }
        if (f.portStart || f.portEnd) {
            w.start("port").attr("start", f.portStart);
            if (f.portEnd)
                w.attr("end", f.portEnd);
            w.end();
        }
        w.end();
    }
    if (f.pf)
        w.start("pf").attr("dev", *f.pf).end();
    for (const NetworkForwardIf &i : f.ifs) {
        if (i.pci)
            net::formatPciAddress(w, i.addr, true);
        else
            w.start("interface").attr("dev", i.dev).end();
    }
    w.end();
}

void formatPortGroup(xml::Writer &w, const PortGroup &pg)
{
    w.start("portgroup").attr("name", pg.name);
    if (pg.isDefault)
        w.attr("default", "yes");
    if (pg.trustGuestRxFilters)
        w.attr("trustGuestRxFilters", yesNo(*pg.trustGuestRxFilters));
    w.open();
    if (pg.vlan)
        pg.vlan->format(w);
    if (pg.virtualPort)
        pg.virtualPort->format(w);
    if (pg.bandwidth)
        pg.bandwidth->format(w);
    w.end();
}

} // namespace

Result<std::unique_ptr<NetworkDef>> parseNetwork(std::string_view text, unsigned int flags)
{
    auto doc = xml::parse(text, "(network_definition)", VIR_FROM_NETWORK);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "network"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'network', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    return parseRoot(root, flags);
}

std::string formatNetwork(const NetworkDef &d, unsigned int)
{
    xml::Writer w;
    w.start("network");
    if (d.hasDnsmasqOptions)
        w.attr("xmlns:dnsmasq", kDnsmasqNS);
    if (d.ipv6nogw && *d.ipv6nogw)
        w.attr("ipv6", "yes");
    if (d.trustGuestRxFilters)
        w.attr("trustGuestRxFilters", yesNo(*d.trustGuestRxFilters));
    w.open();
    w.element("name", d.name);
    w.element("uuid", uuidFormat(d.uuid.data()));
    if (d.metadata) {
        w.start("metadata");
        if (!d.metadata->empty()) {
            w.open();
            for (const std::string &m : *d.metadata)
                w.raw(m);
        }
        w.end();
    }
    formatForward(w, d.forward);

    NetworkForwardType t = d.forward.type;
    bool routed = t == NetworkForwardType::None || t == NetworkForwardType::Nat || t == NetworkForwardType::Route ||
                  t == NetworkForwardType::Open;
    if (routed || d.bridge || d.macTableManager != MacTableManager::Default) {
        w.start("bridge");
        if (d.bridge)
            w.attr("name", *d.bridge);
        if (d.bridgeZone)
            w.attr("zone", *d.bridgeZone);
        if (routed) {
            w.attr("stp", d.stp ? "on" : "off");
            w.attr("delay", static_cast<unsigned long long>(d.delay));
        }
        if (d.macTableManager != MacTableManager::Default)
            w.attr("macTableManager", kMacTableManager.name(d.macTableManager));
        w.end();
    }
    if (d.mtu)
        w.start("mtu").attr("size", d.mtu).end();
    if (d.mac)
        w.start("mac").attr("address", net::formatMac(*d.mac)).end();
    if (d.domain) {
        w.start("domain").attr("name", *d.domain);
        if (d.domainLocalOnly)
            w.attr("localOnly", yesNo(*d.domainLocalOnly));
        w.end();
    }
    formatDns(w, d.dns);
    if (d.vlan)
        d.vlan->format(w);
    if (d.bandwidth)
        d.bandwidth->format(w);
    d.port.format(w);
    for (const NetworkIP &ip : d.ips)
        formatIP(w, ip);
    for (const NetworkRoute &rt : d.routes) {
        w.start("route");
        if (rt.family)
            w.attr("family", *rt.family);
        w.attr("address", rt.address.format());
        if (rt.netmask.valid())
            w.attr("netmask", rt.netmask.format());
        if (rt.hasPrefix)
            w.attr("prefix", rt.prefix);
        w.attr("gateway", rt.gateway.format());
        if (rt.metric)
            w.attr("metric", *rt.metric);
        w.end();
    }
    if (d.virtualPort)
        d.virtualPort->format(w);
    for (const PortGroup &pg : d.portGroups)
        formatPortGroup(w, pg);
    if (d.hasDnsmasqOptions) {
        w.start("dnsmasq:options");
        for (const std::string &o : d.dnsmasqOptions)
            w.start("dnsmasq:option").attr("value", o).end();
        w.end();
    }
    w.end();
    return w.take();
}

} // namespace vh::conf
