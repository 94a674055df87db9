// A network filter binding (<filterbinding>): which filter, with which parameters, applies to
// which guest port, as libvirt 9.0.0 reads and writes it (its virnwfilterbindingdef).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "conf/network/netdev.h"
#include "conf/nwfilter/nwfilter.h"
#include "util/result.h"

namespace vh::conf {

struct NWFilterBindingDef {
    std::string ownerName;
    std::array<unsigned char, 16> ownerUUID{};
    std::string portdev;
    std::optional<std::string> linkdev;
    net::Mac mac{};
    std::string filter;
    NWFilterParams params;
};

Result<std::unique_ptr<NWFilterBindingDef>> parseNWFilterBinding(std::string_view xml, unsigned int flags);
std::string formatNWFilterBinding(const NWFilterBindingDef &def, unsigned int flags);

} // namespace vh::conf
