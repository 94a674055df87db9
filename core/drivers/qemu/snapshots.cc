// The QEMU driver's snapshots: internal ones, in the guest's qcow2 images
// (internal_snapshots.h). A running guest's snapshot holds its memory and returns it running
// or paused; a stopped guest's holds its disks. The metadata is libvirt's, one file per
// snapshot beside the configs (state.h).
#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/qemu/internal_snapshots.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

Result<Ref<_virDomainSnapshot>> QemuDriver::domainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                                    unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT |
                           VIR_DOMAIN_SNAPSHOT_CREATE_HALT | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC |
                           VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(domain, g));
    VH_TRY_ASSIGN(def, prepareSnapshot(*obj, xmlDesc, st_->xmlopt, flags, SnapshotMemoryRules::Hypervisor, VIR_FROM_QEMU));
    bool redefine = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
    if (!redefine) {
        if (obj->active()) {
            auto saved = runSnapshotJob(*obj->monitor, *obj->def, *def, JobKind::Save);
            obj->settled = obj->monitor->eventsSeen();   // QEMU's STOP and RESUME meanwhile are no news
            VH_TRY(saved);
        } else {
            VH_TRY(changeImages(*obj->def, *def, image::SnapshotOp::Create));
        }
    }
    auto snap = snapshotHandle(domain, obj->snapshots.put(std::move(def)));
    if (!redefine || (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT))
        obj->snapshots.setCurrent(snap->name);
    VH_TRY(st_->saveSnapshots(*obj));
    if (!redefine && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT) && obj->active()) {
        VH_TRY(st_->stop(obj, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT));
        domain->id = -1;
    }
    return snap;
}

Result<void> QemuDriver::domainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                           VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(snapshot->domain.get(), g));
    VH_TRY_ASSIGN(snap, obj->snapshots.get(snapshot->name, VIR_FROM_QEMU));
    VH_TRY(checkRevert(*obj, *snap, flags, VIR_FROM_QEMU));
    if (conf::snapshotIsExternal(*snap))     // a redefined one: this driver takes none
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED, "revert to external snapshot not supported yet");
    if (obj->active()) {
        // the guest starts again from the snapshot's definition; a transient domain must
        // survive its stop (checkRevert made sure it runs again)
        bool persistent = std::exchange(obj->persistent, true);
        auto stopped = st_->stop(obj, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
        obj->persistent = persistent;
        VH_TRY(stopped);
    }
    auto restored = std::make_unique<conf::DomainDef>(*snap->domain);
    restored->id = -1;
    if (obj->persistent)
        VH_TRY(st_->saveConfig(*restored));
    obj->def = std::move(restored);
    obj->newDef.reset();
    obj->reason = VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT;
    obj->snapshots.setCurrent(snap->name);
    VH_TRY(st_->saveSnapshots(*obj));

    if (!snapshotHasMemory(*snap))
        VH_TRY(changeImages(*obj->def, *snap, image::SnapshotOp::Apply));
    if (revertRuns(*snap, flags))
        VH_TRY(st_->start(*obj, revertPauses(*snap, flags), VIR_DOMAIN_RUNNING_FROM_SNAPSHOT, -1,
                          snapshotHasMemory(*snap) ? snap : nullptr));
    snapshot->domain->id = obj->def->id;
    return {};
}

Result<void> QemuDriver::domainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY |
                           VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY);
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, find(snapshot->domain.get(), g));
    VH_TRY_ASSIGN(top, obj->snapshots.get(snapshot->name, VIR_FROM_QEMU));
    Result<void> done;
    for (const std::string &name : obj->snapshots.deletion(*top, flags)) {
        const conf::SnapshotDef &def = *obj->snapshots.find(name);
        if (!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)) {
            done = obj->active() ? runSnapshotJob(*obj->monitor, *obj->def, def, JobKind::Delete)
                                 : changeImages(*obj->def, def, image::SnapshotOp::Delete);
            if (obj->active())
                obj->settled = obj->monitor->eventsSeen();
            if (!done)
                break;     // what was deleted so far stays deleted, in the images and here
        }
        obj->snapshots.remove(name);
    }
    VH_TRY(st_->saveSnapshots(*obj));
    return done;
}

} // namespace vh::drv::qemu
