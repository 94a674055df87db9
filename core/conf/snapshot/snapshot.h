// A domain snapshot (<domainsnapshot>).
// First model: the document is kept as it was written and printed back in libvirt's layout,
// until it is modelled (the domain XML issue).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vh::conf {

struct SnapshotDef {
    std::string raw;     // the whole document (see above)
};

Result<std::unique_ptr<SnapshotDef>> parseSnapshot(std::string_view xml, unsigned int flags);
std::string formatSnapshot(const SnapshotDef &def, unsigned int flags);

} // namespace vh::conf
