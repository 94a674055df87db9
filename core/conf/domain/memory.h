// The guest's memory: <maxMemory>, <memory>, <currentMemory>; and <memoryBacking>.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct MemoryDef {
    unsigned long long maxKiB = 0;       // <maxMemory>: the hotplug limit
    unsigned int slots = 0;
    unsigned long long totalKiB = 0;     // <memory>
    unsigned long long currentKiB = 0;   // <currentMemory>, defaults to <memory>
    std::optional<bool> dumpCore;        // <memory dumpCore='on|off'>

    static Result<MemoryDef> parse(const TopLevel &top, const ParseContext &ctx);
    void postParse();
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// First model of <memoryBacking>: kept as written (the domain XML issue models it).
struct MemoryBackingDef {
    std::vector<std::string> raw;

    static Result<MemoryBackingDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
