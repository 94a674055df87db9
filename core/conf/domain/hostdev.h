// <hostdev>: a host device given to the guest. mode='subsystem' with type pci, usb, scsi
// (adapter or iSCSI), scsi_host (vhost) and mdev (vfio-pci, vfio-ccw, vfio-ap with display and
// ramfb); mode='capabilities' with storage, misc and net (libvirt's virDomainHostdevDef).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

// An <ip> or <route> of a capabilities net hostdev, kept as written.
struct HostdevIP {
    std::string address, family, peer;
    unsigned int prefix = 0;
};
struct HostdevRoute {
    std::optional<std::string> family, address, netmask, gateway;
    std::optional<unsigned int> prefix, metric;
};

struct HostdevDef {
    std::string mode = "subsystem";  // subsystem, capabilities
    std::string type;                // pci usb scsi scsi_host mdev | storage misc net
    bool managed = false;
    std::string model;               // mdev: vfio-pci vfio-ccw vfio-ap; scsi_host: virtio...
    std::optional<bool> display, ramfb;       // mdev
    std::string sgio;                // scsi: filtered, unfiltered
    std::optional<bool> rawio;       // scsi
    bool readonly = false, shareable = false;  // scsi
    std::string startupPolicy;       // usb
    // pci
    std::string driverName;          // kvm, vfio, xen
    PciDeviceAddress pciAddress;
    std::optional<bool> writeFiltering;
    std::optional<std::string> teamingPersistent;   // <teaming type='transient' persistent=>
    // usb
    std::string guestReset;          // off, uninitialized, on
    unsigned int vendor = 0, product = 0, usbBus = 0, usbDevice = 0;
    // scsi: adapter + address, or iSCSI
    bool iscsi = false;
    std::string adapter;
    unsigned int scsiBus = 0, scsiTarget = 0;
    unsigned long long scsiUnit = 0;
    std::string iscsiName;
    struct Host {
        std::string name;
        unsigned int port = 0;
        std::string transport, socket;
    };
    std::vector<Host> iscsiHosts;
    struct Auth {
        std::string username, authType, secretType, uuid, usage;
    };
    std::optional<Auth> iscsiAuth;
    std::optional<std::string> initiatorIqn;
    // scsi_host
    std::string wwpn;
    // mdev
    std::string uuid;
    // capabilities: block, char or interface name, and a net's addresses
    std::string capsSource;
    std::vector<HostdevIP> ips;
    std::vector<HostdevRoute> routes;
    DeviceInfo info;

    bool isScsi() const { return mode == "subsystem" && type == "scsi"; }

    static Result<HostdevDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Drive addresses for SCSI host devices that have none (libvirt's
    // virDomainHostdevAssignAddress); the controller family calls it before adding the SCSI
    // controllers they need.
    static void assignAddresses(DomainDef &def);
    // Defaults over every device of this family.
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, address conflicts) at define and start.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
