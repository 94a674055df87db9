#include "conf/domain/watchdog.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<WatchdogDef> WatchdogDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    WatchdogDef d;
    auto model = xml::attr(n, "model");
    if (!model)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "watchdog must contain model name");
    auto m = kWatchdogModel.parse(*model);
    if (!m)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown watchdog model '%s'", model->c_str());
    d.model = *m;
    if (auto action = xml::attr(n, "action")) {
        auto a = kWatchdogAction.parse(*action);
        if (!a)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown watchdog action '%s'", action->c_str());
        d.action = *a;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void WatchdogDef::postParseAll(DomainDef &)
{
}

Result<void> WatchdogDef::postParseCheckAll(const DomainDef &def)
{
    if (def.devices.watchdogs.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "only a single watchdog device is supported");
    return {};
}

Result<void> WatchdogDef::validateAll(const DomainDef &def)
{
    return postParseCheckAll(def);
}

void WatchdogDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("watchdog").attr("model", kWatchdogModel.name(model)).attr("action", kWatchdogAction.name(action));
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
