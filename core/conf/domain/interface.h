// <interface>: a network interface of the guest (libvirt's virDomainNetDef). Every type
// (network, bridge, user, ethernet, direct, hostdev, vhostuser, server/client/mcast/udp,
// internal, vdpa, null, vds) with its <source>; the MAC address (generated when absent), the
// host and guest sides (target, guest, model, driver with its offloads and virtio options,
// backend), network settings (bandwidth, vlan, virtualport, port isolation, filterref, IP
// addresses, routes and port forwards), link state, MTU, coalescing, teaming, tuning and the
// common device parts. Host-generated target names (vnetN, macvtapN, macvlanN) are dropped
// from persistent configs; the test driver then names unnamed interfaces itself.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conf/domain/device_info.h"
#include "conf/network/netdev.h"

namespace vh::conf {

struct DomainDef;

enum class NetType { User, Ethernet, Vhostuser, Server, Client, Mcast, Network, Bridge, Internal, Direct, Hostdev, Udp,
                     Vdpa, Null, Vds, Last };
VH_ENUM_TABLE(kNetType, NetType, "user", "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge",
              "internal", "direct", "hostdev", "udp", "vdpa", "null", "vds");

enum class NetMacType { Default, Generated, Static, Last };
VH_ENUM_TABLE(kNetMacType, NetMacType, "default", "generated", "static");

enum class NetDirectMode { Vepa, Private, Bridge, Passthrough, Last };
VH_ENUM_TABLE(kNetDirectMode, NetDirectMode, "vepa", "private", "bridge", "passthrough");

enum class NetDriverName { Default, Qemu, Vhost, Last };
VH_ENUM_TABLE(kNetDriverName, NetDriverName, "default", "qemu", "vhost");

enum class NetTxMode { Default, Iothread, Timer, Last };
VH_ENUM_TABLE(kNetTxMode, NetTxMode, "default", "iothread", "timer");

enum class NetLinkState { Default, Up, Down, Last };
VH_ENUM_TABLE(kNetLinkState, NetLinkState, "default", "up", "down");

enum class NetTeaming { None, Persistent, Transient, Last };
VH_ENUM_TABLE(kNetTeaming, NetTeaming, "none", "persistent", "transient");

enum class NetHostdevBackend { Default, Kvm, Vfio, Xen, Last };
VH_ENUM_TABLE(kNetHostdevBackend, NetHostdevBackend, "default", "kvm", "vfio", "xen");

enum class NetUsbStartupPolicy { Default, Mandatory, Requisite, Optional, Last };
VH_ENUM_TABLE(kNetUsbStartupPolicy, NetUsbStartupPolicy, "default", "mandatory", "requisite", "optional");

enum class NetPortForwardProto { Tcp, Udp, Last };
VH_ENUM_TABLE(kNetPortForwardProto, NetPortForwardProto, "tcp", "udp");

// <ip address= family= prefix= peer=>
struct NetIP {
    net::SockAddr address, peer;
    unsigned int prefix = 0;
};

// <route family= address= netmask=|prefix= gateway= metric=>
struct NetRoute {
    std::optional<std::string> family;
    net::SockAddr address, netmask, gateway;
    std::optional<unsigned int> prefix, metric;
};

struct NetPortForwardRange {
    unsigned int start = 0, end = 0, to = 0;
    std::optional<bool> exclude;
};

struct NetPortForward {
    NetPortForwardProto proto = NetPortForwardProto::Tcp;
    std::optional<net::SockAddr> address;
    std::optional<std::string> dev;
    std::vector<NetPortForwardRange> ranges;
};

// The host device behind <interface type='hostdev'> (PCI or USB).
struct NetHostdevSource {
    bool usb = false;
    DeviceAddress pci;                             // type='pci'
    std::optional<unsigned int> vendor, product;   // usb
    std::optional<unsigned int> bus, device;       // usb
    NetUsbStartupPolicy startupPolicy = NetUsbStartupPolicy::Default;
    std::string raw;                               // another kind of source, kept as written
};

struct InterfaceDef {
    std::string type;          // network, bridge, user, ethernet, direct, ...
    std::string mac;           // aa:bb:cc:dd:ee:ff, generated when absent
    std::string source;        // the source's name: network=, bridge=, dev=, name= or path=
    std::string sourceMode;    // direct: mode= ; vhostuser: server or client
    std::string targetDev;
    std::string model;         // libvirt's spelling of a known model, else as written
    DeviceInfo info;

    NetType netType = NetType::User;
    std::optional<bool> trustGuestRxFilters;
    NetMacType macType = NetMacType::Default;
    std::optional<bool> macCheck;
    // <source> by type
    std::optional<std::string> portgroup;          // network
    std::string vhostuserPath;                     // vhostuser (type='unix')
    std::optional<bool> reconnect;                 // vhostuser
    unsigned int reconnectTimeout = 0;
    std::optional<std::string> socketAddress;      // server, client, mcast, udp
    int socketPort = 0;
    std::string localAddress;                      // udp
    int localPort = 0;
    std::array<unsigned char, 16> vdsSwitchId{};   // vds
    long long vdsPortId = 0, vdsConnectionId = 0;
    std::string vdsPortgroupId;
    bool hostdevManaged = false;                   // hostdev
    NetHostdevBackend hostdevBackend = NetHostdevBackend::Default;
    NetHostdevSource hostdev;
    std::vector<NetIP> hostIPs;                    // ethernet: <source><ip/><route/></source>
    std::vector<NetRoute> hostRoutes;
    // the network side
    std::optional<net::Vlan> vlan;
    std::optional<net::VirtualPort> virtualport;
    std::optional<net::Bandwidth> bandwidth;
    net::PortOptions port;
    std::vector<NetIP> guestIPs;
    std::vector<NetRoute> guestRoutes;
    std::vector<NetPortForward> portForwards;
    std::optional<std::string> script, downscript, backendDomain;
    std::optional<bool> targetManaged;
    std::optional<std::string> guestDev, guestActual;
    // <driver> of virtio models
    NetDriverName driverName = NetDriverName::Default;
    NetTxMode txmode = NetTxMode::Default;
    std::optional<bool> ioeventfd, eventIdx, rss, rssHashReport;
    unsigned int queues = 0, rxQueueSize = 0, txQueueSize = 0;
    // <host csum gso tso4 tso6 ecn ufo mrg_rxbuf/>, <guest csum tso4 tso6 ecn ufo/>
    std::array<std::optional<bool>, 7> hostOffloads{};
    std::array<std::optional<bool>, 5> guestOffloads{};
    VirtioOptions virtio;
    std::optional<std::string> backendTap, backendVhost, backendLogFile;
    std::optional<std::string> filter;
    std::vector<std::pair<std::string, std::string>> filterParams;   // sorted by name
    std::optional<unsigned long long> sndbuf;
    NetTeaming teaming = NetTeaming::None;
    std::optional<std::string> teamingPersistent;
    NetLinkState linkState = NetLinkState::Default;
    unsigned int mtu = 0;
    unsigned int coalesceRxFrames = 0;

    // A persistent config (ctx.inactive()) drops host-generated target names.
    static Result<InterfaceDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // The MAC address of interfaces written without one.
    static void postParseAll(DomainDef &def);
    // What each type accepts (host-side IPs, unmanaged targets, port isolation, virtio
    // options, vhostuser's model and reconnect), teaming.
    static Result<void> validateAll(const DomainDef &def);

    // The interface a statistics call names by its host-side device or its MAC address (any
    // case), or VIR_ERR_INVALID_ARG.
    static Result<const InterfaceDef *> byDevice(const std::vector<InterfaceDef> &nics, const char *device);

    bool isVirtioModel() const { return model == "virtio" || model == "virtio-transitional" || model == "virtio-non-transitional"; }
};

// Canonical lower-case form of a MAC address, or nullopt when s is not one (libvirt's
// virMacAddrParse: six groups of one or two hex digits separated by ':').
std::optional<std::string> parseMac(std::string_view s);

} // namespace vh::conf
