#include "drivers/domain_stats.h"

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/domain_stats_driver.h"

namespace vh::drv {

Result<unsigned int> domainStatsGroups(int errDomain, const char *driver, unsigned int stats, unsigned int flags,
                                       unsigned int supported)
{
    constexpr unsigned int kAllowed = kStatsListFilters | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |
                                      VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |
                                      VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS;
    if (flags & ~kAllowed)
        return unsupportedFlags(errDomain, driver, "connectGetAllDomainStats", flags & ~kAllowed);
    if (!stats)
        return supported;
    if ((flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) && (stats & ~supported))
        return Error::format(errDomain, VIR_ERR_ARGUMENT_UNSUPPORTED,
                             "Stats types bits 0x%x are not supported by this daemon", stats & ~supported);
    return stats & supported;
}

Result<std::vector<DomainStatsRecord>> DomainStatsDriver::connectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                                                                    unsigned int flags)
{
    return allDomainStats(conn, nullptr, stats, flags);
}

Result<std::vector<DomainStatsRecord>> DomainStatsDriver::domainListGetStats(virDomainPtr *doms, unsigned int stats,
                                                                              unsigned int flags)
{
    return allDomainStats(doms[0]->connect(), doms, stats, flags);
}

void addStateStats(TypedParamList &out, int state, int reason)
{
    out.addInt("state.state", state);
    out.addInt("state.reason", reason);
}

} // namespace vh::drv
