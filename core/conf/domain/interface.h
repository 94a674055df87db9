// <interface>: a network interface of the guest (first model: type, mac, source, target,
// model, address).
#pragma once

#include <string>

#include "conf/domain/address.h"

namespace vh::conf {

struct InterfaceDef {
    std::string type;          // network, bridge, user, ethernet, direct, ...
    std::string mac;           // aa:bb:cc:dd:ee:ff, generated when absent
    std::string source;        // network=, bridge=, dev= by type
    std::string sourceMode;    // direct: mode=
    std::string targetDev;
    std::string model;
    DeviceAddress address;

    // inactive: a persistent config (host-generated target names are dropped)
    static Result<InterfaceDef> parse(const xmlNode *n, bool inactive);
    void postParse();          // a generated 52:54:00 MAC when none was given
    void format(xml::Writer &w) const;
};

// Canonical lower-case form of a MAC address, or nullopt when s is not one.
std::optional<std::string> parseMac(std::string_view s);

} // namespace vh::conf
