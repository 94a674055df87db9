// <disk>: a block device of the guest (first model: file/block sources, driver, target,
// readonly, shareable, address).
#pragma once

#include <string>

#include "conf/domain/address.h"

namespace vh::conf {

struct DiskDef {
    std::string type = "file";      // file, block, dir, network, volume, nvme, vhostuser
    std::string device = "disk";    // disk, cdrom, floppy, lun
    std::string driverName, driverType;
    std::string source;             // file=, dev= or dir= by type
    std::string targetDev, targetBus;
    bool readonly = false, shareable = false;
    DeviceAddress address;

    static Result<DiskDef> parse(const xmlNode *n);
    void postParse();     // the bus from the target name
    void format(xml::Writer &w) const;
};

} // namespace vh::conf
