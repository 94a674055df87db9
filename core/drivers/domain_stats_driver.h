// A hypervisor driver whose two statistics slots share one function, as libvirt's drivers
// have one for both virConnectGetAllDomainStats and virDomainListGetStats. The support matrix
// counts these slots for each driver class derived from it.
#pragma once

#include "drivers/driver_tables.h"

namespace vh::drv {

class DomainStatsDriver : public HypervisorDriver {
public:
    Result<std::vector<DomainStatsRecord>> connectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                                                    unsigned int flags) override;
    Result<std::vector<DomainStatsRecord>> domainListGetStats(virDomainPtr *doms, unsigned int stats,
                                                              unsigned int flags) override;

protected:
    // Every domain (doms == nullptr) or the listed ones, all of conn.
    virtual Result<std::vector<DomainStatsRecord>> allDomainStats(virConnectPtr conn, virDomainPtr *doms,
                                                                  unsigned int stats, unsigned int flags) = 0;
};

} // namespace vh::drv
