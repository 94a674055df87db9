// A storage volume (<volume>).
// First model: the document is kept as it was written and printed back in libvirt's layout,
// until it is modelled (the domain XML issue).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vh::conf {

struct StorageVolDef {
    std::string raw;     // the whole document (see above)
};

Result<std::unique_ptr<StorageVolDef>> parseStorageVol(std::string_view xml, unsigned int flags);
std::string formatStorageVol(const StorageVolDef &def, unsigned int flags);

} // namespace vh::conf
