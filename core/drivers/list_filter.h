// virConnectListAllDomains' filter flags, for every driver.
#pragma once

#include <libvirt/libvirt.h>

namespace vh::drv {

// What the filter flags look at in a domain.
struct DomainListFacts {
    bool active;
    int state;             // virDomainState
    bool persistent;
    bool managedSave;
    bool autostart;
    bool hasSnapshot;
    bool hasCheckpoint;
};

// Each group of flags (active/inactive, persistent/transient, states, ...) given keeps the
// domains that match one of its flags; a group not given keeps every domain.
bool domainMatchesListFlags(const DomainListFacts &d, unsigned int flags);

constexpr unsigned int kDomainListFilters = 0xffff;   // every VIR_CONNECT_LIST_DOMAINS_* filter

} // namespace vh::drv
