#include "drivers/qemu/nics.h"

#include <utility>

#include "drivers/qemu/device_props.h"

namespace vh::drv::qemu {

namespace {

std::string named(const conf::InterfaceDef &n)
{
    return "interface '" + n.mac + "'";
}

// The card's QEMU device: the model's, or libvirt's default (rtl8139 on PCI machines, whose
// guests are most likely to have a driver for it; virtio on s390x, which has no other).
std::string deviceModel(const conf::DomainDef &def, const conf::InterfaceDef &n)
{
    std::string model = n.model.empty() ? (isS390(def) ? "virtio" : "rtl8139") : n.model;
    if (isS390(def))
        return model == "virtio" ? "virtio-net-ccw" : "";
    static const std::pair<const char *, const char *> kModels[] = {
        {"virtio", "virtio-net-pci"},
        {"virtio-transitional", "virtio-net-pci-transitional"},
        {"virtio-non-transitional", "virtio-net-pci-non-transitional"},
        {"e1000", "e1000"},
        {"e1000e", "e1000e"},
        {"rtl8139", "rtl8139"},
        {"ne2k_pci", "ne2k_pci"},
        {"pcnet", "pcnet"},
        {"vmxnet3", "vmxnet3"},
    };
    for (auto [xml, qemu] : kModels)
        if (model == xml)
            return qemu;
    return "";
}

std::string aliasOf(const conf::InterfaceDef &n, size_t index)
{
    return n.info.alias.empty() ? "net" + std::to_string(index) : n.info.alias;
}

} // namespace

Result<void> validateInterface(const conf::DomainDef &def, const conf::InterfaceDef &n)
{
    const std::string name = named(n);
    switch (n.netType) {
    case conf::NetType::User:
        if (!n.portForwards.empty() || !n.guestIPs.empty() || !n.guestRoutes.empty())
            return deviceRefused(name, "port forwards and guest addresses of a user network are not supported by the "
                                       "QEMU driver yet");
        break;
    case conf::NetType::Ethernet:
        // creating a tap needs CAP_NET_ADMIN; one made beforehand QEMU opens by name
        if (n.targetDev.empty() || n.targetManaged != false)
            return deviceRefused(name, "type 'ethernet' needs an existing tap device (<target dev='tapN' managed='no'/>); "
                                       "creating one needs privileges the QEMU driver does not use");
        if (n.script || n.downscript || !n.hostIPs.empty() || !n.hostRoutes.empty())
            return deviceRefused(name, "scripts and host-side addresses of an 'ethernet' interface are not supported "
                                       "by the QEMU driver yet");
        break;
    case conf::NetType::Network:
        return deviceRefused(name, "type 'network' needs the network driver, which the QEMU driver does not use yet");
    case conf::NetType::Bridge:
    case conf::NetType::Direct:
    case conf::NetType::Hostdev:
    case conf::NetType::Vdpa:
        return deviceRefused(name, "type '" + n.type +
                                       "' needs host network setup as root, which the QEMU driver does not do yet");
    default:
        return deviceRefused(name, "type '" + n.type + "' is not supported by the QEMU driver yet");
    }
    if (deviceModel(def, n).empty())
        return deviceRefused(name, "model '" + n.model + "' is not supported by the QEMU driver" +
                                       (isS390(def) ? std::string(" on s390x (virtio is)") : std::string(" yet")));
    bool offloads = false;
    for (const auto &o : n.hostOffloads)
        offloads |= o.has_value();
    for (const auto &o : n.guestOffloads)
        offloads |= o.has_value();
    const std::pair<bool, const char *> unmapped[] = {
        {n.driverName != conf::NetDriverName::Default || n.txmode != conf::NetTxMode::Default || n.queues ||
             n.rxQueueSize || n.txQueueSize || n.ioeventfd || n.eventIdx || n.rss || n.rssHashReport ||
             !n.virtio.empty() || offloads,
         "<driver> settings"},
        {n.bandwidth.has_value() || n.vlan.has_value() || n.virtualport.has_value() || n.port.isolated.has_value(),
         "bandwidth, vlan, virtualport and port settings"},
        {n.filter.has_value(), "<filterref>"},
        {n.mtu != 0, "<mtu>"},
        {n.linkState == conf::NetLinkState::Down, "<link state='down'>"},
        {n.teaming != conf::NetTeaming::None, "<teaming>"},
        {n.backendTap || n.backendVhost || n.backendLogFile, "<backend>"},
        {n.coalesceRxFrames != 0, "<coalesce>"},
        {n.sndbuf.has_value(), "<tune>"},
        {n.info.romBar.has_value() || !n.info.romFile.empty() || n.info.romEnabled.has_value(), "<rom>"},
    };
    for (const auto &[present, what] : unmapped) {
        if (present)
            return deviceRefused(name, std::string(what) + " are not supported by the QEMU driver yet");
    }
    VH_TRY(addressProps(def, n.info, name));
    return {};
}

Result<NicArgs> nicArgs(const conf::DomainDef &def, size_t index)
{
    const conf::InterfaceDef &n = def.devices.interfaces.at(index);
    VH_TRY(validateInterface(def, n));
    std::string alias = aliasOf(n, index);
    std::string netdevId = "host" + alias;
    NicArgs out;
    if (n.netType == conf::NetType::Ethernet)
        out.netdev = "tap,id=" + optEscape(netdevId) + ",ifname=" + optEscape(n.targetDev) + ",script=no,downscript=no";
    else
        out.netdev = "user,id=" + optEscape(netdevId);
    auto addr = addressProps(def, n.info, named(n));
    if (!addr)
        return std::move(addr).error();
    out.device = deviceModel(def, n) + ",netdev=" + optEscape(netdevId) + ",id=" + optEscape(alias) + ",mac=" + n.mac +
                 bootProps(n.info) + *addr;
    return out;
}

Result<void> appendInterfaces(const conf::DomainDef &def, std::vector<std::string> &argv)
{
    for (size_t i = 0; i < def.devices.interfaces.size(); ++i) {
        auto nic = nicArgs(def, i);
        if (!nic)
            return std::move(nic).error();
        argv.insert(argv.end(), {"-netdev", nic->netdev, "-device", nic->device});
    }
    return {};
}

} // namespace vh::drv::qemu
