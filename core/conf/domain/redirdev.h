// <redirdev bus='usb' type=...>: a USB device redirected from a client over a character device
// (libvirt's virDomainRedirdevDef).
#pragma once

#include <string>

#include "conf/domain/chardev.h"
#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct RedirdevDef {
    std::string bus = "usb";
    ChardevSource source;            // its type is the redirdev's type=
    DeviceInfo info;

    static Result<RedirdevDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // A redirected USB device needs a USB controller; its source needs what its type needs.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
