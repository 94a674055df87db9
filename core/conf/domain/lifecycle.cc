#include "conf/domain/lifecycle.h"

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"

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

bool coredump(const std::string &action)
{
    return action.rfind("coredump-", 0) == 0;
}
} // namespace

Result<LifecycleDef> LifecycleDef::parse(const TopLevel &top, const ParseContext &)
{
    LifecycleDef d;
    for (auto [which, field] : {std::pair{"on_poweroff", &d.onPoweroff}, {"on_reboot", &d.onReboot}, {"on_crash", &d.onCrash}}) {
        const xmlNode *n = top.first(which);
        std::string action = n ? xml::text(n) : std::string();
        if (action.empty())
            continue;
        if (!oneOf(action, kActions))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown %s action: %s", which, action.c_str());
        *field = std::move(action);
    }
    if (const xmlNode *n = top.first("on_lockfailure")) {
        std::string action = xml::text(n);
        if (!action.empty()) {
            if (!oneOf(action, kLockActions))
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown on_lockfailure action: %s",
                                     action.c_str());
            if (action != "default")
                d.onLockfailure = std::move(action);
        }
    }
    return d;
}

Result<void> LifecycleDef::validateAll(const DomainDef &def)
{
    const LifecycleDef &l = def.lifecycle;
    for (auto [event, action] : {std::pair{"poweroff", &l.onPoweroff}, {"reboot", &l.onReboot}})
        if (coredump(*action))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Lifecycle event '%s' doesn't support '%s' action",
                                 event, action->c_str());
    return {};
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
    const xmlNode *pm = top.first("pm");
    for (auto [name, field] : {std::pair{"suspend-to-mem", &d.suspendToMem}, {"suspend-to-disk", &d.suspendToDisk}}) {
        const xmlNode *n = pm ? xml::child(pm, name) : nullptr;
        if (!n)
            continue;
        auto enabled = Props(n).yesNo("enabled");
        if (!enabled)
            return std::move(enabled).error();
        *field = *enabled;
    }
    return d;
}

void PmDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!suspendToMem && !suspendToDisk)
        return;
    w.start("pm");
    if (suspendToMem)
        w.start("suspend-to-mem").attr("enabled", yesNo(*suspendToMem)).end();
    if (suspendToDisk)
        w.start("suspend-to-disk").attr("enabled", yesNo(*suspendToDisk)).end();
    w.end();
}

Result<PerfDef> PerfDef::parse(const TopLevel &top, const ParseContext &)
{
    PerfDef d;
    for (const xmlNode *perf : top.all("perf")) {
        for (const xmlNode *n : xml::Children(perf)) {
            if (!xml::is(n, "event"))
                continue;
            Props p(n);
            auto name = p.enumeration("name", kPerfEvent, PROP_REQUIRED);
            if (!name)
                return std::move(name).error();
            auto enabled = p.yesNo("enabled", PROP_REQUIRED);
            if (!enabled)
                return std::move(enabled).error();
            auto &slot = d.events[static_cast<size_t>(**name)];
            if (slot) {
                std::string event(kPerfEvent.name(**name));
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "perf event '%s' was already specified", event.c_str());
            }
            slot = **enabled;
        }
    }
    return d;
}

void PerfDef::format(xml::Writer &w, const FormatContext &) const
{
    bool any = false;
    for (const auto &e : events)
        any |= e.has_value();
    if (!any)
        return;
    w.start("perf");
    for (size_t i = 0; i < events.size(); i++)
        if (events[i])
            w.start("event").attr("name", kPerfEvent.names[i]).attr("enabled", yesNo(*events[i])).end();
    w.end();
}

} // namespace vh::conf
