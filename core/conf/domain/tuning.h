// <blkiotune>; <memtune>; <cputune>; <numatune>; <resource>.
// First model: the element is kept as it was written and printed back, until this family
// is modelled (the domain XML issue).
#pragma once

#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct BlkioTuneDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<BlkioTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

struct MemTuneDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<MemTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

struct CpuTuneDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<CpuTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

struct NumaTuneDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<NumaTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

struct ResourceDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<ResourceDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
