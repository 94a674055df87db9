#include "conf/domain/hub.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<HubDef> HubDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    HubDef d;
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing hub device type");
    if (*type != "usb")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown hub device type '%s'", type->c_str());
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void HubDef::postParseAll(DomainDef &)
{
}

Result<void> HubDef::validateAll(const DomainDef &def)
{
    if (def.devices.hubs.empty())
        return {};
    for (const ControllerDef &c : def.devices.controllers)
        if (c.type == "usb" && c.model == "none")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Can't add USB hub: USB is disabled for this domain");
    return {};
}

void HubDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("hub").attr("type", type);
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
