// <address>: where a device sits on its bus (shared by every device family).
#pragma once

#include <string>

#include <libxml/tree.h>

#include "conf/xml.h"
#include "util/result.h"

namespace vh::conf {

struct DeviceAddress {
    std::string type;     // empty: none; pci, drive, ...
    // pci
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;
    std::string multifunction;
    // drive
    unsigned int controller = 0, target = 0, unit = 0;

    bool empty() const { return type.empty(); }
    // Reads the device's <address> child, if any.
    static Result<DeviceAddress> parse(const xmlNode *device);
    void format(xml::Writer &w) const;
};

} // namespace vh::conf
