// <sysinfo> (smbios and fwcfg).
// First model: the element is kept as it was written and printed back, until this family
// is modelled (the domain XML issue).
#pragma once

#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct SysinfoDef {
    std::vector<std::string> raw;    // the elements as written (see above)

    static Result<SysinfoDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
