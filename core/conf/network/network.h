// A virtual network (<network>): libvirt's network XML, parsed, checked and formatted as
// libvirt 9.0.0 does (its network_conf).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/network/netdev.h"
#include "util/result.h"

namespace vh::conf {

enum class NetworkForwardType { None, Nat, Route, Open, Bridge, Private, Vepa, Passthrough, Hostdev, Last };
VH_ENUM_TABLE(kNetworkForwardType, NetworkForwardType, "none", "nat", "route", "open", "bridge", "private", "vepa",
              "passthrough", "hostdev");

enum class MacTableManager { Default, Kernel, Libvirt, Last };
VH_ENUM_TABLE(kMacTableManager, MacTableManager, "default", "kernel", "libvirt");

enum class ForwardDriverName { Default, Kvm, Vfio, Last };
VH_ENUM_TABLE(kForwardDriverName, ForwardDriverName, "default", "kvm", "vfio");

enum class LeaseUnit { Seconds, Minutes, Hours, Last };
VH_ENUM_TABLE(kLeaseUnit, LeaseUnit, "seconds", "minutes", "hours");

using PciAddress = net::PciAddress;

struct NetworkForwardIf {
    bool pci = false;          // <address type='pci'/> (hostdev) rather than <interface dev=''/>
    std::string dev;
    PciAddress addr;
};

struct NetworkForward {
    NetworkForwardType type = NetworkForwardType::None;
    bool managed = false;
    ForwardDriverName driverName = ForwardDriverName::Default;
    std::vector<NetworkForwardIf> ifs;
    std::optional<std::string> pf;
    // <nat>
    net::SockAddr natStart, natEnd;
    unsigned int portStart = 0, portEnd = 0;
    std::optional<bool> natIPv6;
};

struct DhcpLease {
    unsigned long long expiry = 0;
    LeaseUnit unit = LeaseUnit::Minutes;
};

struct DhcpRange {
    net::SockAddr start, end;
    std::optional<DhcpLease> lease;
};

struct DhcpHost {
    std::optional<std::string> mac, id, name;   // as written
    net::SockAddr ip;
    std::optional<DhcpLease> lease;
};

struct NetworkIP {
    std::optional<std::string> family;
    net::SockAddr address, netmask;
    unsigned int prefix = 0;
    std::optional<bool> localPtr;
    std::vector<DhcpRange> ranges;
    std::vector<DhcpHost> hosts;
    std::optional<std::string> tftproot, bootfile;
    net::SockAddr bootserver;

    int effectivePrefix() const { return net::ipPrefix(address, &netmask, static_cast<int>(prefix)); }
};

struct NetworkRoute {
    std::optional<std::string> family;
    net::SockAddr address, netmask, gateway;
    unsigned int prefix = 0;
    bool hasPrefix = false;
    std::optional<unsigned int> metric;
};

struct DnsForwarder {
    std::optional<std::string> domain;
    net::SockAddr addr;
};
struct DnsTxt {
    std::string name, value;
};
struct DnsHost {
    net::SockAddr ip;
    std::vector<std::string> hostnames;
};
struct DnsSrv {
    std::string service, protocol;
    std::optional<std::string> domain, target;
    unsigned int port = 0, priority = 0, weight = 0;
};
struct NetworkDns {
    std::optional<bool> enable, forwardPlainNames;
    std::vector<DnsForwarder> forwarders;
    std::vector<DnsTxt> txts;
    std::vector<DnsHost> hosts;
    std::vector<DnsSrv> srvs;
    bool empty() const
    {
        return !enable && !forwardPlainNames && forwarders.empty() && txts.empty() && hosts.empty() && srvs.empty();
    }
};

struct PortGroup {
    std::string name;
    bool isDefault = false;
    std::optional<bool> trustGuestRxFilters;
    std::optional<net::VirtualPort> virtualPort;
    std::optional<net::Vlan> vlan;
    std::optional<net::Bandwidth> bandwidth;
};

struct NetworkDef {
    std::string name;
    std::array<unsigned char, 16> uuid{};
    std::optional<std::vector<std::string>> metadata;   // namespaced children, formatted; set: <metadata> present
    std::optional<bool> ipv6nogw;                         // <network ipv6=>
    std::optional<bool> trustGuestRxFilters;
    NetworkForward forward;
    std::optional<std::string> bridge, bridgeZone;
    bool stp = true;
    unsigned long delay = 0;
    MacTableManager macTableManager = MacTableManager::Default;
    unsigned int mtu = 0;
    std::optional<net::Mac> mac;
    std::optional<std::string> domain;
    std::optional<bool> domainLocalOnly;
    NetworkDns dns;
    std::optional<net::Vlan> vlan;
    std::optional<net::Bandwidth> bandwidth;
    net::PortOptions port;
    std::vector<NetworkIP> ips;
    std::vector<NetworkRoute> routes;
    std::optional<net::VirtualPort> virtualPort;
    std::vector<PortGroup> portGroups;
    bool hasDnsmasqOptions = false;                       // <dnsmasq:options>, with NETWORK_PARSE_DNSMASQ
    std::vector<std::string> dnsmasqOptions;
};

// Parse flags.
enum NetworkParseFlags : unsigned {
    // Keep <dnsmasq:options> (the network driver's XML namespace; libvirt's test driver has none
    // and drops them).
    NETWORK_PARSE_DNSMASQ = 1u << 8,
};

// parse with libvirt's post-parse checks (virNetworkDefParse): a document libvirt refuses to
// define is an error here.
Result<std::unique_ptr<NetworkDef>> parseNetwork(std::string_view xml, unsigned int flags);
std::string formatNetwork(const NetworkDef &def, unsigned int flags);

} // namespace vh::conf
