// A host network interface (<interface> of the interface driver): ethernet, bridge, bond and
// vlan devices with their start mode, MTU, MAC, link state and IPv4/IPv6 addressing, parsed and
// formatted as libvirt 9.0.0 does (its interface_conf).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/props.h"
#include "util/result.h"

namespace vh::conf {

enum class HostIfaceType { Ethernet, Bridge, Bond, Vlan, Last };
VH_ENUM_TABLE(kHostIfaceType, HostIfaceType, "ethernet", "bridge", "bond", "vlan");

enum class HostIfaceStartMode { Unspecified, None, Onboot, Hotplug, Last };
VH_ENUM_TABLE(kHostIfaceStartMode, HostIfaceStartMode, "", "none", "onboot", "hotplug");

enum class BondMode { None, BalanceRR, ActiveBackup, BalanceXor, Broadcast, Lacp, BalanceTlb, BalanceAlb, Last };
VH_ENUM_TABLE(kBondMode, BondMode, "", "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad",
              "balance-tlb", "balance-alb");

enum class BondMonitor { None, Mii, Arp };

enum class MiiCarrier { None, Ioctl, Netif, Last };
VH_ENUM_TABLE(kMiiCarrier, MiiCarrier, "", "ioctl", "netif");

enum class ArpValidate { None, Active, Backup, All, Last };
VH_ENUM_TABLE(kArpValidate, ArpValidate, "", "active", "backup", "all");

enum class LinkState { None, Unknown, NotPresent, Down, LowerLayerDown, Testing, Dormant, Up, Last };
VH_ENUM_TABLE(kLinkState, LinkState, "", "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up");

struct HostIfaceIP {
    std::string address;
    int prefix = 0;
};

struct HostIfaceProtocol {
    std::string family;                  // ipv4 or ipv6
    bool autoconf = false;               // ipv6 only
    bool dhcp = false;
    std::optional<bool> peerdns;
    std::vector<HostIfaceIP> ips;
    std::optional<std::string> gateway;  // <route gateway=''/>
};

struct HostInterfaceDef {
    HostIfaceType type = HostIfaceType::Ethernet;
    std::string name;
    // top level only
    HostIfaceStartMode startMode = HostIfaceStartMode::Unspecified;
    unsigned int mtu = 0;
    std::vector<HostIfaceProtocol> protocols;
    // every type but bridge
    unsigned int linkSpeed = 0;
    LinkState linkState = LinkState::None;
    // ethernet
    std::optional<std::string> mac;      // kept as written
    // bridge
    std::optional<bool> stp;
    std::optional<std::string> delay;
    // bridge and bond members
    std::vector<std::unique_ptr<HostInterfaceDef>> members;
    // bond
    BondMode bondMode = BondMode::None;
    BondMonitor monitor = BondMonitor::None;
    int frequency = 0, downdelay = 0, updelay = 0;
    MiiCarrier carrier = MiiCarrier::None;
    int interval = 0;
    std::string target;
    ArpValidate validate = ArpValidate::None;
    // vlan
    std::string tag, device;
};

Result<std::unique_ptr<HostInterfaceDef>> parseHostInterface(std::string_view xml, unsigned int flags);
std::string formatHostInterface(const HostInterfaceDef &def, unsigned int flags);

} // namespace vh::conf
