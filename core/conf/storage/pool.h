// A storage pool (<pool>).
// First model: the document is kept as it was written and printed back in libvirt's layout,
// until it is modelled (the domain XML issue).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vh::conf {

struct StoragePoolDef {
    std::string raw;     // the whole document (see above)
};

Result<std::unique_ptr<StoragePoolDef>> parseStoragePool(std::string_view xml, unsigned int flags);
std::string formatStoragePool(const StoragePoolDef &def, unsigned int flags);

} // namespace vh::conf
