// Every XML document virthub reads and writes, by kind: the round trip tests and tools use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conf/domain/context.h"
#include "util/result.h"

namespace vh::conf {

// Kinds: domain, network, networkport, nwfilter, nwfilterbinding, interface, pool, volume,
// nodedev, secret, snapshot, checkpoint, capabilities, domaincaps.
std::vector<std::string> documentKinds();

// parse -> post-parse -> validate -> format of one document. A domain is read with `domainOptions`
// and PARSE_INACTIVE, and formatted with `formatFlags`.
Result<std::string> roundTrip(std::string_view kind, std::string_view xml, const DomainXMLOptions &domainOptions,
                              unsigned int formatFlags);

} // namespace vh::conf
