// What happens when the guest powers off, reboots, crashes or loses a lock (on_*); <pm>; <perf>.
#pragma once

#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct LifecycleDef {
    std::string onPoweroff = "destroy", onReboot = "restart", onCrash = "destroy";
    std::string onLockfailure;        // empty: not set

    static Result<LifecycleDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// First model: kept as written (the domain XML issue models it).
struct PmDef {
    std::vector<std::string> raw;
    static Result<PmDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// First model: kept as written (the domain XML issue models it).
struct PerfDef {
    std::vector<std::string> raw;
    static Result<PerfDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
