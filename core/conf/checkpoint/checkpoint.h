// A domain checkpoint (<domaincheckpoint>): its name, description, parent and creation time,
// the dirty bitmap of each disk, and the domain definition it was taken from.
//
// The default parse is a redefinition (libvirt's VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE): the
// whole document is read, as a stored checkpoint is, and with a <domain> the disk list is
// aligned with the domain's disks (alignCheckpointDisks).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "util/result.h"

namespace vh::conf {

struct DomainDef;

// virDomainCheckpointType
enum class CheckpointType { Default, No, Bitmap, Last };
VH_ENUM_TABLE(kCheckpointTypes, CheckpointType, "default", "no", "bitmap");

struct CheckpointDiskDef {
    std::string name;                // target (vda) or image path, as written
    CheckpointType type = CheckpointType::Default;
    std::string bitmap;
    unsigned long long size = 0;     // printed with CHECKPOINT_FORMAT_SIZE only (a driver fills it)
    bool sizeValid = false;
};

struct CheckpointDef {
    std::string name;
    std::string description;
    std::string parent;
    long long creationTime = 0;      // 0: not printed
    std::vector<CheckpointDiskDef> disks;
    std::shared_ptr<DomainDef> domain;
};

enum CheckpointParseFlags : unsigned {
    CHECKPOINT_PARSE_NEW = 1u << 0,       // checkpointCreateXML without REDEFINE: name,
                                          // description and disks only
    CHECKPOINT_PARSE_NO_ALIGN = 1u << 1,  // a redefinition left as written
};

enum CheckpointFormatFlags : unsigned {
    CHECKPOINT_FORMAT_SECURE = 1u << 0,     // VIR_DOMAIN_CHECKPOINT_XML_SECURE
    CHECKPOINT_FORMAT_NO_DOMAIN = 1u << 1,  // VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN
    CHECKPOINT_FORMAT_SIZE = 1u << 2,       // VIR_DOMAIN_CHECKPOINT_XML_SIZE
};

// Reads a checkpoint; its <domain> is read with `opts` (the driver's).
Result<std::unique_ptr<CheckpointDef>> parseCheckpoint(std::string_view xml, const DomainXMLOptions &opts, unsigned int flags);
// The same with the generic domain options.
Result<std::unique_ptr<CheckpointDef>> parseCheckpoint(std::string_view xml, unsigned int flags);

// libvirt's disk alignment: one entry per domain disk, in the domain's order. Disks not given
// get a bitmap when none is given, "no" otherwise; empty and read-only disks get none; bitmaps
// are named after the checkpoint unless given.
Result<void> alignCheckpointDisks(CheckpointDef &def);

std::string formatCheckpoint(const CheckpointDef &def, unsigned int flags);

} // namespace vh::conf
