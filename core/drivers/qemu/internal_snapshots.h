// Internal snapshots, kept inside the guest's qcow2 images under the snapshot's name.
//
// A running guest's go through QMP jobs (snapshot-save, -load, -delete): QEMU stops the guest
// meanwhile, writes or reads every covered disk and puts the memory in the first of them. A
// stopped guest's images are changed with qemu-img instead.
#pragma once

#include <vector>

#include "conf/domain/domain_def.h"
#include "conf/snapshot/snapshot.h"
#include "drivers/qemu/image.h"
#include "drivers/qemu/monitor.h"
#include "util/result.h"

namespace vh::drv::qemu {

// The disks of def that snap covers (snapshot='internal'), each a qcow2 image: libvirt's
// error names the first that is not.
Result<std::vector<const conf::DiskDef *>> internalSnapshotDisks(const conf::DomainDef &def, const conf::SnapshotDef &snap);

enum class JobKind { Save, Load, Delete };
// snapshot-save / -load / -delete of snap on the running guest whose definition is live.
Result<void> runSnapshotJob(Monitor &monitor, const conf::DomainDef &live, const conf::SnapshotDef &snap, JobKind kind);

// The same on the images of a stopped guest; a failed create leaves no half-made snapshot.
Result<void> changeImages(const conf::DomainDef &def, const conf::SnapshotDef &snap, image::SnapshotOp op);

} // namespace vh::drv::qemu
