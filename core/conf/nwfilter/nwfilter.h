// A network filter (<filter>).
// First model: the document is kept as it was written and printed back in libvirt's layout,
// until it is modelled (the domain XML issue).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vh::conf {

struct NWFilterDef {
    std::string raw;     // the whole document (see above)
};

Result<std::unique_ptr<NWFilterDef>> parseNWFilter(std::string_view xml, unsigned int flags);
std::string formatNWFilter(const NWFilterDef &def, unsigned int flags);

} // namespace vh::conf
