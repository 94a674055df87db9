// The test driver's snapshots: metadata only, as libvirt's test driver keeps them. Taking one
// records the domain as it is; reverting makes that definition and state the domain's again,
// with libvirt's events (a running domain is stopped and started again).
#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/test/test_driver.h"

namespace vh::drv::test {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_TEST, "test", flags, allowed)

Result<Ref<_virDomainSnapshot>> TestDriver::domainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                                    unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT |
                           VIR_DOMAIN_SNAPSHOT_CREATE_HALT | VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE |
                           VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | VIR_DOMAIN_SNAPSHOT_CREATE_LIVE |
                           VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(domain, g));
    VH_TRY_ASSIGN(def, prepareSnapshot(*obj, xmlDesc, st_->xmlopt, flags, SnapshotMemoryRules::Lenient, VIR_FROM_TEST));
    bool redefine = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
    auto snap = snapshotHandle(domain, obj->snapshots.put(std::move(def)));
    if (!redefine || (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT))
        obj->snapshots.setCurrent(snap->name);
    if (!redefine && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT) && obj->active()) {
        emit(*obj, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
        st_->stop(obj, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT);
        domain->id = -1;
    }
    return snap;
}

Result<void> TestDriver::domainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                           VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(snapshot->domain.get(), g));
    VH_TRY_ASSIGN(snap, obj->snapshots.get(snapshot->name, VIR_FROM_TEST));
    VH_TRY(checkRevert(*obj, *snap, flags, VIR_FROM_TEST));
    if (obj->active())
        emit(*obj, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
    // the snapshot's definition becomes the domain's, shut off
    auto restored = std::make_unique<conf::DomainDef>(*snap->domain);
    restored->id = -1;
    obj->def = std::move(restored);
    obj->newDef.reset();
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT;
    obj->snapshots.setCurrent(snap->name);

    if (revertRuns(*snap, flags)) {
        st_->start(*obj, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT);
        emit(*obj, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT);
        if (revertPauses(*snap, flags)) {
            obj->state = VIR_DOMAIN_PAUSED;
            obj->reason = VIR_DOMAIN_PAUSED_FROM_SNAPSHOT;
            emit(*obj, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT);
        }
    }
    snapshot->domain->id = obj->def->id;
    return {};
}

Result<void> TestDriver::domainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(snapshot->domain.get(), g));
    VH_TRY_ASSIGN(snap, obj->snapshots.get(snapshot->name, VIR_FROM_TEST));
    for (const std::string &name : obj->snapshots.deletion(*snap, flags))
        obj->snapshots.remove(name);
    return {};
}

} // namespace vh::drv::test
