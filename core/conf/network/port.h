// A network port (<networkport>): a guest interface's connection to a virtual network, with
// its owner, MAC, QoS, VLAN, virtual port profile and how it is plugged, as libvirt 9.0.0 reads
// and writes it (its virnetworkportdef).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "conf/network/netdev.h"
#include "conf/network/network.h"
#include "util/result.h"

namespace vh::conf {

enum class PortPlugType { None, Network, Bridge, Direct, HostdevPci, Last };
VH_ENUM_TABLE(kPortPlugType, PortPlugType, "none", "network", "bridge", "direct", "hostdev-pci");

enum class MacvlanMode { Vepa, Private, Bridge, Passthrough, Last };
VH_ENUM_TABLE(kMacvlanMode, MacvlanMode, "vepa", "private", "bridge", "passthrough");

struct NetworkPortDef {
    std::array<unsigned char, 16> uuid{};
    std::string ownerName;
    std::array<unsigned char, 16> ownerUUID{};
    std::optional<std::string> group;
    net::Mac mac{};
    std::optional<net::VirtualPort> virtualPort;
    std::optional<net::Bandwidth> bandwidth;
    std::optional<net::Vlan> vlan;
    net::PortOptions port;
    std::optional<bool> trustGuestRxFilters;

    PortPlugType plugType = PortPlugType::None;
    // network, bridge
    std::string bridge;
    MacTableManager macTableManager = MacTableManager::Default;
    // direct
    std::string linkdev;
    MacvlanMode mode = MacvlanMode::Vepa;
    // hostdev-pci
    std::optional<bool> managed;
    ForwardDriverName driver = ForwardDriverName::Default;
    PciAddress addr;
};

Result<std::unique_ptr<NetworkPortDef>> parseNetworkPort(std::string_view xml, unsigned int flags);
std::string formatNetworkPort(const NetworkPortDef &def, unsigned int flags);

} // namespace vh::conf
