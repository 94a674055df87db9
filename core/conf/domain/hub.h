// <hub type='usb'>: a USB hub (libvirt's virDomainHubDef).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct HubDef {
    std::string type = "usb";
    DeviceInfo info;

    static Result<HubDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // A USB hub needs USB (no <controller type='usb' model='none'/>).
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
