// virConnectGetAllDomainStats and virDomainListGetStats, the parts every driver shares: the
// record a driver returns, the flag and group checks, and which domains a call covers.
#pragma once

#include <vector>

#include <libvirt/libvirt.h>

#include "drivers/handles.h"
#include "drivers/list_filter.h"
#include "util/object.h"
#include "util/result.h"
#include "util/typed_params.h"

namespace vh::drv {

// One record: a new handle on the domain and its statistics ("state.state", "block.0.name", ...).
struct DomainStatsRecord {
    Ref<_virDomain> dom;
    TypedParamList params;
};

// The filters these calls share with virConnectListAllDomains (the same bits).
constexpr unsigned int kStatsListFilters =
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE |
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT | VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT |
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING | VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED |
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF | VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER;

// What a driver checks first, for both calls: flags it does not know (reported as its
// <driver>ConnectGetAllDomainStats, which serves both in libvirt), then the groups asked for.
// Returns the groups to collect: stats 0 means every supported group; an unsupported one is
// skipped, or refused with VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS.
Result<unsigned int> domainStatsGroups(int errDomain, const char *driver, unsigned int stats, unsigned int flags,
                                       unsigned int supported);

// The "state" group: state.state and state.reason.
void addStateStats(TypedParamList &out, int state, int reason);

} // namespace vh::drv
