// <memballoon>: the memory balloon device.
#pragma once

#include <string>

#include "conf/domain/address.h"

namespace vh::conf {

struct MemballoonDef {
    std::string model;          // virtio, xen, none
    std::string autodeflate;
    DeviceAddress address;

    static Result<MemballoonDef> parse(const xmlNode *n);
    void format(xml::Writer &w) const;
};

} // namespace vh::conf
