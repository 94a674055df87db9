#include "conf/domain/clock.h"

#include <cerrno>
#include <cstdlib>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"

namespace vh::conf {

namespace {

const char *const kOffsets[] = {"utc", "localtime", "timezone", "variable", "absolute"};

// strtoll over the whole string (leading blanks and a sign allowed), as libvirt reads numbers.
std::optional<long long> wholeLL(const std::string &s)
{
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(s.c_str(), &end, 10);
    if (s.empty() || errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

// The same for an unsigned number, refusing any '-'.
std::optional<unsigned long long> wholeULL(const std::string &s)
{
    if (s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (s.empty() || errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

// An attribute, with "" taken as absent.
std::optional<std::string> nonEmpty(const xmlNode *n, const char *name)
{
    auto v = xml::attr(n, name);
    if (v && v->empty())
        return std::nullopt;
    return v;
}

Result<TimerDef> parseTimer(const xmlNode *n)
{
    TimerDef t;
    Props p(n);
    auto name = p.enumeration("name", kTimerName, PROP_REQUIRED);
    if (!name)
        return std::move(name).error();
    t.name = **name;
    auto present = p.yesNo("present");
    if (!present)
        return std::move(present).error();
    t.present = *present;
    auto tickpolicy = p.enumeration("tickpolicy", kTimerTickpolicy, PROP_NONE_INVALID);
    if (!tickpolicy)
        return std::move(tickpolicy).error();
    t.tickpolicy = tickpolicy->value_or(TimerTickpolicy::None);
    auto track = p.enumeration("track", kTimerTrack, PROP_NONE_INVALID);
    if (!track)
        return std::move(track).error();
    t.track = track->value_or(TimerTrack::None);
    auto frequency = p.ull("frequency");
    if (!frequency)
        return std::move(frequency).error();
    t.frequency = frequency->value_or(0);
    auto mode = p.enumeration("mode", kTimerMode, PROP_NONE_INVALID);
    if (!mode)
        return std::move(mode).error();
    t.mode = mode->value_or(TimerMode::None);
    if (const xmlNode *c = xml::child(n, "catchup")) {
        Props cp(c);
        for (auto [field, attr] : {std::pair{&t.catchupThreshold, "threshold"}, {&t.catchupSlew, "slew"},
                                   {&t.catchupLimit, "limit"}}) {
            auto v = cp.uint(attr);
            if (!v)
                return std::move(v).error();
            *field = v->value_or(0);
        }
    }
    return t;
}

Error unsupportedSetting(const TimerDef &t, const char *what)
{
    std::string name(kTimerName.name(t.name));
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "timer %s doesn't support setting of timer %s",
                         name.c_str(), what);
}

} // namespace

Result<ClockDef> ClockDef::parse(const TopLevel &top, const ParseContext &)
{
    ClockDef d;
    const xmlNode *n = top.first("clock");
    if (!n)
        return d;
    if (auto offset = nonEmpty(n, "offset")) {
        bool known = false;
        for (const char *o : kOffsets)
            known |= *offset == o;
        if (!known)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown clock offset '%s'", offset->c_str());
        d.offset = *offset;
    }
    if (d.offset == "utc" || d.offset == "localtime") {
        if (auto adj = nonEmpty(n, "adjustment")) {
            if (*adj == "reset") {
                d.utcReset = true;
            } else {
                auto v = wholeLL(*adj);
                if (!v)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown clock adjustment '%s'", adj->c_str());
                // a fixed adjustment makes the offset variable, from the named basis
                d.adjustment = *v;
                d.basis = d.offset;
                d.offset = "variable";
            }
        }
    } else if (d.offset == "variable") {
        if (auto adj = xml::attr(n, "adjustment"))
            d.adjustment = wholeLL(*adj).value_or(0);   // libvirt ignores what it cannot read here
        if (auto basis = nonEmpty(n, "basis")) {
            if (*basis != "utc" && *basis != "localtime")
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown clock basis '%s'", basis->c_str());
            d.basis = *basis;
        }
    } else if (d.offset == "timezone") {
        auto tz = nonEmpty(n, "timezone");
        if (!tz)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                               "missing 'timezone' attribute for clock with offset='timezone'");
        d.timezone = *tz;
    } else if (d.offset == "absolute") {
        auto start = xml::attr(n, "start");
        auto v = start ? wholeULL(*start) : std::nullopt;
        if (!v)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                               "missing 'start' attribute for clock with offset='absolute'");
        d.start = *v;
    }
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "timer"))
            continue;
        auto t = parseTimer(c);
        if (!t)
            return std::move(t).error();
        d.timers.push_back(std::move(*t));
    }
    return d;
}

Result<void> ClockDef::validateAll(const DomainDef &def)
{
    for (const TimerDef &t : def.clock.timers) {
        if ((t.name == TimerName::Kvmclock || t.name == TimerName::Hypervclock) && t.tickpolicy != TimerTickpolicy::None)
            return unsupportedSetting(t, "tickpolicy");
        if (t.tickpolicy != TimerTickpolicy::Catchup && (t.catchupThreshold || t.catchupSlew || t.catchupLimit))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                               "setting of timer catchup policies is only supported with tickpolicy='catchup'");
        if (t.name != TimerName::Tsc) {
            if (t.frequency)
                return unsupportedSetting(t, "frequency");
            if (t.mode != TimerMode::None)
                return unsupportedSetting(t, "mode");
        }
        if (t.name != TimerName::Platform && t.name != TimerName::Rtc && t.track != TimerTrack::None)
            return unsupportedSetting(t, "track");
    }
    return {};
}

void ClockDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("clock").attr("offset", offset);
    if ((offset == "utc" || offset == "localtime") && utcReset)
        w.attr("adjustment", "reset");
    else if (offset == "variable")
        w.attr("adjustment", adjustment).attr("basis", basis);
    else if (offset == "timezone")
        w.attr("timezone", timezone);
    else if (offset == "absolute")
        w.attr("start", start);
    for (const TimerDef &t : timers) {
        w.start("timer").attr("name", kTimerName.name(t.name));
        if (t.present)
            w.attr("present", yesNo(*t.present));
        if (t.tickpolicy != TimerTickpolicy::None)
            w.attr("tickpolicy", kTimerTickpolicy.name(t.tickpolicy));
        if (t.track != TimerTrack::None)
            w.attr("track", kTimerTrack.name(t.track));
        if (t.frequency)
            w.attr("frequency", t.frequency);
        if (t.mode != TimerMode::None)
            w.attr("mode", kTimerMode.name(t.mode));
        if (t.catchupThreshold || t.catchupSlew || t.catchupLimit) {
            w.start("catchup");
            if (t.catchupThreshold)
                w.attr("threshold", t.catchupThreshold);
            if (t.catchupSlew)
                w.attr("slew", t.catchupSlew);
            if (t.catchupLimit)
                w.attr("limit", t.catchupLimit);
            w.end();
        }
        w.end();
    }
    w.end();
}

} // namespace vh::conf
