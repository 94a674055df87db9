// <disk> -> QEMU, as libvirt's QEMU driver does it with -blockdev: each medium is a protocol
// node (libvirt-N-storage: file, host_device or host_cdrom) under a format node
// (libvirt-N-format: raw or qcow2), and the guest's device (virtio-blk, ide-hd/ide-cd,
// scsi-hd/scsi-cd) refers to the format node. Also the SCSI and SATA controllers the disks sit
// on, and the start-time check that the disks' files exist.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv::qemu {

using OrderedJson = nlohmann::ordered_json;   // keys stay in libvirt's order

// The -blockdev nodes of a disk's medium, as blockdev-add takes them; both null for a drive
// without a medium (an empty CD-ROM tray).
struct DiskNodes {
    OrderedJson storage, format;
    bool empty() const { return format.is_null(); }
    std::string formatNode() const { return empty() ? std::string() : format["node-name"].get<std::string>(); }
};

// The disk forms the driver maps (file and block sources, raw and qcow2, the virtio, SATA,
// IDE and SCSI buses the machine has, the usual <driver> settings); anything else is a
// VIR_ERR_CONFIG_UNSUPPORTED naming the disk's target.
Result<void> validateDisk(const conf::DomainDef &def, const conf::DiskDef &disk);
// The IDE, SATA and SCSI controllers the driver maps.
Result<void> validateStorageController(const conf::DomainDef &def, const conf::ControllerDef &c);

// libvirt's node-name number of the disk at position i: counted down from the number of disks.
unsigned diskNodeIndex(const conf::DomainDef &def, size_t i);
DiskNodes diskNodes(const conf::DiskDef &disk, unsigned nodeIndex);
// The device's id: its user alias, else libvirt's (virtio-disk1, sata0-0-0, ide0-1-0, scsi0-0-0-0).
std::string diskAlias(const conf::DomainDef &def, const conf::DiskDef &disk);
// The -device value of a validated disk whose medium is nodes.
Result<std::string> diskDevice(const conf::DomainDef &def, const conf::DiskDef &disk, const DiskNodes &nodes);
// The -device value of a storage controller, "" when the machine has it built in.
Result<std::string> controllerDevice(const conf::DomainDef &def, const conf::ControllerDef &c);

// Appends the storage controllers, then each disk's -blockdev nodes and -device.
Result<void> appendStorage(const conf::DomainDef &def, std::vector<std::string> &argv);

// Every disk's source exists (libvirt's "Cannot access storage file" otherwise); run at start.
Result<void> checkDiskSources(const conf::DomainDef &def);

class Monitor;
// The format node in each disk device of a running guest, by the device's alias (query-block).
Result<std::map<std::string, std::string>> liveFormatNodes(Monitor &monitor);

} // namespace vh::drv::qemu
