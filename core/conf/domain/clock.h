// <clock>: the offset of the guest's clock (utc, localtime, timezone, variable, absolute),
// with its adjustment, basis, timezone or start, and the timers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

enum class TimerName { Platform, Pit, Rtc, Hpet, Tsc, Kvmclock, Hypervclock, Armvtimer, Last };
VH_ENUM_TABLE(kTimerName, TimerName, "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock", "armvtimer");

enum class TimerTickpolicy { None, Delay, Catchup, Merge, Discard, Last };
VH_ENUM_TABLE(kTimerTickpolicy, TimerTickpolicy, "none", "delay", "catchup", "merge", "discard");

enum class TimerTrack { None, Boot, Guest, Wall, Realtime, Last };
VH_ENUM_TABLE(kTimerTrack, TimerTrack, "none", "boot", "guest", "wall", "realtime");

enum class TimerMode { None, Auto, Native, Emulate, Paravirt, Smpsafe, Last };
VH_ENUM_TABLE(kTimerMode, TimerMode, "none", "auto", "native", "emulate", "paravirt", "smpsafe");

struct TimerDef {
    TimerName name = TimerName::Platform;
    std::optional<bool> present;
    TimerTickpolicy tickpolicy = TimerTickpolicy::None;
    TimerTrack track = TimerTrack::None;
    unsigned long long frequency = 0;    // 0: not set
    TimerMode mode = TimerMode::None;
    unsigned int catchupThreshold = 0, catchupSlew = 0, catchupLimit = 0;   // 0: not set
};

struct ClockDef {
    std::string offset = "utc";          // utc, localtime, timezone, variable, absolute
    bool utcReset = false;               // adjustment='reset' (utc, localtime)
    long long adjustment = 0;            // variable
    std::string basis = "utc";           // variable: utc or localtime
    std::string timezone;                // timezone
    unsigned long long start = 0;        // absolute
    std::vector<TimerDef> timers;

    static Result<ClockDef> parse(const TopLevel &top, const ParseContext &ctx);
    // What each timer supports (libvirt refuses the rest as its post-parse runs).
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
