// <disk>: a block device of the guest (first model: file/block sources, driver, target,
// readonly, shareable, address).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct DiskDef {
    std::string type = "file";      // file, block, dir, network, volume, nvme, vhostuser
    std::string device = "disk";    // disk, cdrom, floppy, lun
    std::string driverName, driverType;
    std::string source;             // file=, dev= or dir= by type
    std::string targetDev, targetBus;
    bool readonly = false, shareable = false;
    DeviceInfo info;

    static Result<DiskDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Defaults over every device of this family (and implicit devices it implies).
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, counts) at define and start.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
