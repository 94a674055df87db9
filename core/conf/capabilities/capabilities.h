// The host capabilities (<capabilities>).
// First model: the document is kept as it was written and printed back in libvirt's layout,
// until it is modelled (the domain XML issue).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vh::conf {

struct CapabilitiesDef {
    std::string raw;     // the whole document (see above)
};

Result<std::unique_ptr<CapabilitiesDef>> parseCapabilities(std::string_view xml, unsigned int flags);
std::string formatCapabilities(const CapabilitiesDef &def, unsigned int flags);

} // namespace vh::conf
