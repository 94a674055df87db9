// The test driver's virConnectGetAllDomainStats and virDomainListGetStats, as libvirt's test
// driver gives them: the state group, and the I/O thread group, which has nothing to say
// until I/O threads are added at run time (this driver does not add them yet).
#include <libvirt/virterror.h>

#include "drivers/test/test_driver.h"

namespace vh::drv::test {

Result<std::vector<DomainStatsRecord>> TestDriver::allDomainStats(virConnectPtr conn, virDomainPtr *doms,
                                                                   unsigned int stats, unsigned int flags)
{
    auto groups = domainStatsGroups(VIR_FROM_TEST, "test", stats, flags,
                                    VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_IOTHREAD);
    if (!groups)
        return std::move(groups).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto targets = statsTargets(doms, flags);
    std::vector<DomainStatsRecord> out;
    for (DomainObj *o : targets) {
        DomainStatsRecord rec{domainHandle(conn, *o), {}};
        if (*groups & VIR_DOMAIN_STATS_STATE)
            addStateStats(rec.params, o->state, o->reason);
        out.push_back(std::move(rec));
    }
    return out;
}

} // namespace vh::drv::test
