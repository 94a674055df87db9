// virConnectGetAllDomainStats and virDomainListGetStats, the parts every driver shares: the
// record a driver returns, the flag and group checks, and which domains a call covers.
#pragma once

#include <functional>
#include <memory>
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

// The domains a call covers, in order: every domain (doms == nullptr) or each listed one the
// driver still has (a vanished one is skipped), kept when the filter flags match.
template <class Obj>
std::vector<Obj *> domainStatsTargets(const std::vector<std::shared_ptr<Obj>> &all, virDomainPtr *doms,
                                      const std::function<Obj *(const unsigned char *)> &byUUID,
                                      const std::function<DomainListFacts(const Obj &)> &facts, unsigned int flags)
{
    std::vector<Obj *> out;
    auto keep = [&](Obj *o) {
        if (o && domainMatchesListFlags(facts(*o), flags & kStatsListFilters))
            out.push_back(o);
    };
    if (!doms) {
        for (const auto &d : all)
            keep(d.get());
    } else {
        for (virDomainPtr *d = doms; *d; d++)
            keep(byUUID((*d)->uuid));
    }
    return out;
}

// The "state" group: state.state and state.reason.
void addStateStats(TypedParamList &out, int state, int reason);

} // namespace vh::drv
