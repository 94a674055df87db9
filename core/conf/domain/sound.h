// <sound>.
// First model: the element is kept as it was written and printed back, until this family
// is modelled (the domain XML issue).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct SoundDef {
    std::string raw;                 // the element as written (see above)
    DeviceInfo info;

    static Result<SoundDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Defaults over every device of this family (and implicit devices it implies).
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, counts) at define and start.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
