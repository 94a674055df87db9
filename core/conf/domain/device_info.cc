#include "conf/domain/device_info.h"

#include <cctype>

#include <libvirt/virterror.h>

namespace vh::conf {

bool DeviceAddress::operator==(const DeviceAddress &o) const
{
    return type == o.type && domain == o.domain && bus == o.bus && slot == o.slot && function == o.function &&
           controller == o.controller && target == o.target && unit == o.unit && port == o.port &&
           usbPort == o.usbPort && reg == o.reg && cssid == o.cssid && ssid == o.ssid && devno == o.devno &&
           iobase == o.iobase && irq == o.irq && base == o.base;
}

namespace {

// Reads the named unsigned attributes into their fields; absent ones stay 0.
Result<void> numbers(const Props &p, std::initializer_list<std::pair<unsigned int *, const char *>> fields)
{
    for (auto [field, name] : fields) {
        auto v = p.uint(name, PROP_HEX);
        if (!v)
            return std::move(v).error();
        if (*v)
            *field = **v;
    }
    return {};
}

Error pciRange(const char *what, unsigned int value, unsigned int max, bool hex)
{
    return hex ? Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address %s='0x%x', must be <= 0x%X", what, value, max)
               : Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address %s=0x%x, must be <= %u", what, value, max);
}

} // namespace

Result<DeviceAddress> DeviceAddress::parse(const xmlNode *n)
{
    DeviceAddress a;
    Props p(n);
    auto type = p.str("type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "No type specified for device address");
    auto t = kAddressType.parse(*type);
    if (!t || *t == AddressType::None)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown address type '%s'", type->c_str());
    a.type = *t;
    switch (a.type) {
    case AddressType::Pci: {
        VH_TRY(numbers(p, {{&a.domain, "domain"}, {&a.bus, "bus"}, {&a.slot, "slot"}, {&a.function, "function"}}));
        auto mf = p.onOff("multifunction");
        if (!mf)
            return std::move(mf).error();
        a.multifunction = *mf;
        if (a.slot > 0x1f)
            return pciRange("slot", a.slot, 0x1f, true);
        if (a.function > 7)
            return pciRange("function", a.function, 7, false);
        if (const xmlNode *z = xml::child(n, "zpci")) {
            Props zp(z);
            auto uid = zp.uint("uid", PROP_HEX);
            auto fid = zp.uint("fid", PROP_HEX);
            if (!uid)
                return std::move(uid).error();
            if (!fid)
                return std::move(fid).error();
            a.zpciUid = *uid;
            a.zpciFid = *fid;
        }
        break;
    }
    case AddressType::Drive:
        VH_TRY(numbers(p, {{&a.controller, "controller"}, {&a.bus, "bus"}, {&a.target, "target"}, {&a.unit, "unit"}}));
        break;
    case AddressType::VirtioSerial:
        VH_TRY(numbers(p, {{&a.controller, "controller"}, {&a.bus, "bus"}, {&a.port, "port"}}));
        break;
    case AddressType::Ccid:
        VH_TRY(numbers(p, {{&a.controller, "controller"}, {&a.slot, "slot"}}));
        break;
    case AddressType::Usb:
        VH_TRY(numbers(p, {{&a.bus, "bus"}}));
        a.usbPort = p.str("port").value_or("");
        break;
    case AddressType::SpaprVio: {
        auto reg = p.ull("reg", PROP_HEX);
        if (!reg)
            return std::move(reg).error();
        a.reg = *reg;
        break;
    }
    case AddressType::Ccw:
        VH_TRY(numbers(p, {{&a.cssid, "cssid"}, {&a.ssid, "ssid"}, {&a.devno, "devno"}}));
        break;
    case AddressType::Isa:
        VH_TRY(numbers(p, {{&a.iobase, "iobase"}, {&a.irq, "irq"}}));
        break;
    case AddressType::Dimm: {
        VH_TRY(numbers(p, {{&a.slot, "slot"}}));
        auto base = p.ull("base", PROP_HEX);
        if (!base)
            return std::move(base).error();
        a.base = base->value_or(0);
        break;
    }
    default:
        break;
    }
    return a;
}

void DeviceAddress::format(xml::Writer &w) const
{
    if (empty())
        return;
    w.start("address").attr("type", kAddressType.name(type));
    switch (type) {
    case AddressType::Pci:
        w.hexAttr("domain", domain, 4).hexAttr("bus", bus, 2).hexAttr("slot", slot, 2).hexAttr("function", function, 1);
        if (multifunction)
            w.attr("multifunction", onOff(*multifunction));
        if (zpciUid || zpciFid) {
            w.start("zpci");
            if (zpciUid)
                w.hexAttr("uid", *zpciUid, 4);
            if (zpciFid)
                w.hexAttr("fid", *zpciFid, 8);
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
            w.attr("reg", strprintf("0x%llx", *reg));
        break;
    case AddressType::Ccw:
        w.hexAttr("cssid", cssid, 1).hexAttr("ssid", ssid, 1).hexAttr("devno", devno, 4);
        break;
    case AddressType::Isa:
        w.hexAttr("iobase", iobase, 1).hexAttr("irq", irq, 1);
        break;
    case AddressType::Dimm:
        w.attr("slot", slot).attr("base", strprintf("0x%llx", base));
        break;
    default:
        break;
    }
    w.end();
}

Result<DeviceInfo> DeviceInfo::parse(const xmlNode *device, const ParseContext &ctx)
{
    DeviceInfo info;
    for (const xmlNode *c : xml::Children(device)) {
        if (xml::is(c, "address") && info.address.empty()) {
            auto a = DeviceAddress::parse(c);
            if (!a)
                return std::move(a).error();
            info.address = std::move(*a);
        } else if (xml::is(c, "alias") && info.alias.empty()) {
            std::string alias = xml::attr(c, "name").value_or("");
            // a persistent config keeps only the aliases users chose
            if (!ctx.inactive() || alias.rfind("ua-", 0) == 0)
                info.alias = alias;
        } else if (xml::is(c, "boot")) {
            Props p(c);
            auto order = p.uint("order", PROP_REQUIRED | PROP_NONZERO);
            if (!order)
                return std::move(order).error();
            info.bootIndex = **order;
            info.loadparm = p.str("loadparm").value_or("");
            for (char &ch : info.loadparm)
                ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
        } else if (xml::is(c, "acpi")) {
            auto index = Props(c).uint("index");
            if (!index)
                return std::move(index).error();
            info.acpiIndex = index->value_or(0);
        } else if (xml::is(c, "rom")) {
            Props p(c);
            auto bar = p.onOff("bar");
            auto enabled = p.yesNo("enabled");
            if (!bar)
                return std::move(bar).error();
            if (!enabled)
                return std::move(enabled).error();
            info.romBar = *bar;
            info.romEnabled = *enabled;
            info.romFile = p.str("file").value_or("");
        }
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
    if (allowRom && (romBar || romEnabled || !romFile.empty())) {
        w.start("rom");
        if (romEnabled)
            w.attr("enabled", yesNo(*romEnabled));
        if (romBar)
            w.attr("bar", onOff(*romBar));
        if (!romFile.empty())
            w.attr("file", romFile);
        w.end();
    }
    if (acpiIndex)
        w.start("acpi").attr("index", acpiIndex).end();
    address.format(w);
}

} // namespace vh::conf
