// Virtual CPUs: <vcpu> and <vcpus>; I/O threads: <iothreads>, <iothreadids>, <defaultiothread>.
#pragma once

#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct VcpuDef {
    unsigned int max = 1;                  // <vcpu>N</vcpu>
    unsigned int current = 1;              // <vcpu current='...'>
    std::string placement = "static";      // static, auto
    std::string cpuset;
    std::vector<std::string> vcpusRaw;     // first model: <vcpus> kept as written

    static Result<VcpuDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// First model: kept as written (the domain XML issue models it).
struct IothreadsDef {
    std::vector<std::string> raw;

    static Result<IothreadsDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
