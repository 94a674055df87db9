#include "conf/domain/lifecycle.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
const char *const kActions[] = {"destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart"};
const char *const kLockActions[] = {"default", "poweroff", "restart", "pause", "ignore"};

template <size_t N>
bool oneOf(const std::string &v, const char *const (&set)[N])
{
    for (const char *s : set)
        if (v == s)
            return true;
    return false;
}
} // namespace

Result<LifecycleDef> LifecycleDef::parse(const TopLevel &top, const ParseContext &)
{
    LifecycleDef d;
    for (const char *which : {"on_poweroff", "on_reboot", "on_crash"}) {
        const xmlNode *n = top.first(which);
        if (!n)
            continue;
        std::string action = xml::text(n);
        if (!oneOf(action, kActions))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown %s action: %s", which, action.c_str());
        bool crash = std::string_view(which) == "on_crash";
        if (action.rfind("coredump-", 0) == 0 && !crash)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "Lifecycle event '%s' doesn't support '%s' action", which + 3, action.c_str());
        (crash ? d.onCrash : std::string_view(which) == "on_reboot" ? d.onReboot : d.onPoweroff) = action;
    }
    if (const xmlNode *n = top.first("on_lockfailure")) {
        std::string action = xml::text(n);
        if (!oneOf(action, kLockActions))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown lock failure action: %s", action.c_str());
        d.onLockfailure = action;
    }
    return d;
}

void LifecycleDef::format(xml::Writer &w, const FormatContext &) const
{
    w.element("on_poweroff", onPoweroff);
    w.element("on_reboot", onReboot);
    w.element("on_crash", onCrash);
    if (!onLockfailure.empty())
        w.element("on_lockfailure", onLockfailure);
}

Result<PmDef> PmDef::parse(const TopLevel &top, const ParseContext &)
{
    PmDef d;
    for (const xmlNode *n : top.all("pm"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void PmDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

Result<PerfDef> PerfDef::parse(const TopLevel &top, const ParseContext &)
{
    PerfDef d;
    for (const xmlNode *n : top.all("perf"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void PerfDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
