#include "drivers/list_filter.h"

namespace vh::drv {

bool domainMatchesListFlags(const DomainListFacts &d, unsigned int f)
{
    auto group = [&](unsigned int a, bool isA, unsigned int b, bool isB) {
        return !(f & (a | b)) || ((f & a) && isA) || ((f & b) && isB);
    };
    int s = d.state;
    bool other = s != VIR_DOMAIN_RUNNING && s != VIR_DOMAIN_PAUSED && s != VIR_DOMAIN_SHUTOFF;
    unsigned int states = VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                          VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER;
    bool stateOk = !(f & states) || ((f & VIR_CONNECT_LIST_DOMAINS_RUNNING) && s == VIR_DOMAIN_RUNNING) ||
                   ((f & VIR_CONNECT_LIST_DOMAINS_PAUSED) && s == VIR_DOMAIN_PAUSED) ||
                   ((f & VIR_CONNECT_LIST_DOMAINS_SHUTOFF) && s == VIR_DOMAIN_SHUTOFF) ||
                   ((f & VIR_CONNECT_LIST_DOMAINS_OTHER) && other);
    return stateOk &&
           group(VIR_CONNECT_LIST_DOMAINS_ACTIVE, d.active, VIR_CONNECT_LIST_DOMAINS_INACTIVE, !d.active) &&
           group(VIR_CONNECT_LIST_DOMAINS_PERSISTENT, d.persistent, VIR_CONNECT_LIST_DOMAINS_TRANSIENT, !d.persistent) &&
           group(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, d.managedSave, VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, !d.managedSave) &&
           group(VIR_CONNECT_LIST_DOMAINS_AUTOSTART, d.autostart, VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, !d.autostart) &&
           group(VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, d.hasSnapshot, VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, !d.hasSnapshot) &&
           group(VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, d.hasCheckpoint, VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT,
                 !d.hasCheckpoint);
}

} // namespace vh::drv
