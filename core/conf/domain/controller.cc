#include "conf/domain/controller.h"

#include "conf/domain/domain_def.h"

#include <cstring>
#include <set>

#include <libvirt/virterror.h>

#define TRY_SET(lhs, expr)                           \
    do {                                             \
        auto try_set_ = (expr);                      \
        if (!try_set_)                               \
            return std::move(try_set_).error();      \
        lhs = std::move(*try_set_);                  \
    } while (0)

namespace vh::conf {

namespace {

// ---- value sets ----------------------------------------------------------------------------

const char *const kScsiModels[] = {"auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi", "virtio-scsi",
                                   "lsisas1078", "virtio-transitional", "virtio-non-transitional", "ncr53c90",
                                   "am53c974", "dc390"};
const char *const kUsbModels[] = {"piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
                                  "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
                                  "qemu-xhci", "none"};
const char *const kPciModels[] = {"pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-to-pci-bridge",
                                  "pcie-root-port", "pcie-switch-upstream-port", "pcie-switch-downstream-port",
                                  "pci-expander-bus", "pcie-expander-bus"};
const char *const kIdeModels[] = {"piix3", "piix4", "ich6"};
const char *const kVirtioSerialModels[] = {"virtio", "virtio-transitional", "virtio-non-transitional"};

enum class PciModelName {
    None, PciBridge, I82801b11Bridge, Ioh3420, X3130Upstream, Xio3130Downstream, Pxb, PxbPcie, PcieRootPort,
    SpaprPciHostBridge, PciePciBridge, Last
};
VH_ENUM_TABLE(kPciModelName, PciModelName, "none", "pci-bridge", "i82801b11-bridge", "ioh3420", "x3130-upstream",
              "xio3130-downstream", "pxb", "pxb-pcie", "pcie-root-port", "spapr-pci-host-bridge", "pcie-pci-bridge");

template <size_t N>
bool oneOf(const std::string &v, const char *const (&set)[N])
{
    for (const char *s : set)
        if (v == s)
            return true;
    return false;
}

bool knownModel(const std::string &type, const std::string &model)
{
    if (type == "scsi")
        return oneOf(model, kScsiModels);
    if (type == "usb")
        return oneOf(model, kUsbModels);
    if (type == "pci")
        return oneOf(model, kPciModels);
    if (type == "ide")
        return oneOf(model, kIdeModels);
    if (type == "virtio-serial")
        return oneOf(model, kVirtioSerialModels);
    return false;
}

bool virtioScsi(const ControllerDef &c)
{
    return c.type == "scsi" &&
           (c.model == "virtio-scsi" || c.model == "virtio-transitional" || c.model == "virtio-non-transitional");
}

// <pcihole64> in KiB (the unit defaults to KiB).
Result<unsigned long long> pcihole64(const xmlNode *n)
{
    std::string value = xml::text(n);
    auto v = parseULL(value, 10);
    if (!v || value.empty() || value[0] == ' ')
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute './pcihole64'",
                             value.c_str());
    std::string unit = xml::attr(n, "unit").value_or("KiB");
    std::string lower;
    for (char c : unit)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    unsigned long long scale = 1;
    if (lower == "b" || lower == "byte" || lower == "bytes") {
        scale = 1;
    } else {
        static const char letters[] = "kmgtpe";
        const char *p = lower.empty() ? nullptr : strchr(letters, lower[0]);
        bool si = lower.size() == 2 && lower[1] == 'b';
        bool iec = lower.size() == 1 || (lower.size() == 3 && lower[1] == 'i' && lower[2] == 'b');
        if (!p || (!si && !iec))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
        for (long i = 0; i <= p - letters; i++)
            scale *= si ? 1000 : 1024;
    }
    if (*v && scale > ~0ull / *v)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %s%s", value.c_str(), unit.c_str());
    unsigned long long bytes = *v * scale;
    return (bytes + 1023) / 1024;
}

Result<void> parsePciTarget(const xmlNode *t, ControllerDef &d)
{
    std::optional<int> v;
    TRY_SET(v, propInt(t, "chassisNr", 0, true));
    d.chassisNr = v.value_or(-1);
    TRY_SET(v, propInt(t, "chassis", 0, true));
    d.chassis = v.value_or(-1);
    TRY_SET(v, propInt(t, "port", 0, true));
    d.port = v.value_or(-1);
    TRY_SET(v, propInt(t, "busNr", 0, true));
    d.busNr = v.value_or(-1);
    TRY_SET(v, propInt(t, "index", 0, true));
    d.targetIndex = v.value_or(-1);
    TRY_SET(d.hotplug, Props(t).onOff("hotplug"));
    if (const xmlNode *node = xml::child(t, "node")) {
        std::string text = xml::text(node);
        errno = 0;
        char *end = nullptr;
        long long n = strtoll(text.c_str(), &end, 10);
        if (text.empty() || errno || *end || n < 0 || n > INT32_MAX)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid NUMA node in target");
        d.numaNode = static_cast<int>(n);
    }
    return {};
}

} // namespace

// ---- parse ---------------------------------------------------------------------------------

Result<ControllerDef> ControllerDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    ControllerDef d;
    std::optional<ControllerType> type;
    TRY_SET(type, Props(n).enumeration("type", kControllerType));
    d.type = std::string(kControllerType.name(type.value_or(ControllerType::Ide)));
    std::optional<int> v;
    TRY_SET(v, propInt(n, "index", 10, true));
    d.index = v.value_or(-1);
    if (auto model = xml::attr(n, "model")) {
        if (!knownModel(d.type, *model))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown model type '%s'", model->c_str());
        d.model = *model;
    }

    const xmlNode *driver = nullptr, *modelNode = nullptr, *target = nullptr, *hole = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        const xmlNode **slot = xml::is(c, "driver")       ? &driver
                               : xml::is(c, "model")     ? &modelNode
                               : xml::is(c, "target")    ? &target
                               : xml::is(c, "pcihole64") ? &hole
                                                         : nullptr;
        if (slot && !*slot)
            *slot = c;
    }
    if (driver) {
        std::optional<unsigned int> u;
        TRY_SET(u, propUInt(driver, "queues", 10));
        d.queues = u.value_or(0);
        TRY_SET(u, propUInt(driver, "cmd_per_lun", 10));
        d.cmdPerLun = u.value_or(0);
        TRY_SET(u, propUInt(driver, "max_sectors", 10));
        d.maxSectors = u.value_or(0);
        TRY_SET(d.ioeventfd, Props(driver).onOff("ioeventfd"));
        TRY_SET(u, propUInt(driver, "iothread", 10));
        d.iothread = u.value_or(0);
        TRY_SET(d.virtio, VirtioOptions::parse(driver));
    }
    if (d.type == "pci") {
        if (modelNode) {
            std::optional<PciModelName> name;
            TRY_SET(name, Props(modelNode).enumeration("name", kPciModelName, PROP_NONE_INVALID));
            if (name)
                d.modelName = std::string(kPciModelName.name(*name));
        }
        if (target)
            VH_TRY(parsePciTarget(target, d));
    }
    TRY_SET(d.info, DeviceInfo::parse(n, ctx, 0));
    if (d.type == "virtio-serial") {
        TRY_SET(v, propInt(n, "ports", 10, true));
        d.ports = v.value_or(-1);
        TRY_SET(v, propInt(n, "vectors", 10, true));
        d.vectors = v.value_or(-1);
    } else if (d.type == "usb") {
        // the ICH9 companions default to their usual master ports
        if (!d.info.masterStartport) {
            if (d.model == "ich9-uhci1")
                d.info.masterStartport = 0;
            else if (d.model == "ich9-uhci2")
                d.info.masterStartport = 2;
            else if (d.model == "ich9-uhci3")
                d.info.masterStartport = 4;
        }
        TRY_SET(v, propInt(n, "ports", 10, true));
        d.ports = v.value_or(-1);
    } else if (d.type == "pci") {
        if (hole && (d.model == "pci-root" || d.model == "pcie-root"))
            TRY_SET(d.pcihole64KiB, pcihole64(hole));
    } else if (d.type == "xenbus") {
        TRY_SET(v, propInt(n, "maxGrantFrames", 10, true));
        d.maxGrantFrames = v.value_or(-1);
        TRY_SET(v, propInt(n, "maxEventChannels", 10, true));
        d.maxEventChannels = v.value_or(-1);
    }
    if (d.iothread && !virtioScsi(d))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'iothread' attribute only supported for virtio scsi controllers");
    return d;
}

// ---- post-parse ----------------------------------------------------------------------------

void ControllerDef::insert(std::vector<ControllerDef> &controllers, ControllerDef c)
{
    long at = -1;
    for (long i = static_cast<long>(controllers.size()) - 1; i >= 0; i--) {
        const ControllerDef &cur = controllers[i];
        if (cur.type != c.type)
            continue;
        if (c.index == -1) {
            at = i + 1;     // no index yet: just past the last of its type
            break;
        }
        if (cur.index > c.index)
            at = i;
        else if (!c.info.masterStartport && cur.info.masterStartport && cur.index == c.index)
            at = i;         // a master goes before its companions
        else if (at == -1)
            at = i + 1;
    }
    if (at == -1)
        controllers.push_back(std::move(c));
    else
        controllers.insert(controllers.begin() + at, std::move(c));
}

void ControllerDef::addImplicit(DomainDef &def, const std::string &type, int index, const std::string &model)
{
    for (const ControllerDef &c : def.devices.controllers)
        if (c.type == type && c.index == index)
            return;
    ControllerDef c;
    c.type = type;
    c.index = index;
    c.model = model;
    insert(def.devices.controllers, std::move(c));
}

namespace {

// The controllers disks on a bus need: one for every index up to the highest their drive
// addresses use.
void addForDisks(DomainDef &def, const char *type, const char *bus)
{
    int max = -1;
    for (const DiskDef &d : def.devices.disks)
        if (d.targetBus == bus && d.info.address.type == AddressType::Drive && static_cast<int>(d.info.address.controller) > max)
            max = static_cast<int>(d.info.address.controller);
    for (int i = 0; i <= max; i++)
        ControllerDef::addImplicit(def, type, i);
}

void addForSmartcards(DomainDef &def)
{
    for (SmartcardDef &s : def.devices.smartcards) {
        int idx = 0;
        if (s.info.address.type == AddressType::Ccid) {
            idx = static_cast<int>(s.info.address.controller);
        } else if (s.info.address.empty()) {
            int max = -1;
            for (const SmartcardDef &o : def.devices.smartcards)
                if (o.info.address.type == AddressType::Ccid && o.info.address.controller == 0 &&
                    static_cast<int>(o.info.address.slot) > max)
                    max = static_cast<int>(o.info.address.slot);
            s.info.address.type = AddressType::Ccid;
            s.info.address.controller = 0;
            s.info.address.slot = static_cast<unsigned int>(max + 1);
        }
        ControllerDef::addImplicit(def, "ccid", idx);
    }
}

void addForScsiHostdevs(DomainDef &def)
{
    int max = -1;
    std::string model;
    for (const HostdevDef &h : def.devices.hostdevs) {
        if (!h.isScsi() || h.info.address.type != AddressType::Drive)
            continue;
        int c = static_cast<int>(h.info.address.controller);
        if (c <= max)
            continue;
        max = c;
        for (const ControllerDef &ctl : def.devices.controllers)
            if (ctl.type == "scsi" && ctl.index == c && !ctl.model.empty())
                model = ctl.model;
    }
    for (int i = 0; i <= max; i++)
        ControllerDef::addImplicit(def, "scsi", i, model);
}

} // namespace

void ControllerDef::postParseAll(DomainDef &def)
{
    auto &controllers = def.devices.controllers;
    std::vector<ControllerDef> parsed = std::move(controllers);
    controllers.clear();
    for (ControllerDef &c : parsed)
        insert(controllers, std::move(c));
    for (ControllerDef &c : controllers) {
        if (c.index != -1)
            continue;
        int idx = 0;
        for (bool used = true; used; idx += used) {
            used = false;
            for (const ControllerDef &o : controllers)
                used |= o.type == c.type && o.index == idx;
        }
        c.index = idx;
    }
    HostdevDef::assignAddresses(def);
    addForDisks(def, "scsi", "scsi");
    addForDisks(def, "fdc", "fdc");
    addForDisks(def, "ide", "ide");
    addForDisks(def, "sata", "sata");
    for (unsigned int idx : ChardevDef::virtioSerialControllers(def))
        addImplicit(def, "virtio-serial", static_cast<int>(idx));
    addForSmartcards(def);
    addForScsiHostdevs(def);
}

// ---- validate ------------------------------------------------------------------------------

namespace {

Result<void> validatePci(const ControllerDef &c)
{
    if ((c.model == "pci-root" || c.model == "pcie-root") && !c.info.address.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "pci-root and pcie-root controllers should not have an address");
    if (c.index > 255)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "PCI controller index %d too high, maximum is 255",
                             c.index);
    if (c.targetIndex != -1) {
        if (c.targetIndex < 0 || c.targetIndex > 30)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "PCI controller target index '%d' out of range - must be 0-30", c.targetIndex);
        if ((c.index == 0 && c.targetIndex != 0) || (c.index != 0 && c.targetIndex == 0))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "Only the PCI controller with index 0 can have target index 0, and vice versa");
    }
    if (c.chassisNr != -1 && (c.chassisNr < 1 || c.chassisNr > 255))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                             "PCI controller chassisNr '%d' out of range - must be 1-255", c.chassisNr);
    if (c.chassis != -1 && (c.chassis < 0 || c.chassis > 255))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "PCI controller chassis '%d' out of range - must be 0-255",
                             c.chassis);
    if (c.port != -1 && (c.port < 0 || c.port > 255))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "PCI controller port '%d' out of range - must be 0-255",
                             c.port);
    if (c.busNr != -1 && (c.busNr < 1 || c.busNr > 254))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "PCI controller busNr '%d' out of range - must be 1-254",
                             c.busNr);
    if (c.numaNode >= 0 && c.index == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "The PCI controller with index=0 can't be associated with a NUMA node");
    return {};
}

} // namespace

Result<void> ControllerDef::validateAll(const DomainDef &def)
{
    const auto &controllers = def.devices.controllers;
    // USB: "none" excludes every other USB controller; companions need a master
    bool usbNone = false, usbOther = false, usbMaster = false;
    for (const ControllerDef &c : controllers) {
        if (c.type != "usb")
            continue;
        if ((c.model == "none" && (usbOther || usbNone)) || (c.model != "none" && usbNone))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL,
                               "Can't add another USB controller: USB is disabled for this domain");
        (c.model == "none" ? usbNone : usbOther) = true;
        if (!c.info.masterStartport)
            usbMaster = true;
    }
    if (usbOther && !usbMaster)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "No master USB controller specified");
    std::set<std::pair<std::string, int>> seen;
    for (const ControllerDef &c : controllers) {
        if (c.type == "usb")
            continue;
        if (!seen.insert({c.type, c.index}).second)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Multiple '%s' controllers with index '%d'", c.type.c_str(),
                                 c.index);
    }
    for (const ControllerDef &c : controllers)
        if (c.type == "pci")
            VH_TRY(validatePci(c));
    return {};
}

// ---- format --------------------------------------------------------------------------------

void ControllerDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("controller").attr("type", type).attr("index", index);
    if (!model.empty())
        w.attr("model", model);
    if (type == "virtio-serial") {
        if (ports != -1)
            w.attr("ports", ports);
        if (vectors != -1)
            w.attr("vectors", vectors);
    } else if (type == "usb") {
        if (ports != -1)
            w.attr("ports", ports);
    } else if (type == "xenbus") {
        if (maxGrantFrames != -1)
            w.attr("maxGrantFrames", maxGrantFrames);
        if (maxEventChannels != -1)
            w.attr("maxEventChannels", maxEventChannels);
    }
    if (type == "pci") {
        if (!modelName.empty())
            w.start("model").attr("name", modelName).end();
        if (chassisNr != -1 || chassis != -1 || port != -1 || busNr != -1 || targetIndex != -1 || hotplug || numaNode != -1) {
            w.start("target");
            if (chassisNr != -1)
                w.attr("chassisNr", chassisNr);
            if (chassis != -1)
                w.attr("chassis", chassis);
            if (port != -1)
                w.attr("port", strprintf("0x%x", static_cast<unsigned>(port)));
            if (busNr != -1)
                w.attr("busNr", busNr);
            if (targetIndex != -1)
                w.attr("index", targetIndex);
            if (hotplug)
                w.attr("hotplug", onOff(*hotplug));
            if (numaNode != -1)
                w.element("node", std::to_string(numaNode));
            w.end();
        }
    }
    if (queues || cmdPerLun || maxSectors || ioeventfd || iothread || !virtio.empty()) {
        w.start("driver");
        if (queues)
            w.attr("queues", queues);
        if (cmdPerLun)
            w.attr("cmd_per_lun", cmdPerLun);
        if (maxSectors)
            w.attr("max_sectors", maxSectors);
        if (ioeventfd)
            w.attr("ioeventfd", onOff(*ioeventfd));
        if (iothread)
            w.attr("iothread", iothread);
        virtio.formatAttrs(w);
        w.end();
    }
    info.format(w, ctx, false, false);
    if (pcihole64KiB)
        w.start("pcihole64").attr("unit", "KiB").text(std::to_string(*pcihole64KiB)).end();
    w.end();
}

} // namespace vh::conf
