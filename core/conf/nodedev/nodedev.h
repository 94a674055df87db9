// A host device (<device>) as the node device driver lists it: name, sysfs path, device
// nodes, parent, driver, and its capabilities (<capability type=...>): system, pci (with SR-IOV
// functions, bridges, mediated device types, VPD, IOMMU group, NUMA node, PCIe links),
// usb_device, usb, net, scsi_host (fc_host, vport_ops), scsi_target, scsi, storage, drm, mdev,
// ccw, css, vdpa, ap_card, ap_queue and ap_matrix.
//
// Documents are read as libvirt reads an existing device (the name is required, nothing is
// generated). libvirt makes its checks while reading, so there is no separate validation.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conf/props.h"
#include "util/result.h"

namespace vh::conf {

// virNodeDevCapType, in libvirt's order (its messages name a type by its index).
enum class NodeDevCapType {
    System, Pci, UsbDevice, Usb, Net, ScsiHost, ScsiTarget, Scsi, Storage, FcHost, Vports, ScsiGeneric, Drm,
    MdevTypes, Mdev, Ccw, Css, Vdpa, ApCard, ApQueue, ApMatrix, Vpd, Last
};
VH_ENUM_TABLE(kNodeDevCapType, NodeDevCapType, "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target",
              "scsi", "storage", "fc_host", "vports", "scsi_generic", "drm", "mdev_types", "mdev", "ccw", "css", "vdpa",
              "ap_card", "ap_queue", "ap_matrix", "vpd");

enum class NodeDevDevnodeType { Dev, Link, Last };
VH_ENUM_TABLE(kNodeDevDevnodeType, NodeDevDevnodeType, "dev", "link");

enum class NodeDevDrmType { Primary, Control, Render, Last };
VH_ENUM_TABLE(kNodeDevDrmType, NodeDevDrmType, "primary", "control", "render");

// virNetDevIfState ("" is "not reported")
enum class NodeDevLinkState { None, Unknown, NotPresent, Down, LowerLayerDown, Testing, Dormant, Up, Last };
VH_ENUM_TABLE(kNodeDevLinkState, NodeDevLinkState, "", "unknown", "notpresent", "down", "lowerlayerdown", "testing",
              "dormant", "up");

// virNetDevFeature
enum class NodeDevNetFeature { Rx, Tx, Sg, Tso, Gso, Gro, Lro, Rxvlan, Txvlan, Ntuple, Rxhash, Rdma, Txudptnl, Switchdev, Last };
VH_ENUM_TABLE(kNodeDevNetFeature, NodeDevNetFeature, "rx", "tx", "sg", "tso", "gso", "gro", "lro", "rxvlan", "txvlan",
              "ntuple", "rxhash", "rdma", "txudptnl", "switchdev");

enum class NodeDevNetType { None, Ieee80203, Ieee80211, Last };
VH_ENUM_TABLE(kNodeDevNetType, NodeDevNetType, "", "80203", "80211");

enum class NodeDevPcieSpeed { None, S2_5, S5, S8, S16, S32, S64, Last };
VH_ENUM_TABLE(kNodeDevPcieSpeed, NodeDevPcieSpeed, "", "2.5", "5", "8", "16", "32", "64");

enum class NodeDevPciHeader { None, Endpoint, PciBridge, CardbusBridge, Last };
VH_ENUM_TABLE(kNodeDevPciHeader, NodeDevPciHeader, "", "endpoint", "pci-bridge", "cardbus-bridge");

struct NodeDevPciAddress {
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;
};

// A mediated device type a parent offers (<capability type='mdev_types'><type id=...>).
struct NodeDevMdevType {
    std::string id;
    std::optional<std::string> name;
    std::string deviceApi;
    unsigned int availableInstances = 0;
};

// PCI Vital Product Data (<capability type='vpd'>).
struct NodeDevVpd {
    struct Field {
        char index;
        std::string value;
    };
    struct ReadOnly {
        std::optional<std::string> changeLevel, manufactureId, partNumber, serialNumber;
        std::vector<Field> vendor;
    };
    struct ReadWrite {
        std::optional<std::string> assetTag;
        std::vector<Field> vendor, system;
    };
    std::string name;
    std::optional<ReadOnly> ro;
    std::optional<ReadWrite> rw;
};

struct NodeDevPcieLink {
    int port = -1;
    NodeDevPcieSpeed speed = NodeDevPcieSpeed::None;
    unsigned int width = 0;
};

struct NodeDevCcwAddress {
    unsigned int cssid = 0, ssid = 0, devno = 0;
};

// One <capability>; the members of its type are used.
struct NodeDevCap {
    NodeDevCapType type = NodeDevCapType::System;

    // system
    std::optional<std::string> productName;
    std::optional<std::string> hwVendor, hwVersion, hwSerial;
    unsigned char hwUuid[16] = {};
    std::optional<std::string> fwVendor, fwVersion, fwReleaseDate;

    // pci, usb_device (ids), usb (numbers)
    int pciClass = -1;
    NodeDevPciAddress pciAddr;
    unsigned int vendorId = 0, productId = 0;
    std::optional<std::string> vendorName;          // productName above is shared
    std::optional<NodeDevPciAddress> physFunction;
    bool hasVirtFunctions = false;
    unsigned int maxVirtFunctions = 0;
    std::vector<NodeDevPciAddress> virtFunctions;
    NodeDevPciHeader hdrType = NodeDevPciHeader::None;
    std::vector<NodeDevMdevType> mdevTypes;         // pci, css, ap_matrix
    std::optional<NodeDevVpd> vpd;
    unsigned int iommuGroup = 0;
    std::vector<NodeDevPciAddress> iommuGroupDevices;
    int numaNode = -1;
    bool hasPcie = false;
    std::optional<NodeDevPcieLink> linkCap, linkSta;

    // usb_device
    unsigned int usbBus = 0, usbDevice = 0;
    // usb
    unsigned int usbNumber = 0, usbClass = 0, usbSubclass = 0, usbProtocol = 0;
    std::optional<std::string> usbDescription;

    // net
    std::string ifname;
    std::optional<std::string> macAddress;
    NodeDevLinkState linkState = NodeDevLinkState::None;
    unsigned int linkSpeed = 0;
    unsigned int netFeatures = 0;                    // bits of NodeDevNetFeature
    NodeDevNetType netType = NodeDevNetType::None;

    // scsi_host
    unsigned int scsiHost = 0;
    int uniqueId = -1;
    bool hasFcHost = false, hasVportOps = false;
    std::string wwnn, wwpn;
    std::optional<std::string> fabricWwn;
    unsigned int maxVports = 0, vports = 0;          // reported by the host, never read

    // scsi_target
    std::string scsiTargetName;
    bool hasFcRemotePort = false;
    std::string rport, rportWwpn;

    // scsi
    unsigned int scsiBus = 0, scsiTarget = 0, scsiLun = 0;   // and scsiHost
    std::optional<std::string> scsiType;

    // storage
    std::string block;
    std::optional<std::string> storageBus, driveType, model, storageVendor, serial;
    bool removable = false, mediaAvailable = false, hotpluggable = false;
    unsigned long long size = 0, mediaSize = 0;
    std::optional<std::string> mediaLabel;

    // drm
    NodeDevDrmType drmType = NodeDevDrmType::Primary;

    // mdev
    std::string mdevType;
    std::optional<std::string> mdevUuid;
    unsigned int mdevIommuGroup = 0;
    std::vector<std::pair<std::string, std::string>> mdevAttrs;

    // ccw, css
    NodeDevCcwAddress ccw;
    std::optional<NodeDevCcwAddress> channelDevAddr;

    // vdpa, scsi_generic (formatted for drivers; libvirt does not read them)
    std::string chardev;

    // ap_card, ap_queue
    unsigned int apAdapter = 0, apDomain = 0;
};

struct NodeDeviceDef {
    std::string name;
    std::optional<std::string> sysfsPath;
    std::optional<std::string> devnode;
    std::vector<std::string> devlinks;
    std::optional<std::string> parent;
    std::optional<std::string> parentWwnn, parentWwpn, parentFabricWwn;   // read, never printed
    std::optional<std::string> driver;          // filled by drivers, never read
    std::vector<NodeDevCap> caps;
};

Result<std::unique_ptr<NodeDeviceDef>> parseNodeDevice(std::string_view xml, unsigned int flags);
std::string formatNodeDevice(const NodeDeviceDef &def, unsigned int flags);

} // namespace vh::conf
