#include "conf/domain/device_info.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"

#define TRY_SET(lhs, expr)                           \
    do {                                             \
        auto try_set_ = (expr);                      \
        if (!try_set_)                               \
            return std::move(try_set_).error();      \
        lhs = std::move(*try_set_);                  \
    } while (0)

namespace vh::conf {

// ---- integers as libvirt reads them -------------------------------------------------------

std::optional<unsigned long long> parseULL(const std::string &s, int base)
{
    const char *p = s.c_str();
    while (isspace(static_cast<unsigned char>(*p)))
        p++;
    if (*p == '-')
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(p, &end, base);
    if (errno || end == p || *end)
        return std::nullopt;
    return v;
}

namespace {

const char *elementName(const xmlNode *n)
{
    return reinterpret_cast<const char *>(n->name);
}

Error numericError(const xmlNode *n, const char *name, const std::string &value)
{
    return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                         "Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative integer value", name,
                         elementName(n), value.c_str());
}

template <class T>
Result<std::optional<T>> propNumber(const xmlNode *n, const char *name, int base, unsigned flags, unsigned long long max)
{
    auto raw = xml::attr(n, name);
    if (!raw) {
        if (flags & PROP_REQUIRED)
            return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Missing required attribute '%s' in element '%s'", name,
                                 elementName(n));
        return std::optional<T>{};
    }
    auto v = parseULL(*raw, base);
    if (!v || *v > max)
        return numericError(n, name, *raw);
    if ((flags & PROP_NONZERO) && *v == 0)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute '%s' in element '%s': Zero is not permitted",
                             name, elementName(n));
    return std::optional<T>{static_cast<T>(*v)};
}

} // namespace

Result<std::optional<unsigned int>> propUInt(const xmlNode *n, const char *name, int base, unsigned flags)
{
    return propNumber<unsigned int>(n, name, base, flags, 0xffffffffull);
}

Result<std::optional<unsigned long long>> propULL(const xmlNode *n, const char *name, int base, unsigned flags)
{
    return propNumber<unsigned long long>(n, name, base, flags, ~0ull);
}

Result<std::optional<int>> propInt(const xmlNode *n, const char *name, int base, bool nonNegative)
{
    auto raw = xml::attr(n, name);
    if (!raw)
        return std::optional<int>{};
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(raw->c_str(), &end, base);
    if (errno || end == raw->c_str() || *end || v < INT32_MIN || v > INT32_MAX)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                             "Invalid value for attribute '%s' in element '%s': '%s'. Expected integer value", name,
                             elementName(n), raw->c_str());
    if (nonNegative && v < 0)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                             "Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative value", name,
                             elementName(n), raw->c_str());
    return std::optional<int>{static_cast<int>(v)};
}

// ---- PCI addresses -------------------------------------------------------------------------

Result<PciDeviceAddress> PciDeviceAddress::parse(const xmlNode *n)
{
    PciDeviceAddress a;
    std::optional<unsigned int> v;
    TRY_SET(v, propUInt(n, "domain", 0));
    a.domain = v.value_or(0);
    TRY_SET(v, propUInt(n, "bus", 0));
    a.bus = v.value_or(0);
    TRY_SET(v, propUInt(n, "slot", 0));
    a.slot = v.value_or(0);
    TRY_SET(v, propUInt(n, "function", 0));
    a.function = v.value_or(0);
    TRY_SET(a.multifunction, Props(n).onOff("multifunction"));
    if (!a.empty()) {
        if (a.bus > 0xff)
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address bus='0x%x', must be <= 0xFF", a.bus);
        if (a.slot > 0x1f)
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address slot='0x%x', must be <= 0x1F", a.slot);
        if (a.function > 7)
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address function=0x%x, must be <= 7",
                                 a.function);
    }
    return a;
}

void PciDeviceAddress::formatAttrs(xml::Writer &w) const
{
    w.hexAttr("domain", domain, 4).hexAttr("bus", bus, 2).hexAttr("slot", slot, 2).hexAttr("function", function, 1);
}

// ---- <address> -----------------------------------------------------------------------------

bool DeviceAddress::operator==(const DeviceAddress &o) const
{
    return type == o.type && domain == o.domain && bus == o.bus && slot == o.slot && function == o.function &&
           controller == o.controller && target == o.target && unit == o.unit && port == o.port &&
           usbPort == o.usbPort && reg == o.reg && cssid == o.cssid && ssid == o.ssid && devno == o.devno &&
           iobase == o.iobase && irq == o.irq && base == o.base;
}

namespace {

// Reads the named unsigned attributes into their fields in one base; absent ones stay 0.
Result<void> numbers(const xmlNode *n, int base, std::initializer_list<std::pair<unsigned int *, const char *>> fields)
{
    for (auto [field, name] : fields) {
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(n, name, base));
        if (v)
            *field = *v;
    }
    return {};
}

// "1.2.3": up to four hub ports, printed back up to the first zero.
Result<std::string> parseUsbPort(const std::string &raw)
{
    unsigned long ports[4] = {};
    const char *p = raw.c_str();
    for (int i = 0; i < 4; i++) {
        const char *s = p;
        while (isspace(static_cast<unsigned char>(*s)))
            s++;
        if (*s == '-')
            break;
        char *end = nullptr;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || end == s || v > 0xffffffffUL)
            break;
        ports[i] = v;
        p = end;
        if (*p == '\0') {
            std::string out;
            for (int j = 0; j < 4 && ports[j]; j++)
                out += (j ? "." : "") + std::to_string(ports[j]);
            return out;
        }
        if (*p == '.')
            p++;
    }
    return Error::make(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR, "Cannot parse <address> 'port' attribute");
}

} // namespace

Result<DeviceAddress> DeviceAddress::parse(const xmlNode *n)
{
    DeviceAddress a;
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "No type specified for device address");
    auto t = kAddressType.parse(*type);
    if (!t || *t == AddressType::None)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown address type '%s'", type->c_str());
    a.type = *t;
    switch (a.type) {
    case AddressType::Pci: {
        PciDeviceAddress pci;
        TRY_SET(pci, PciDeviceAddress::parse(n));
        a.domain = pci.domain;
        a.bus = pci.bus;
        a.slot = pci.slot;
        a.function = pci.function;
        a.multifunction = pci.multifunction;
        if (const xmlNode *z = xml::child(n, "zpci")) {
            std::optional<unsigned int> uid, fid;
            TRY_SET(uid, propUInt(z, "uid", 0));
            TRY_SET(fid, propUInt(z, "fid", 0));
            if (uid || fid) {
                a.zpciUid = uid.value_or(0);
                a.zpciFid = fid.value_or(0);
            }
        }
        break;
    }
    case AddressType::Drive:
        VH_TRY(numbers(n, 10, {{&a.controller, "controller"}, {&a.bus, "bus"}, {&a.target, "target"}, {&a.unit, "unit"}}));
        break;
    case AddressType::VirtioSerial:
        VH_TRY(numbers(n, 10, {{&a.controller, "controller"}, {&a.bus, "bus"}, {&a.port, "port"}}));
        break;
    case AddressType::Ccid:
        VH_TRY(numbers(n, 10, {{&a.controller, "controller"}, {&a.slot, "slot"}}));
        break;
    case AddressType::Usb:
        VH_TRY(numbers(n, 10, {{&a.bus, "bus"}}));
        if (auto port = xml::attr(n, "port"))
            TRY_SET(a.usbPort, parseUsbPort(*port));
        break;
    case AddressType::SpaprVio:
        TRY_SET(a.reg, propULL(n, "reg", 16));
        break;
    case AddressType::Ccw: {
        std::optional<unsigned int> cssid, ssid, devno;
        TRY_SET(cssid, propUInt(n, "cssid", 0));
        TRY_SET(ssid, propUInt(n, "ssid", 0));
        TRY_SET(devno, propUInt(n, "devno", 0));
        if (cssid || ssid || devno) {
            if (!cssid || !ssid || !devno)
                return Error::make(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR, "Invalid partial specification for virtio ccw address");
            a.cssid = *cssid;
            a.ssid = *ssid;
            a.devno = *devno;
            if (a.cssid > 0xfe || a.ssid > 3 || a.devno > 0xffff)
                return Error::format(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR,
                                     "Invalid specification for virtio ccw address: cssid='0x%x' ssid='0x%x' devno='0x%04x'",
                                     a.cssid, a.ssid, a.devno);
        }
        break;
    }
    case AddressType::VirtioS390:
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "virtio-s390 bus doesn't have an address");
    case AddressType::Isa:
        VH_TRY(numbers(n, 16, {{&a.iobase, "iobase"}, {&a.irq, "irq"}}));
        break;
    case AddressType::Dimm: {
        std::optional<unsigned int> slot;
        TRY_SET(slot, propUInt(n, "slot", 10, PROP_REQUIRED));
        a.slot = *slot;
        std::optional<unsigned long long> base;
        TRY_SET(base, propULL(n, "base", 16));
        a.base = base.value_or(0);
        break;
    }
    default:
        break;
    }
    return a;
}

void DeviceAddress::format(xml::Writer &w) const
{
    if (empty() || type == AddressType::VirtioS390)
        return;
    w.start("address").attr("type", kAddressType.name(type));
    switch (type) {
    case AddressType::Pci:
        if (!pci().empty())
            pci().formatAttrs(w);
        if (multifunction)
            w.attr("multifunction", onOff(*multifunction));
        if (zpciUid || zpciFid) {
            w.start("zpci");
            w.hexAttr("uid", zpciUid.value_or(0), 4);
            w.hexAttr("fid", zpciFid.value_or(0), 8);
            w.end();
        }
        break;
    case AddressType::Drive:
        w.attr("controller", controller).attr("bus", bus).attr("target", target).attr("unit", unit);
        break;
    case AddressType::VirtioSerial:
        w.attr("controller", controller).attr("bus", bus).attr("port", port);
        break;
    case AddressType::Ccid:
        w.attr("controller", controller).attr("slot", slot);
        break;
    case AddressType::Usb:
        w.attr("bus", bus);
        if (!usbPort.empty())
            w.attr("port", usbPort);
        break;
    case AddressType::SpaprVio:
        if (reg)
            w.attr("reg", strprintf("0x%08llx", *reg));
        break;
    case AddressType::Ccw:
        w.hexAttr("cssid", cssid, 1).hexAttr("ssid", ssid, 1).hexAttr("devno", devno, 4);
        break;
    case AddressType::Isa:
        if (iobase)
            w.hexAttr("iobase", iobase, 1);
        if (irq)
            w.hexAttr("irq", irq, 1);
        break;
    case AddressType::Dimm:
        w.attr("slot", slot);
        if (base)
            w.attr("base", strprintf("0x%llx", base));
        break;
    default:
        break;
    }
    w.end();
}

// ---- the device info -----------------------------------------------------------------------

namespace {

bool userAlias(const std::string &alias)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    return alias.rfind("ua-", 0) == 0 && strspn(alias.c_str(), chars) == alias.size();
}

Result<void> parseBoot(const xmlNode *c, DeviceInfo &info)
{
    std::optional<unsigned int> order;
    TRY_SET(order, propUInt(c, "order", 10, PROP_REQUIRED | PROP_NONZERO));
    info.bootIndex = *order;
    if (auto lp = xml::attr(c, "loadparm")) {
        std::string up = *lp;
        for (char &ch : up)
            ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
        if (up.empty() || up.size() > 8)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "loadparm value '%s' must be between 1 and 8 characters",
                                 up.c_str());
        for (char ch : up)
            if (!isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != ' ')
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                                     "invalid loadparm value '%s', expecting chars in set of [a-zA-Z0-9.] and blank spaces",
                                     up.c_str());
        info.loadparm = up;
    }
    return {};
}

Result<void> parseRom(const xmlNode *c, DeviceInfo &info)
{
    Props p(c);
    TRY_SET(info.romEnabled, p.yesNo("enabled"));
    TRY_SET(info.romBar, p.onOff("bar"));
    if (auto file = p.str("file")) {
        info.romFile = *file;
        info.romFileSet = true;
    }
    if (info.romEnabled == false && (info.romBar || info.romFileSet))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "ROM tuning is not supported when ROM is disabled");
    return {};
}

} // namespace

Result<DeviceInfo> DeviceInfo::parse(const xmlNode *device, const ParseContext &ctx)
{
    return parse(device, ctx, INFO_BOOT | INFO_ROM);
}

Result<DeviceInfo> DeviceInfo::parse(const xmlNode *device, const ParseContext &ctx, unsigned flags)
{
    DeviceInfo info;
    const xmlNode *alias = nullptr, *master = nullptr, *boot = nullptr, *rom = nullptr, *acpi = nullptr, *address = nullptr;
    for (const xmlNode *c : xml::Children(device)) {
        const xmlNode **slot = xml::is(c, "alias")     ? &alias
                               : xml::is(c, "master")  ? &master
                               : xml::is(c, "boot")    ? &boot
                               : xml::is(c, "rom")     ? &rom
                               : xml::is(c, "acpi")    ? &acpi
                               : xml::is(c, "address") ? &address
                                                       : nullptr;
        if (slot && !*slot)
            *slot = c;
    }
    if (alias) {
        std::string name = xml::attr(alias, "name").value_or("");
        // a persistent config keeps only the aliases users chose
        if (!ctx.inactive() || userAlias(name))
            info.alias = name;
    }
    if (master) {
        std::optional<unsigned int> start;
        TRY_SET(start, propUInt(master, "startport", 10));
        info.masterStartport = start.value_or(0);
    }
    if (boot && (flags & INFO_BOOT))
        VH_TRY(parseBoot(boot, info));
    if (rom && (flags & INFO_ROM))
        VH_TRY(parseRom(rom, info));
    if (acpi) {
        std::optional<unsigned int> index;
        TRY_SET(index, propUInt(acpi, "index", 10, PROP_NONZERO));
        info.acpiIndex = index.value_or(0);
    }
    if (address) {
        TRY_SET(info.address, DeviceAddress::parse(address));
        if (info.address.type == AddressType::Unassigned && !(flags & INFO_UNASSIGNED))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "address of type 'unassigned' is supported only for hostdevs");
    }
    return info;
}

void DeviceInfo::format(xml::Writer &w, const FormatContext &, bool allowBoot, bool allowRom) const
{
    if (allowBoot && bootIndex) {
        w.start("boot").attr("order", bootIndex);
        if (!loadparm.empty())
            w.attr("loadparm", loadparm);
        w.end();
    }
    if (!alias.empty())
        w.start("alias").attr("name", alias).end();
    if (masterStartport)
        w.start("master").attr("startport", *masterStartport).end();
    if (allowRom && (romBar || romEnabled || romFileSet || !romFile.empty())) {
        w.start("rom");
        if (romEnabled)
            w.attr("enabled", yesNo(*romEnabled));
        if (romBar)
            w.attr("bar", onOff(*romBar));
        if (romFileSet || !romFile.empty())
            w.attr("file", romFile);
        w.end();
    }
    if (acpiIndex)
        w.start("acpi").attr("index", acpiIndex).end();
    address.format(w);
}

Result<void> DeviceInfo::validateAliases(const DomainDef &def)
{
    std::set<std::string> seen;
    Result<void> res;
    const_cast<DevicesDef &>(def.devices).forEach([&](const auto *d) {
        if (!res || d->info.alias.empty())
            return;
        if (!seen.insert(d->info.alias).second)
            res = Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "non unique alias detected: %s",
                                d->info.alias.c_str());
    });
    return res;
}

Result<void> DeviceInfo::validateBootOrder(const DomainDef &def)
{
    std::set<unsigned int> seen;
    Result<void> res;
    const_cast<DevicesDef &>(def.devices).forEach([&](const auto *d) {
        if (!res || !d->info.bootIndex)
            return;
        if (!seen.insert(d->info.bootIndex).second)
            res = Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "boot order '%u' used for more than one device",
                                d->info.bootIndex);
    });
    if (!res)
        return res;
    if (!seen.empty() && !def.os.boot.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "per-device boot elements cannot be used together with os/boot elements");
    return {};
}

// ---- virtio options ------------------------------------------------------------------------

Result<VirtioOptions> VirtioOptions::parse(const xmlNode *driver)
{
    VirtioOptions o;
    if (!driver)
        return o;
    Props p(driver);
    TRY_SET(o.iommu, p.onOff("iommu"));
    TRY_SET(o.ats, p.onOff("ats"));
    TRY_SET(o.packed, p.onOff("packed"));
    TRY_SET(o.pagePerVq, p.onOff("page_per_vq"));
    return o;
}

void VirtioOptions::formatAttrs(xml::Writer &w) const
{
    if (iommu)
        w.attr("iommu", onOff(*iommu));
    if (ats)
        w.attr("ats", onOff(*ats));
    if (packed)
        w.attr("packed", onOff(*packed));
    if (pagePerVq)
        w.attr("page_per_vq", onOff(*pagePerVq));
}

// ---- per-device seclabels ------------------------------------------------------------------

Result<std::vector<DeviceSeclabel>> DeviceSeclabel::parseAll(const xmlNode *node, const ParseContext &ctx)
{
    std::vector<DeviceSeclabel> out;
    for (const xmlNode *c : xml::Children(node)) {
        if (!xml::is(c, "seclabel"))
            continue;
        DeviceSeclabel s;
        auto model = xml::attr(c, "model");
        if (model) {
            for (const DeviceSeclabel &o : out)
                if (o.model == *model)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "seclabel for model %s is already provided",
                                         model->c_str());
            s.model = *model;
        }
        Props p(c);
        std::optional<bool> relabel;
        TRY_SET(relabel, p.yesNo("relabel"));
        s.relabel = relabel.value_or(true);
        if (!ctx.inactive()) {
            std::optional<bool> skip;
            TRY_SET(skip, p.yesNo("labelskip"));
            s.labelskip = skip.value_or(false);
        }
        if (auto label = xml::childText(c, "label"); label && !label->empty() && label->size() <= 4096)
            s.label = *label;
        if (s.label && !s.relabel)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                 "Cannot specify a label if relabelling is turned off. model=%s",
                                 model ? model->c_str() : "<null>");
        out.push_back(std::move(s));
    }
    return out;
}

void DeviceSeclabel::formatAll(xml::Writer &w, const std::vector<DeviceSeclabel> &labels)
{
    for (const DeviceSeclabel &s : labels) {
        if (s.relabel && !s.label && !s.labelskip)
            continue;
        w.start("seclabel");
        if (!s.model.empty())
            w.attr("model", s.model);
        if (s.labelskip)
            w.attr("labelskip", "yes");
        else
            w.attr("relabel", yesNo(s.relabel));
        if (s.label)
            w.element("label", *s.label);
        w.end();
    }
}

} // namespace vh::conf
