// What every device has besides its own settings: where it sits (<address>), its alias, its
// boot order, its ACPI index and ROM (libvirt's virDomainDeviceInfo).
#pragma once

#include <optional>
#include <string>

#include <libxml/tree.h>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

enum class AddressType {
    None, Pci, Drive, VirtioSerial, Ccid, Usb, SpaprVio, VirtioS390, Ccw, VirtioMmio, Isa, Dimm, Unassigned, Last
};
VH_ENUM_TABLE(kAddressType, AddressType, "none", "pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio",
              "virtio-s390", "ccw", "virtio-mmio", "isa", "dimm", "unassigned");

struct DeviceAddress {
    AddressType type = AddressType::None;
    // pci
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;
    std::optional<bool> multifunction;
    std::optional<unsigned int> zpciUid, zpciFid;
    // drive, virtio-serial, ccid
    unsigned int controller = 0, target = 0, unit = 0, port = 0;
    // usb ("1.2.3")
    std::string usbPort;
    // spapr-vio
    std::optional<unsigned long long> reg;
    // ccw
    unsigned int cssid = 0, ssid = 0, devno = 0;
    // isa
    unsigned int iobase = 0, irq = 0;
    // dimm
    unsigned long long base = 0;

    bool empty() const { return type == AddressType::None; }
    bool operator==(const DeviceAddress &o) const;

    static Result<DeviceAddress> parse(const xmlNode *address);
    void format(xml::Writer &w) const;
};

struct DeviceInfo {
    std::string alias;                  // kept in inactive XML only when user-chosen ("ua-...")
    DeviceAddress address;
    unsigned int bootIndex = 0;         // <boot order='N'/>, 0: none
    std::string loadparm;
    unsigned int acpiIndex = 0;
    std::optional<bool> romBar;         // <rom bar='on|off' file='...' enabled='yes|no'/>
    std::string romFile;
    std::optional<bool> romEnabled;

    // Reads the device's <alias>, <address>, <boot>, <acpi> and <rom> children.
    static Result<DeviceInfo> parse(const xmlNode *device, const ParseContext &ctx);
    // In libvirt's order: boot, alias, rom, acpi, address.
    void format(xml::Writer &w, const FormatContext &ctx, bool allowBoot = true, bool allowRom = true) const;
};

} // namespace vh::conf
