#include "conf/domain/redirdev.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<RedirdevDef> RedirdevDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    RedirdevDef d;
    if (auto bus = xml::attr(n, "bus")) {
        if (*bus != "usb")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown redirdev bus '%s'", bus->c_str());
    }
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing type in redirdev");
    auto t = kChrType.parse(*type);
    if (!t)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown redirdev character device type '%s'",
                             type->c_str());
    auto source = ChardevSource::parse(*t, n, ctx, false);
    if (!source)
        return std::move(source).error();
    d.source = std::move(*source);
    auto info = DeviceInfo::parse(n, ctx, INFO_BOOT);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    if (!d.info.address.empty() && d.info.address.type != AddressType::Usb)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid address for a USB device");
    return d;
}

void RedirdevDef::postParseAll(DomainDef &)
{
}

Result<void> RedirdevDef::validateAll(const DomainDef &def)
{
    if (def.devices.redirdevs.empty())
        return {};
    bool usb = false;
    for (const ControllerDef &c : def.devices.controllers)
        usb |= c.type == "usb" && c.model != "none";
    for (const RedirdevDef &r : def.devices.redirdevs) {
        if (!usb)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "cannot add redirected USB device: USB is disabled for this domain");
        VH_TRY(r.source.validate());
    }
    return {};
}

void RedirdevDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("redirdev").attr("bus", bus).attr("type", kChrType.name(source.type)).open();
    source.format(w, ctx);
    info.format(w, ctx, true, false);
    w.end();
}

} // namespace vh::conf
