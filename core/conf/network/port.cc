#include "conf/network/port.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

using net::firstChild;

namespace {

Error internal(const std::string &msg)
{
    return Error::make(VIR_FROM_NETWORK, VIR_ERR_INTERNAL_ERROR, msg);
}

Error xmlError(const std::string &msg)
{
    return Error::make(VIR_FROM_NETWORK, VIR_ERR_XML_ERROR, msg);
}

// XPath string() of the first child element called name; nullopt when absent or empty.
std::optional<std::string> childString(const xmlNode *parent, const char *name)
{
    const xmlNode *c = firstChild(parent, name);
    if (!c)
        return std::nullopt;
    xmlChar *s = xmlNodeGetContent(c);
    std::string v = s ? reinterpret_cast<const char *>(s) : "";
    xmlFree(s);
    if (v.empty())
        return std::nullopt;
    return v;
}

Result<void> parseUUID(const std::string &text, std::array<unsigned char, 16> &into)
{
    if (!uuidParse(text.c_str(), into.data()))
        return internal("Unable to parse UUID '" + text + "'");
    return {};
}

Result<void> parsePlug(const xmlNode *plug, NetworkPortDef &d)
{
    auto type = Props(plug).enumeration("type", kPortPlugType);
    if (!type)
        return std::move(type).error();
    d.plugType = type->value_or(PortPlugType::None);
    switch (d.plugType) {
    case PortPlugType::Network:
    case PortPlugType::Bridge: {
        auto bridge = xml::attr(plug, "bridge");
        if (!bridge)
            return xmlError("Missing network port bridge name");
        d.bridge = *bridge;
        if (auto mtm = xml::attr(plug, "macTableManager")) {
            auto m = kMacTableManager.parse(*mtm);
            if (!m || *m == MacTableManager::Default)
                return xmlError("Invalid macTableManager setting '" + *mtm + "' in network port");
            d.macTableManager = *m;
        }
        break;
    }
    case PortPlugType::Direct: {
        auto dev = xml::attr(plug, "dev");
        if (!dev)
            return xmlError("Missing network port link device name");
        d.linkdev = *dev;
        if (auto mode = xml::attr(plug, "mode")) {
            auto m = kMacvlanMode.parse(*mode);
            if (!m)
                return xmlError("Invalid mode setting '" + *mode + "' in network port");
            d.mode = *m;
        }
        break;
    }
    case PortPlugType::HostdevPci: {
        auto managed = Props(plug).yesNo("managed");
        if (!managed)
            return std::move(managed).error();
        d.managed = *managed;
        if (const xmlNode *driver = firstChild(plug, "driver")) {
            if (auto name = net::xpathAttr(driver, "name")) {
                auto dn = kForwardDriverName.parse(*name);
                if (!dn || *dn == ForwardDriverName::Default)
                    return xmlError("Missing network port driver name");
                d.driver = *dn;
            }
        }
        const xmlNode *address = firstChild(plug, "address");
        if (!address)
            return xmlError("Missing network port PCI address");
        auto a = net::parsePciAddress(address);
        if (!a)
            return std::move(a).error();
        d.addr = *a;
        break;
    }
    default:
        break;
    }
    return {};
}

Result<std::unique_ptr<NetworkPortDef>> parseRoot(const xmlNode *root)
{
    auto def = std::make_unique<NetworkPortDef>();
    NetworkPortDef &d = *def;

    auto uuid = childString(root, "uuid");
    if (!uuid)
        return internal("network port has no uuid");
    VH_TRY(parseUUID(*uuid, d.uuid));

    const xmlNode *owner = firstChild(root, "owner");
    auto ownerName = owner ? childString(owner, "name") : std::nullopt;
    if (!ownerName)
        return internal("network port has no owner name");
    d.ownerName = *ownerName;
    auto ownerUUID = childString(owner, "uuid");
    if (!ownerUUID)
        return internal("network port has no owner UUID");
    VH_TRY(parseUUID(*ownerUUID, d.ownerUUID));

    d.group = childString(root, "group");

    auto mac = net::xpathAttr(firstChild(root, "mac"), "address");
    if (!mac)
        return internal("network port has no mac");
    auto m = net::parseMac(*mac);
    if (!m)
        return internal("Unable to parse MAC '" + *mac + "'");
    d.mac = *m;

    if (const xmlNode *vp = firstChild(root, "virtualport")) {
        auto v = net::VirtualPort::parse(vp, 0);
        if (!v)
            return std::move(v).error();
        d.virtualPort = *v;
    }
    if (const xmlNode *bw = firstChild(root, "bandwidth")) {
        auto b = net::Bandwidth::parse(bw, true, true);
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
    if (const xmlNode *rx = firstChild(root, "rxfilters")) {
        auto trust = Props(rx).yesNo("trustGuest");
        if (!trust)
            return std::move(trust).error();
        d.trustGuestRxFilters = *trust;
    }
    if (const xmlNode *plug = firstChild(root, "plug"))
        VH_TRY(parsePlug(plug, d));
    return def;
}

} // namespace

Result<std::unique_ptr<NetworkPortDef>> parseNetworkPort(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(networkport_definition)", VIR_FROM_NETWORK);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "networkport"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'networkport', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    return parseRoot(root);
}

std::string formatNetworkPort(const NetworkPortDef &d, unsigned int)
{
    xml::Writer w;
    w.start("networkport").open();
    w.element("uuid", uuidFormat(d.uuid.data()));
    w.start("owner");
    w.element("name", d.ownerName);
    w.element("uuid", uuidFormat(d.ownerUUID.data()));
    w.end();
    if (d.group)
        w.element("group", *d.group);
    w.start("mac").attr("address", net::formatMac(d.mac)).end();
    if (d.virtualPort)
        d.virtualPort->format(w);
    if (d.bandwidth)
        d.bandwidth->format(w);
    if (d.vlan)
        d.vlan->format(w);
    d.port.format(w);
    if (d.trustGuestRxFilters)
        w.start("rxfilters").attr("trustGuest", yesNo(*d.trustGuestRxFilters)).end();
    switch (d.plugType) {
    case PortPlugType::Network:
    case PortPlugType::Bridge:
        w.start("plug").attr("type", kPortPlugType.name(d.plugType)).attr("bridge", d.bridge);
        if (d.macTableManager != MacTableManager::Default)
            w.attr("macTableManager", kMacTableManager.name(d.macTableManager));
        w.end();
        break;
    case PortPlugType::Direct:
        w.start("plug").attr("type", "direct").attr("dev", d.linkdev).attr("mode", kMacvlanMode.name(d.mode)).end();
        break;
    case PortPlugType::HostdevPci:
        w.start("plug").attr("type", "hostdev-pci");
        if (d.managed)
            w.attr("managed", yesNo(*d.managed));
        w.open();
        if (d.driver != ForwardDriverName::Default)
            w.start("driver").attr("name", kForwardDriverName.name(d.driver)).end();
        net::formatPciAddress(w, d.addr, false);
        w.end();
        break;
    default:
        break;
    }
    w.end();
    return w.take();
}

} // namespace vh::conf
