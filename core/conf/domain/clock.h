// <clock>: offset, timezone and adjustment, and the timers.
#pragma once

#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct ClockDef {
    std::string offset = "utc";        // utc, localtime, timezone, variable, absolute
    std::vector<std::pair<std::string, std::string>> attrs;   // first model: the other attributes
    std::vector<std::string> raw;                             // first model: timers kept as written

    static Result<ClockDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
