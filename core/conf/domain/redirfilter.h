// <redirfilter>: the rules for which USB devices may be redirected (libvirt's
// virDomainRedirFilterDef).
#pragma once

#include <string>
#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct RedirFilterUsbDev {
    int usbClass = -1, vendor = -1, product = -1;   // -1: any
    int version = -1;                                // BCD (0x0210 for 2.10), -1: any
    bool allow = false;
};

struct RedirfilterDef {
    std::vector<RedirFilterUsbDev> usbdevs;
    DeviceInfo info;                 // a filter has none; kept for the device iterators

    static Result<RedirfilterDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // libvirt takes one set of rules.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
