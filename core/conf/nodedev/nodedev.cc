#include "conf/nodedev/nodedev.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

// ---- reading helpers ------------------------------------------------------------------------

using xml::childString;
using xml::deepText;
using xml::nonEmpty;

// string(./text()): the first text node directly under n.
std::optional<std::string> firstText(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            return nonEmpty(std::string(c->content ? reinterpret_cast<const char *>(c->content) : ""));
    return std::nullopt;
}

// A non-negative integer as libvirt's positive-only parsers read it: leading blanks allowed,
// no '-' anywhere, nothing after the digits, within 32 bits.
std::optional<unsigned int> uintP(const std::string &s, int base = 10)
{
    if (s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str() || v > UINT_MAX)
        return std::nullopt;
    return static_cast<unsigned int>(v);
}

std::optional<unsigned long long> ullP(const std::string &s)
{
    if (s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

std::optional<int> sInt(const std::string &s, int base = 10)
{
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str() || v < INT_MIN || v > INT_MAX)
        return std::nullopt;
    return static_cast<int>(v);
}

class Reader {
public:
    explicit Reader(const std::string &name) : name_(name) {}

    Error error(int code, const char *fmt) const { return Error::format(VIR_FROM_NODEDEV, code, fmt, name_.c_str()); }
    Error internal(const char *fmt) const { return error(VIR_ERR_INTERNAL_ERROR, fmt); }

    // A required unsigned element: "no ... supplied" when absent or empty, "invalid ..." else.
    Result<unsigned int> uintElem(const xmlNode *parent, const char *elem, const char *missing, const char *invalid,
                                  int base = 10) const
    {
        auto s = childString(parent, elem);
        if (!s)
            return internal(missing);
        auto v = uintP(*s, base);
        if (!v)
            return internal(invalid);
        return *v;
    }

    const std::string &name() const { return name_; }

private:
    const std::string &name_;
};

// string(./elem[1]/@attr): the attribute of the first child elem, if not empty.
std::optional<std::string> attrOfFirst(const xmlNode *parent, const char *elem, const char *attr)
{
    const xmlNode *c = xml::child(parent, elem);
    return c ? nonEmpty(xml::attr(c, attr)) : std::nullopt;
}

// A PCI <address>: attributes in C notation, then libvirt's range checks.
Result<NodeDevPciAddress> parsePciAddress(const xmlNode *n)
{
    NodeDevPciAddress a;
    unsigned int *fields[] = {&a.domain, &a.bus, &a.slot, &a.function};
    const char *names[] = {"domain", "bus", "slot", "function"};
    for (int i = 0; i < 4; i++) {
        auto v = xml::attr(n, names[i]);
        if (!v)
            continue;
        const char *s = v->c_str();
        bool bad = *s == '-' || isspace(static_cast<unsigned char>(*s));
        char *end = nullptr;
        errno = 0;
        unsigned long long x = bad ? 0 : strtoull(s, &end, 0);
        if (bad || errno || !end || *end || end == s || x > UINT_MAX)
            return Props(n).invalid(names[i], *v, "Expected non-negative integer value");
        *fields[i] = static_cast<unsigned int>(x);
    }
    if (a.bus > 0xff)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address bus='0x%x', must be <= 0xFF", a.bus);
    if (a.slot > 0x1f)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address slot='0x%x', must be <= 0x1F", a.slot);
    if (a.function > 7)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address function=0x%x, must be <= 7", a.function);
    return a;
}

void formatPciAddress(xml::Writer &w, const NodeDevPciAddress &a)
{
    char buf[16];
    w.start("address");
    snprintf(buf, sizeof(buf), "0x%04x", a.domain);
    w.attr("domain", buf);
    snprintf(buf, sizeof(buf), "0x%02x", a.bus);
    w.attr("bus", buf);
    snprintf(buf, sizeof(buf), "0x%02x", a.slot);
    w.attr("slot", buf);
    snprintf(buf, sizeof(buf), "0x%x", a.function);
    w.attr("function", buf);
    w.end();
}

std::string hex(const char *fmt, unsigned int v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), fmt, v);
    return buf;
}

// ---- mediated device types ------------------------------------------------------------------

Result<void> parseMdevTypes(std::vector<NodeDevMdevType> &out, const xmlNode *cap)
{
    for (const xmlNode *t : xml::Children(cap)) {
        if (!xml::is(t, "type"))
            continue;
        NodeDevMdevType m;
        auto id = xml::attr(t, "id");
        if (!id)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "missing 'id' attribute for mediated device's <type> element");
        m.id = std::move(*id);
        m.name = childString(t, "name");
        auto api = childString(t, "deviceAPI");
        if (!api)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "missing device API for mediated device type '%s'", m.id.c_str());
        m.deviceApi = std::move(*api);
        auto inst = childString(t, "availableInstances");
        auto n = inst ? uintP(*inst) : std::nullopt;
        if (!n)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "missing number of available instances for mediated device type '%s'",
                                 m.id.c_str());
        m.availableInstances = *n;
        out.push_back(std::move(m));
    }
    return {};
}

void formatMdevTypes(xml::Writer &w, const std::vector<NodeDevMdevType> &types)
{
    if (types.empty())
        return;
    w.start("capability").attr("type", "mdev_types");
    for (const auto &t : types) {
        w.start("type").attr("id", t.id);
        if (t.name)
            w.element("name", *t.name);
        w.element("deviceAPI", t.deviceApi);
        w.element("availableInstances", std::to_string(t.availableInstances));
        w.end();
    }
    w.end();
}

// ---- VPD ------------------------------------------------------------------------------------

// Keywords are two characters; custom ones take an index of 0-9 or A-Z.
bool customIndex(const std::string &index)
{
    return index.size() == 1 && (isdigit(static_cast<unsigned char>(index[0])) || (index[0] >= 'A' && index[0] <= 'Z'));
}

void upsert(std::vector<NodeDevVpd::Field> &fields, char index, std::string value)
{
    for (auto &f : fields) {
        if (f.index == index) {
            f.value = std::move(value);
            return;
        }
    }
    fields.push_back({index, std::move(value)});
}

// <vendor_field index=...> and (read-write) <system_field index=...>; a system field with
// index A is the asset tag (keyword YA).
void parseCustomFields(NodeDevVpd &vpd, const xmlNode *fields, bool readOnly)
{
    for (const char *elem : {"vendor_field", "system_field"}) {
        bool system = elem[0] == 's';
        if (system && readOnly)
            break;
        for (const xmlNode *c : xml::Children(fields)) {
            if (!xml::is(c, elem))
                continue;
            auto index = xml::attr(c, "index");
            if (!index)
                continue;
            auto value = firstText(c);
            if (!value || !customIndex(*index))
                continue;   // libvirt skips keywords it does not know
            if (readOnly)
                upsert(vpd.ro->vendor, (*index)[0], std::move(*value));
            else if (!system)
                upsert(vpd.rw->vendor, (*index)[0], std::move(*value));
            else if ((*index)[0] == 'A')
                vpd.rw->assetTag = std::move(*value);
            else
                upsert(vpd.rw->system, (*index)[0], std::move(*value));
        }
    }
}

Result<NodeDevVpd> parseVpd(const xmlNode *cap)
{
    NodeDevVpd vpd;
    auto name = childString(cap, "name");
    if (!name)
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "Could not read a device name from the <name> element");
    vpd.name = std::move(*name);
    for (const xmlNode *f : xml::Children(cap)) {
        if (!xml::is(f, "fields"))
            continue;
        auto access = xml::attr(f, "access");
        if (!access)
            continue;
        if (access->empty())
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "VPD fields access type parsing has failed");
        if (*access == "readonly") {
            vpd.ro.emplace();
            vpd.ro->changeLevel = childString(f, "change_level");
            vpd.ro->manufactureId = childString(f, "manufacture_id");
            vpd.ro->serialNumber = childString(f, "serial_number");
            vpd.ro->partNumber = childString(f, "part_number");
            parseCustomFields(vpd, f, true);
        } else if (*access == "readwrite") {
            vpd.rw.emplace();
            vpd.rw->assetTag = childString(f, "asset_tag");
            parseCustomFields(vpd, f, false);
        } else {
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "Unsupported VPD field access type specified %s", access->c_str());
        }
    }
    return vpd;
}

void formatFields(xml::Writer &w, const char *elem, const std::vector<NodeDevVpd::Field> &fields)
{
    for (const auto &f : fields)
        w.start(elem).attr("index", std::string(1, f.index)).text(f.value).end();
}

void formatVpd(xml::Writer &w, const NodeDevVpd &vpd)
{
    w.start("capability").attr("type", "vpd");
    w.element("name", vpd.name);
    if (vpd.ro) {
        w.start("fields").attr("access", "readonly").open();
        if (vpd.ro->changeLevel)
            w.element("change_level", *vpd.ro->changeLevel);
        if (vpd.ro->manufactureId)
            w.element("manufacture_id", *vpd.ro->manufactureId);
        if (vpd.ro->partNumber)
            w.element("part_number", *vpd.ro->partNumber);
        if (vpd.ro->serialNumber)
            w.element("serial_number", *vpd.ro->serialNumber);
        formatFields(w, "vendor_field", vpd.ro->vendor);
        w.end();
    }
    if (vpd.rw) {
        w.start("fields").attr("access", "readwrite").open();
        if (vpd.rw->assetTag)
            w.element("asset_tag", *vpd.rw->assetTag);
        formatFields(w, "vendor_field", vpd.rw->vendor);
        formatFields(w, "system_field", vpd.rw->system);
        w.end();
    }
    w.end();
}

// ---- capabilities ---------------------------------------------------------------------------

Result<void> parseSystem(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    c.productName = childString(n, "product");
    const xmlNode *hw = xml::child(n, "hardware");
    if (hw) {
        c.hwVendor = childString(hw, "vendor");
        c.hwVersion = childString(hw, "version");
        c.hwSerial = childString(hw, "serial");
    }
    auto uuid = hw ? childString(hw, "uuid") : std::nullopt;
    if (!uuid)
        return r.internal("no system UUID supplied for '%s'");
    if (!uuidParse(uuid->c_str(), c.hwUuid))
        return r.internal("malformed uuid element for '%s'");
    if (const xmlNode *fw = xml::child(n, "firmware")) {
        c.fwVendor = childString(fw, "vendor");
        c.fwVersion = childString(fw, "version");
        c.fwReleaseDate = childString(fw, "release_date");
    }
    return {};
}

// <vendor id=...> / <product id=...>: hexadecimal.
Result<unsigned int> hexId(const xmlNode *n, const char *elem, const Reader &r, const char *missing, const char *invalid)
{
    auto s = attrOfFirst(n, elem, "id");
    if (!s)
        return r.internal(missing);
    auto v = uintP(*s, 16);
    if (!v)
        return r.internal(invalid);
    return *v;
}

Result<NodeDevPcieLink> parsePcieLink(const xmlNode *n)
{
    NodeDevPcieLink l;
    Props p(n);
    auto width = p.uint("width", PROP_REQUIRED);
    if (!width)
        return std::move(width).error();
    l.width = **width;
    auto speed = p.enumeration("speed", kNodeDevPcieSpeed);
    if (!speed)
        return std::move(speed).error();
    l.speed = speed->value_or(NodeDevPcieSpeed::None);
    auto port = p.sint("port");
    if (!port)
        return std::move(port).error();
    l.port = port->value_or(-1);
    return l;
}

Result<void> parsePci(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    if (auto cls = childString(n, "class")) {
        auto v = sInt(*cls, 16);
        if (!v || *v > 0xffffff)
            return r.internal("invalid PCI class supplied for '%s'");
        c.pciClass = *v;
    }
    auto domain = r.uintElem(n, "domain", "no PCI domain ID supplied for '%s'", "invalid PCI domain ID supplied for '%s'");
    if (!domain)
        return std::move(domain).error();
    auto bus = r.uintElem(n, "bus", "no PCI bus ID supplied for '%s'", "invalid PCI bus ID supplied for '%s'");
    if (!bus)
        return std::move(bus).error();
    auto slot = r.uintElem(n, "slot", "no PCI slot ID supplied for '%s'", "invalid PCI slot ID supplied for '%s'");
    if (!slot)
        return std::move(slot).error();
    auto function = r.uintElem(n, "function", "no PCI function ID supplied for '%s'", "invalid PCI function ID supplied for '%s'");
    if (!function)
        return std::move(function).error();
    c.pciAddr = {*domain, *bus, *slot, *function};
    auto vendor = hexId(n, "vendor", r, "no PCI vendor ID supplied for '%s'", "invalid PCI vendor ID supplied for '%s'");
    if (!vendor)
        return std::move(vendor).error();
    c.vendorId = *vendor;
    c.vendorName = childString(n, "vendor");
    auto product = hexId(n, "product", r, "no PCI product ID supplied for '%s'", "invalid PCI product ID supplied for '%s'");
    if (!product)
        return std::move(product).error();
    c.productId = *product;
    c.productName = childString(n, "product");

    for (const xmlNode *sub : xml::Children(n)) {
        if (!xml::is(sub, "capability"))
            continue;
        auto type = xml::attr(sub, "type");
        if (!type)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "Missing capability type");
        if (*type == "phys_function") {
            const xmlNode *addr = xml::child(sub, "address");
            if (!addr)
                return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "Missing address in 'phys_function' capability");
            auto a = parsePciAddress(addr);
            if (!a)
                return std::move(a).error();
            c.physFunction = *a;
        } else if (*type == "virt_functions") {
            if (auto max = xml::attr(sub, "maxCount")) {
                auto v = uintP(*max);
                if (!v)
                    return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "Malformed 'maxCount' parameter");
                c.maxVirtFunctions = *v;
            }
            for (const xmlNode *addr : xml::Children(sub)) {
                if (!xml::is(addr, "address"))
                    continue;
                auto a = parsePciAddress(addr);
                if (!a)
                    return std::move(a).error();
                c.virtFunctions.push_back(*a);
            }
            c.hasVirtFunctions = true;
        } else if (*type == "pci-bridge" || *type == "cardbus-bridge") {
            if (c.hdrType == NodeDevPciHeader::None)
                c.hdrType = *kNodeDevPciHeader.parse(*type);
        } else if (*type == "mdev_types") {
            VH_TRY(parseMdevTypes(c.mdevTypes, sub));
        } else if (*type == "vpd") {
            auto v = parseVpd(sub);
            if (!v)
                return std::move(v).error();
            c.vpd = std::move(*v);
        }
    }

    if (const xmlNode *group = xml::child(n, "iommuGroup")) {
        auto number = Props(group).uint("number", PROP_REQUIRED);
        if (!number)
            return std::move(number).error();
        c.iommuGroup = **number;
        for (const xmlNode *addr : xml::Children(group)) {
            if (!xml::is(addr, "address"))
                continue;
            auto a = parsePciAddress(addr);
            if (!a)
                return std::move(a).error();
            c.iommuGroupDevices.push_back(*a);
        }
    }
    if (const xmlNode *numa = xml::child(n, "numa")) {
        if (auto node = xml::attr(numa, "node")) {
            auto v = sInt(*node);
            if (!v)
                return r.internal("invalid NUMA node ID supplied for '%s'");
            c.numaNode = *v;
        }
    }
    if (const xmlNode *pcie = xml::child(n, "pci-express")) {
        c.hasPcie = true;
        for (const char *validity : {"cap", "sta"}) {
            for (const xmlNode *l : xml::Children(pcie)) {
                if (!xml::is(l, "link") || xml::attr(l, "validity") != std::optional<std::string>(validity))
                    continue;
                auto link = parsePcieLink(l);
                if (!link)
                    return std::move(link).error();
                (validity[0] == 'c' ? c.linkCap : c.linkSta) = *link;
                break;
            }
        }
    }
    return {};
}

Result<void> parseUsbDevice(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto bus = r.uintElem(n, "bus", "no USB bus number supplied for '%s'", "invalid USB bus number supplied for '%s'");
    if (!bus)
        return std::move(bus).error();
    c.usbBus = *bus;
    auto device = r.uintElem(n, "device", "no USB device number supplied for '%s'", "invalid USB device number supplied for '%s'");
    if (!device)
        return std::move(device).error();
    c.usbDevice = *device;
    auto vendor = hexId(n, "vendor", r, "no USB vendor ID supplied for '%s'", "invalid USB vendor ID supplied for '%s'");
    if (!vendor)
        return std::move(vendor).error();
    c.vendorId = *vendor;
    c.vendorName = childString(n, "vendor");
    auto product = hexId(n, "product", r, "no USB product ID supplied for '%s'", "invalid USB product ID supplied for '%s'");
    if (!product)
        return std::move(product).error();
    c.productId = *product;
    c.productName = childString(n, "product");
    return {};
}

Result<void> parseUsb(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    struct {
        const char *elem;
        unsigned int *out;
        const char *missing, *invalid;
    } fields[] = {
        {"number", &c.usbNumber, "no USB interface number supplied for '%s'", "invalid USB interface number supplied for '%s'"},
        {"class", &c.usbClass, "no USB interface class supplied for '%s'", "invalid USB interface class supplied for '%s'"},
        {"subclass", &c.usbSubclass, "no USB interface subclass supplied for '%s'", "invalid USB interface subclass supplied for '%s'"},
        {"protocol", &c.usbProtocol, "no USB interface protocol supplied for '%s'", "invalid USB interface protocol supplied for '%s'"},
    };
    for (auto &f : fields) {
        auto v = r.uintElem(n, f.elem, f.missing, f.invalid);
        if (!v)
            return std::move(v).error();
        *f.out = *v;
    }
    c.usbDescription = childString(n, "description");
    return {};
}

Result<void> parseNet(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto ifname = childString(n, "interface");
    if (!ifname)
        return r.internal("no network interface supplied for '%s'");
    c.ifname = std::move(*ifname);
    c.macAddress = childString(n, "address");
    for (const xmlNode *f : xml::Children(n)) {
        if (!xml::is(f, "feature"))
            continue;
        auto name = xml::attr(f, "name");
        if (!name)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "missing network device feature name");
        auto feature = kNodeDevNetFeature.parse(*name);
        if (!feature)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "unknown network device feature '%s'", name->c_str());
        c.netFeatures |= 1u << static_cast<unsigned>(*feature);
    }
    for (const xmlNode *sub : xml::Children(n)) {
        if (!xml::is(sub, "capability"))
            continue;
        auto type = nonEmpty(xml::attr(sub, "type"));
        if (!type)
            continue;
        auto t = kNodeDevNetType.parse(*type);
        if (!t)
            return r.error(VIR_ERR_CONFIG_UNSUPPORTED, "invalid network type supplied for '%s'");
        c.netType = *t;
        break;
    }
    if (const xmlNode *link = xml::child(n, "link")) {
        Props p(link);
        auto state = p.enumeration("state", kNodeDevLinkState);
        if (!state)
            return std::move(state).error();
        c.linkState = state->value_or(NodeDevLinkState::None);
        auto speed = p.uint("speed");
        if (!speed)
            return std::move(speed).error();
        c.linkSpeed = speed->value_or(0);
    }
    return {};
}

Result<void> parseScsiHost(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto host = r.uintElem(n, "host", "no SCSI host ID supplied for '%s'", "invalid SCSI host ID supplied for '%s'");
    if (!host)
        return std::move(host).error();
    c.scsiHost = *host;
    if (auto id = childString(n, "unique_id")) {
        auto v = sInt(*id);
        if (!v)
            return r.internal("invalid unique_id supplied for '%s'");
        c.uniqueId = *v;
    }
    for (const xmlNode *sub : xml::Children(n)) {
        if (!xml::is(sub, "capability"))
            continue;
        auto type = nonEmpty(xml::attr(sub, "type"));
        if (!type)
            return r.internal("missing SCSI host capability type for '%s'");
        if (*type == "vport_ops") {
            c.hasVportOps = true;
        } else if (*type == "fc_host") {
            c.hasFcHost = true;
            auto wwnn = childString(sub, "wwnn");
            if (!wwnn)
                return r.internal("no WWNN supplied for '%s', and auto-generation failed");
            c.wwnn = std::move(*wwnn);
            auto wwpn = childString(sub, "wwpn");
            if (!wwpn)
                return r.internal("no WWPN supplied for '%s', and auto-generation failed");
            c.wwpn = std::move(*wwpn);
            c.fabricWwn = childString(sub, "fabric_wwn");
        } else {
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_INTERNAL_ERROR, "unknown SCSI host capability type '%s' for '%s'",
                                 type->c_str(), r.name().c_str());
        }
    }
    return {};
}

Result<void> parseScsiTarget(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto target = childString(n, "target");
    if (!target)
        return r.internal("no target name supplied for '%s'");
    c.scsiTargetName = std::move(*target);
    for (const xmlNode *sub : xml::Children(n)) {
        if (!xml::is(sub, "capability"))
            continue;
        auto type = nonEmpty(xml::attr(sub, "type"));
        if (!type)
            return r.internal("missing type for SCSI target capability for '%s'");
        if (*type != "fc_remote_port")
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_INTERNAL_ERROR, "unknown SCSI target capability type '%s' for '%s'",
                                 type->c_str(), r.name().c_str());
        c.hasFcRemotePort = true;
        auto rport = childString(sub, "rport");
        if (!rport)
            return r.internal("missing rport name for '%s'");
        c.rport = std::move(*rport);
        auto wwpn = childString(sub, "wwpn");
        if (!wwpn)
            return r.internal("missing wwpn identifier for '%s'");
        c.rportWwpn = std::move(*wwpn);
    }
    return {};
}

Result<void> parseScsi(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    struct {
        const char *elem;
        unsigned int *out;
        const char *missing, *invalid;
    } fields[] = {
        {"host", &c.scsiHost, "no SCSI host ID supplied for '%s'", "invalid SCSI host ID supplied for '%s'"},
        {"bus", &c.scsiBus, "no SCSI bus ID supplied for '%s'", "invalid SCSI bus ID supplied for '%s'"},
        {"target", &c.scsiTarget, "no SCSI target ID supplied for '%s'", "invalid SCSI target ID supplied for '%s'"},
        {"lun", &c.scsiLun, "no SCSI LUN ID supplied for '%s'", "invalid SCSI LUN ID supplied for '%s'"},
    };
    for (auto &f : fields) {
        auto v = r.uintElem(n, f.elem, f.missing, f.invalid);
        if (!v)
            return std::move(v).error();
        *f.out = *v;
    }
    c.scsiType = childString(n, "type");
    return {};
}

Result<unsigned long long> sizeElem(const xmlNode *n, const char *elem, const Reader &r, const char *missing, const char *invalid)
{
    auto s = childString(n, elem);
    if (!s)
        return r.internal(missing);
    auto v = ullP(*s);
    if (!v)
        return r.internal(invalid);
    return *v;
}

Result<void> parseStorage(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto block = childString(n, "block");
    if (!block)
        return r.internal("no block device path supplied for '%s'");
    c.block = std::move(*block);
    c.storageBus = childString(n, "bus");
    c.driveType = childString(n, "drive_type");
    c.model = childString(n, "model");
    c.storageVendor = childString(n, "vendor");
    c.serial = childString(n, "serial");
    for (const xmlNode *sub : xml::Children(n)) {
        if (!xml::is(sub, "capability"))
            continue;
        auto type = nonEmpty(xml::attr(sub, "type"));
        if (!type)
            return r.internal("missing storage capability type for '%s'");
        if (*type == "hotpluggable") {
            c.hotpluggable = true;
        } else if (*type == "removable") {
            c.removable = true;
            const xmlNode *avail = xml::child(sub, "media_available");
            c.mediaAvailable = avail && deepText(avail) == "1";
            auto size = sizeElem(sub, "media_size", r, "no removable media size supplied for '%s'",
                                 "invalid removable media size supplied for '%s'");
            if (!size)
                return std::move(size).error();
            c.mediaSize = *size;
            c.mediaLabel = childString(sub, "media_label");
        } else {
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_INTERNAL_ERROR, "unknown storage capability type '%s' for '%s'",
                                 type->c_str(), r.name().c_str());
        }
    }
    if (!c.removable) {
        auto size = sizeElem(n, "size", r, "no size supplied for '%s'", "invalid size supplied for '%s'");
        if (!size)
            return std::move(size).error();
        c.size = *size;
    }
    return {};
}

Result<void> parseDrm(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto type = childString(n, "type");
    auto t = type ? kNodeDevDrmType.parse(*type) : std::nullopt;
    if (!t)
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_CONFIG_UNSUPPORTED, "unknown drm type '%s' for '%s'",
                             type ? type->c_str() : "(null)", r.name().c_str());
    c.drmType = *t;
    return {};
}

Result<void> parseMdev(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto type = attrOfFirst(n, "type", "id");
    if (!type)
        return r.error(VIR_ERR_CONFIG_UNSUPPORTED, "missing type id attribute for '%s'");
    c.mdevType = std::move(*type);
    if ((c.mdevUuid = childString(n, "uuid"))) {
        unsigned char u[16];
        if (!uuidParse(c.mdevUuid->c_str(), u))
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_INTERNAL_ERROR, "Invalid uuid '%s' for new mdev device", c.mdevUuid->c_str());
        c.mdevUuid = uuidFormat(u);
    }
    if (const xmlNode *group = xml::child(n, "iommuGroup")) {
        if (auto number = nonEmpty(xml::attr(group, "number"))) {
            auto v = uintP(*number);
            if (!v)
                return r.internal("invalid iommuGroup number attribute for '%s'");
            c.mdevIommuGroup = *v;
        }
    }
    for (const xmlNode *a : xml::Children(n)) {
        if (!xml::is(a, "attr"))
            continue;
        auto name = nonEmpty(xml::attr(a, "name"));
        auto value = nonEmpty(xml::attr(a, "value"));
        if (name && value)
            c.mdevAttrs.emplace_back(std::move(*name), std::move(*value));
    }
    return {};
}

Result<NodeDevCcwAddress> parseCcwAddress(const xmlNode *n, const Reader &r)
{
    NodeDevCcwAddress a;
    struct {
        const char *elem;
        unsigned int *out;
        const char *missing, *invalid;
    } fields[] = {
        {"cssid", &a.cssid, "missing cssid value for '%s'", "invalid cssid value '%s' for '%s'"},
        {"ssid", &a.ssid, "missing ssid value for '%s'", "invalid ssid value '%s' for '%s'"},
        {"devno", &a.devno, "missing devno value for '%s'", "invalid devno value '%s' for '%s'"},
    };
    for (auto &f : fields) {
        auto s = childString(n, f.elem);
        if (!s)
            return r.error(VIR_ERR_CONFIG_UNSUPPORTED, f.missing);
        auto v = uintP(*s, 0);
        if (!v)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_CONFIG_UNSUPPORTED, f.invalid, s->c_str(), r.name().c_str());
        *f.out = *v;
    }
    return a;
}

Result<void> parseCss(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto a = parseCcwAddress(n, r);
    if (!a)
        return std::move(a).error();
    c.ccw = *a;
    if (const xmlNode *channel = xml::child(n, "channel_dev_addr")) {
        auto ch = parseCcwAddress(channel, r);
        if (!ch)
            return std::move(ch).error();
        c.channelDevAddr = *ch;
    }
    for (const xmlNode *sub : xml::Children(n))
        if (xml::is(sub, "capability") && xml::attr(sub, "type") == std::optional<std::string>("mdev_types"))
            VH_TRY(parseMdevTypes(c.mdevTypes, sub));
    return {};
}

Result<unsigned int> apValue(const xmlNode *n, const char *elem, const Reader &r)
{
    auto s = childString(n, elem);
    if (!s)
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_CONFIG_UNSUPPORTED, "missing %s value for '%s'", elem, r.name().c_str());
    auto v = uintP(*s, 0);
    if (!v)
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_CONFIG_UNSUPPORTED, "invalid %s value '%s' for '%s'", elem, s->c_str(),
                             r.name().c_str());
    return *v;
}

Result<void> parseAp(NodeDevCap &c, const xmlNode *n, const Reader &r)
{
    auto adapter = apValue(n, "ap-adapter", r);
    if (!adapter)
        return std::move(adapter).error();
    c.apAdapter = *adapter;
    if (c.type != NodeDevCapType::ApQueue)
        return {};
    auto domain = apValue(n, "ap-domain", r);
    if (!domain)
        return std::move(domain).error();
    if (*domain > 255)
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_CONFIG_UNSUPPORTED, "ap-domain value '%s' is out of range for '%s'",
                             childString(n, "ap-domain")->c_str(), r.name().c_str());
    c.apDomain = *domain;
    return {};
}

Result<NodeDevCap> parseCap(const xmlNode *n, const Reader &r)
{
    NodeDevCap c;
    auto type = Props(n).enumeration("type", kNodeDevCapType, PROP_REQUIRED);
    if (!type)
        return std::move(type).error();
    c.type = **type;
    Result<void> ok;
    switch (c.type) {
    case NodeDevCapType::System: ok = parseSystem(c, n, r); break;
    case NodeDevCapType::Pci: ok = parsePci(c, n, r); break;
    case NodeDevCapType::UsbDevice: ok = parseUsbDevice(c, n, r); break;
    case NodeDevCapType::Usb: ok = parseUsb(c, n, r); break;
    case NodeDevCapType::Net: ok = parseNet(c, n, r); break;
    case NodeDevCapType::ScsiHost: ok = parseScsiHost(c, n, r); break;
    case NodeDevCapType::ScsiTarget: ok = parseScsiTarget(c, n, r); break;
    case NodeDevCapType::Scsi: ok = parseScsi(c, n, r); break;
    case NodeDevCapType::Storage: ok = parseStorage(c, n, r); break;
    case NodeDevCapType::Drm: ok = parseDrm(c, n, r); break;
    case NodeDevCapType::Mdev: ok = parseMdev(c, n, r); break;
    case NodeDevCapType::Ccw: {
        auto a = parseCcwAddress(n, r);
        if (!a)
            return std::move(a).error();
        c.ccw = *a;
        break;
    }
    case NodeDevCapType::Css: ok = parseCss(c, n, r); break;
    case NodeDevCapType::ApCard:
    case NodeDevCapType::ApQueue: ok = parseAp(c, n, r); break;
    case NodeDevCapType::ApMatrix:
        for (const xmlNode *sub : xml::Children(n))
            if (xml::is(sub, "capability") && xml::attr(sub, "type") == std::optional<std::string>("mdev_types"))
                VH_TRY(parseMdevTypes(c.mdevTypes, sub));
        break;
    default:
        // types libvirt lists but never reads from a document
        return Error::format(VIR_FROM_NODEDEV, VIR_ERR_INTERNAL_ERROR, "unknown capability type '%d' for '%s'",
                             static_cast<int>(c.type), r.name().c_str());
    }
    if (!ok)
        return std::move(ok).error();
    return c;
}

// ---- formatting -----------------------------------------------------------------------------

void formatIdName(xml::Writer &w, const char *elem, unsigned int id, const std::optional<std::string> &name, bool spaceBeforeSlash)
{
    if (name) {
        w.start(elem).attr("id", hex("0x%04x", id)).text(*name).end();
    } else if (spaceBeforeSlash) {
        // libvirt writes USB ids without a name as <vendor id='0x1d6b' />
        w.raw(std::string(static_cast<size_t>(w.depth()) * 2, ' ') + "<" + elem + " id='" + hex("0x%04x", id) + "' />\n");
    } else {
        w.start(elem).attr("id", hex("0x%04x", id)).end();
    }
}

void formatPcieLink(xml::Writer &w, const NodeDevPcieLink &l, const char *validity)
{
    w.start("link").attr("validity", validity);
    if (l.port >= 0)
        w.attr("port", l.port);
    if (l.speed != NodeDevPcieSpeed::None)
        w.attr("speed", kNodeDevPcieSpeed.name(l.speed));
    w.attr("width", l.width);
    w.end();
}

void formatCcwAddress(xml::Writer &w, const NodeDevCcwAddress &a)
{
    w.element("cssid", hex("0x%x", a.cssid));
    w.element("ssid", hex("0x%x", a.ssid));
    w.element("devno", hex("0x%04x", a.devno));
}

void formatCap(xml::Writer &w, const NodeDevCap &c)
{
    w.start("capability").attr("type", kNodeDevCapType.name(c.type)).open();
    switch (c.type) {
    case NodeDevCapType::System:
        if (c.productName)
            w.element("product", *c.productName);
        w.start("hardware").open();
        if (c.hwVendor)
            w.element("vendor", *c.hwVendor);
        if (c.hwVersion)
            w.element("version", *c.hwVersion);
        if (c.hwSerial)
            w.element("serial", *c.hwSerial);
        w.element("uuid", uuidFormat(c.hwUuid));
        w.end();
        w.start("firmware").open();
        if (c.fwVendor)
            w.element("vendor", *c.fwVendor);
        if (c.fwVersion)
            w.element("version", *c.fwVersion);
        if (c.fwReleaseDate)
            w.element("release_date", *c.fwReleaseDate);
        w.end();
        break;
    case NodeDevCapType::Pci:
        if (c.pciClass >= 0)
            w.element("class", hex("0x%.6x", static_cast<unsigned>(c.pciClass)));
        w.element("domain", std::to_string(c.pciAddr.domain));
        w.element("bus", std::to_string(c.pciAddr.bus));
        w.element("slot", std::to_string(c.pciAddr.slot));
        w.element("function", std::to_string(c.pciAddr.function));
        formatIdName(w, "product", c.productId, c.productName, false);
        formatIdName(w, "vendor", c.vendorId, c.vendorName, false);
        if (c.physFunction) {
            w.start("capability").attr("type", "phys_function");
            formatPciAddress(w, *c.physFunction);
            w.end();
        }
        if (c.hasVirtFunctions) {
            w.start("capability").attr("type", "virt_functions");
            if (c.maxVirtFunctions)
                w.attr("maxCount", c.maxVirtFunctions);
            for (const auto &a : c.virtFunctions)
                formatPciAddress(w, a);
            w.end();
        }
        if (c.hdrType != NodeDevPciHeader::None)
            w.start("capability").attr("type", kNodeDevPciHeader.name(c.hdrType)).end();
        formatMdevTypes(w, c.mdevTypes);
        if (c.vpd)
            formatVpd(w, *c.vpd);
        if (!c.iommuGroupDevices.empty()) {
            w.start("iommuGroup").attr("number", c.iommuGroup);
            for (const auto &a : c.iommuGroupDevices)
                formatPciAddress(w, a);
            w.end();
        }
        if (c.numaNode >= 0)
            w.start("numa").attr("node", c.numaNode).end();
        if (c.hasPcie) {
            w.start("pci-express");
            if (c.linkCap)
                formatPcieLink(w, *c.linkCap, "cap");
            if (c.linkSta)
                formatPcieLink(w, *c.linkSta, "sta");
            w.end();
        }
        break;
    case NodeDevCapType::UsbDevice:
        w.element("bus", std::to_string(c.usbBus));
        w.element("device", std::to_string(c.usbDevice));
        formatIdName(w, "product", c.productId, c.productName, true);
        formatIdName(w, "vendor", c.vendorId, c.vendorName, true);
        break;
    case NodeDevCapType::Usb:
        w.element("number", std::to_string(static_cast<int>(c.usbNumber)));
        w.element("class", std::to_string(static_cast<int>(c.usbClass)));
        w.element("subclass", std::to_string(static_cast<int>(c.usbSubclass)));
        w.element("protocol", std::to_string(static_cast<int>(c.usbProtocol)));
        if (c.usbDescription)
            w.element("description", *c.usbDescription);
        break;
    case NodeDevCapType::Net:
        w.element("interface", c.ifname);
        if (c.macAddress)
            w.element("address", *c.macAddress);
        if (c.linkSpeed || c.linkState != NodeDevLinkState::None) {
            w.start("link");
            if (c.linkSpeed)
                w.attr("speed", c.linkSpeed);
            if (c.linkState != NodeDevLinkState::None)
                w.attr("state", kNodeDevLinkState.name(c.linkState));
            w.end();
        }
        for (unsigned i = 0; i < static_cast<unsigned>(NodeDevNetFeature::Last); i++)
            if (c.netFeatures & (1u << i))
                w.start("feature").attr("name", kNodeDevNetFeature.names[i]).end();
        if (c.netType != NodeDevNetType::None)
            w.start("capability").attr("type", kNodeDevNetType.name(c.netType)).end();
        break;
    case NodeDevCapType::ScsiHost:
        w.element("host", std::to_string(static_cast<int>(c.scsiHost)));
        if (c.uniqueId != -1)
            w.element("unique_id", std::to_string(c.uniqueId));
        if (c.hasFcHost) {
            w.start("capability").attr("type", "fc_host");
            w.element("wwnn", c.wwnn);
            w.element("wwpn", c.wwpn);
            if (c.fabricWwn)
                w.element("fabric_wwn", *c.fabricWwn);
            w.end();
        }
        if (c.hasVportOps) {
            w.start("capability").attr("type", "vport_ops");
            w.element("max_vports", std::to_string(c.maxVports));
            w.element("vports", std::to_string(c.vports));
            w.end();
        }
        break;
    case NodeDevCapType::ScsiTarget:
        w.element("target", c.scsiTargetName);
        if (c.hasFcRemotePort) {
            w.start("capability").attr("type", "fc_remote_port");
            w.element("rport", c.rport);
            w.element("wwpn", c.rportWwpn);
            w.end();
        }
        break;
    case NodeDevCapType::Scsi:
        w.element("host", std::to_string(c.scsiHost));
        w.element("bus", std::to_string(c.scsiBus));
        w.element("target", std::to_string(c.scsiTarget));
        w.element("lun", std::to_string(c.scsiLun));
        if (c.scsiType)
            w.element("type", *c.scsiType);
        break;
    case NodeDevCapType::Storage:
        w.element("block", c.block);
        if (c.storageBus)
            w.element("bus", *c.storageBus);
        if (c.driveType)
            w.element("drive_type", *c.driveType);
        if (c.model)
            w.element("model", *c.model);
        if (c.storageVendor)
            w.element("vendor", *c.storageVendor);
        if (c.serial)
            w.element("serial", *c.serial);
        if (c.removable) {
            w.start("capability").attr("type", "removable");
            w.element("media_available", c.mediaAvailable ? "1" : "0");
            w.element("media_size", std::to_string(c.mediaSize));
            if (c.mediaLabel)
                w.element("media_label", *c.mediaLabel);
            w.end();
        } else {
            w.element("size", std::to_string(c.size));
        }
        if (c.hotpluggable)
            w.start("capability").attr("type", "hotpluggable").end();
        break;
    case NodeDevCapType::Drm:
        w.element("type", kNodeDevDrmType.name(c.drmType));
        break;
    case NodeDevCapType::Mdev:
        w.start("type").attr("id", c.mdevType).end();
        if (c.mdevUuid)
            w.element("uuid", *c.mdevUuid);
        w.start("iommuGroup").attr("number", c.mdevIommuGroup).end();
        for (const auto &[name, value] : c.mdevAttrs)
            w.start("attr").attr("name", name).attr("value", value).end();
        break;
    case NodeDevCapType::Ccw:
        formatCcwAddress(w, c.ccw);
        break;
    case NodeDevCapType::Css:
        formatCcwAddress(w, c.ccw);
        if (c.channelDevAddr) {
            w.start("channel_dev_addr");
            formatCcwAddress(w, *c.channelDevAddr);
            w.end();
        }
        formatMdevTypes(w, c.mdevTypes);
        break;
    case NodeDevCapType::Vdpa:
        w.element("chardev", c.chardev);
        break;
    case NodeDevCapType::ScsiGeneric:
        w.element("char", c.chardev);
        break;
    case NodeDevCapType::ApCard:
        w.element("ap-adapter", hex("0x%02x", c.apAdapter));
        break;
    case NodeDevCapType::ApQueue:
        w.element("ap-adapter", hex("0x%02x", c.apAdapter));
        w.element("ap-domain", hex("0x%04x", c.apDomain));
        break;
    case NodeDevCapType::ApMatrix:
        formatMdevTypes(w, c.mdevTypes);
        break;
    default:
        break;
    }
    w.end();
}

} // namespace

Result<std::unique_ptr<NodeDeviceDef>> parseNodeDevice(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(node_device_definition)", VIR_FROM_NODEDEV);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "device"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'device', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<NodeDeviceDef>();
    auto name = childString(root, "name");
    if (!name)
        return Error::make(VIR_FROM_NODEDEV, VIR_ERR_NO_NAME);
    def->name = std::move(*name);
    Reader r(def->name);
    def->sysfsPath = childString(root, "path");

    for (const xmlNode *c : xml::Children(root)) {
        if (!xml::is(c, "devnode"))
            continue;
        auto type = Props(c).enumeration("type", kNodeDevDevnodeType, PROP_REQUIRED);
        if (!type)
            return std::move(type).error();
        if (**type == NodeDevDevnodeType::Dev)
            def->devnode = deepText(c);
        else
            def->devlinks.push_back(deepText(c));
    }

    if (const xmlNode *parent = xml::child(root, "parent")) {
        def->parent = nonEmpty(deepText(parent));
        def->parentWwnn = nonEmpty(xml::attr(parent, "wwnn"));
        def->parentWwpn = nonEmpty(xml::attr(parent, "wwpn"));
        if (def->parentWwnn && !def->parentWwpn)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "when providing parent wwnn='%s', the wwpn must also be provided",
                                 def->parentWwnn->c_str());
        if (!def->parentWwnn && def->parentWwpn)
            return Error::format(VIR_FROM_NODEDEV, VIR_ERR_XML_ERROR, "when providing parent wwpn='%s', the wwnn must also be provided",
                                 def->parentWwpn->c_str());
        def->parentFabricWwn = nonEmpty(xml::attr(parent, "fabric_wwn"));
    }

    for (const xmlNode *c : xml::Children(root)) {
        if (!xml::is(c, "capability"))
            continue;
        auto cap = parseCap(c, r);
        if (!cap)
            return std::move(cap).error();
        def->caps.push_back(std::move(*cap));
    }
    if (def->caps.empty())
        return r.internal("no device capabilities for '%s'");
    return def;
}

std::string formatNodeDevice(const NodeDeviceDef &def, unsigned int)
{
    xml::Writer w;
    w.start("device");
    w.element("name", def.name);
    if (def.sysfsPath)
        w.element("path", *def.sysfsPath);
    if (def.devnode)
        w.start("devnode").attr("type", "dev").text(*def.devnode).end();
    for (const auto &link : def.devlinks)
        w.start("devnode").attr("type", "link").text(link).end();
    if (def.parent)
        w.element("parent", *def.parent);
    if (def.driver)
        w.start("driver").element("name", *def.driver).end();
    for (const auto &cap : def.caps)
        formatCap(w, cap);
    w.end();
    return w.take();
}

} // namespace vh::conf
