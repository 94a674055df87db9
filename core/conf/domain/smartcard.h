// <smartcard>: a CCID smartcard, from the host's reader (host), from three certificates
// (host-certificates) or passed through a character device (passthrough); libvirt's
// virDomainSmartcardDef.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/chardev.h"
#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct SmartcardDef {
    std::string mode = "host";       // host, host-certificates, passthrough
    std::vector<std::string> certificates;   // host-certificates: exactly three
    std::optional<std::string> database;
    ChardevSource source;            // passthrough
    DeviceInfo info;

    static Result<SmartcardDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // (Their CCID addresses and controllers are given by the controller family.)
    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
