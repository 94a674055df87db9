// <interface>: a network interface of the guest (first model: type, mac, source, target,
// model, address).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct InterfaceDef {
    std::string type;          // network, bridge, user, ethernet, direct, ...
    std::string mac;           // aa:bb:cc:dd:ee:ff, generated when absent
    std::string source;        // network=, bridge=, dev= by type
    std::string sourceMode;    // direct: mode=
    std::string targetDev;
    std::string model;
    DeviceInfo info;

    // A persistent config (ctx.inactive()) drops host-generated target names.
    static Result<InterfaceDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Defaults over every device of this family (and implicit devices it implies).
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, counts) at define and start.
    static Result<void> validateAll(const DomainDef &def);
};

// Canonical lower-case form of a MAC address, or nullopt when s is not one.
std::optional<std::string> parseMac(std::string_view s);

} // namespace vh::conf
