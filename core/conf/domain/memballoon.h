// <memballoon>: the memory balloon device.
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct MemballoonDef {
    std::string model;          // virtio, xen, none
    std::string autodeflate;
    DeviceInfo info;

    static Result<MemballoonDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Defaults over every device of this family (and implicit devices it implies).
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, counts) at define and start.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
