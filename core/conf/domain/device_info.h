// What every device has besides its own settings: where it sits (<address>), its alias, its
// boot order, its ACPI index and ROM (libvirt's virDomainDeviceInfo); and libvirt's way of
// reading integer attributes and PCI addresses, the virtio driver options and the per-device
// <seclabel>, which several families share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <libxml/tree.h>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

enum class AddressType {
    None, Pci, Drive, VirtioSerial, Ccid, Usb, SpaprVio, VirtioS390, Ccw, VirtioMmio, Isa, Dimm, Unassigned, Last
};
VH_ENUM_TABLE(kAddressType, AddressType, "none", "pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio",
              "virtio-s390", "ccw", "virtio-mmio", "isa", "dimm", "unassigned");

// An unsigned attribute read as libvirt's virXMLPropUInt does: strtoul in `base` (0: decimal,
// 0x hex or 0 octal; 10; 16 with an optional 0x), leading blanks and '+' accepted, negative
// values refused, with libvirt's messages. flags: PROP_REQUIRED, PROP_NONZERO.
Result<std::optional<unsigned int>> propUInt(const xmlNode *n, const char *name, int base, unsigned flags = 0);
Result<std::optional<unsigned long long>> propULL(const xmlNode *n, const char *name, int base, unsigned flags = 0);
// A signed attribute as virXMLPropInt reads it ("Expected integer value"); nonNegative refuses
// values below zero ("Expected non-negative value").
Result<std::optional<int>> propInt(const xmlNode *n, const char *name, int base, bool nonNegative = false);
// The same for a string already read (the value of an element, say); nullopt when malformed.
std::optional<unsigned long long> parseULL(const std::string &s, int base);

// A PCI address as libvirt reads it everywhere (virPCIDeviceAddressParseXML): device
// addresses, hostdev and NVMe sources. "Empty" is domain, bus and slot all zero.
struct PciDeviceAddress {
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;
    std::optional<bool> multifunction;
    bool empty() const { return !domain && !bus && !slot; }
    bool operator==(const PciDeviceAddress &o) const
    {
        return domain == o.domain && bus == o.bus && slot == o.slot && function == o.function;
    }
    static Result<PciDeviceAddress> parse(const xmlNode *n);
    // domain='0x0000' bus='0x00' slot='0x00' function='0x0'
    void formatAttrs(xml::Writer &w) const;
};

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
    PciDeviceAddress pci() const { return {domain, bus, slot, function, multifunction}; }

    static Result<DeviceAddress> parse(const xmlNode *address);
    void format(xml::Writer &w) const;
};

// What DeviceInfo::parse reads besides alias, address and ACPI index (libvirt's
// VIR_DOMAIN_DEF_PARSE_ALLOW_BOOT/ALLOW_ROM), and which address types it accepts.
enum DeviceInfoFlags : unsigned {
    INFO_BOOT = 1u << 0,          // <boot order= loadparm=>
    INFO_ROM = 1u << 1,           // <rom>
    INFO_UNASSIGNED = 1u << 2,    // <address type='unassigned'/> (host devices only)
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
    bool romFileSet = false;            // file='' is written back as such
    std::optional<unsigned int> masterStartport;   // <master startport=/> of USB companions

    // Reads the device's <alias>, <address>, <boot>, <acpi> and <rom> children.
    static Result<DeviceInfo> parse(const xmlNode *device, const ParseContext &ctx);
    // The same, reading <boot> and <rom> only where flags allow (INFO_*); others are ignored
    // as libvirt ignores them.
    static Result<DeviceInfo> parse(const xmlNode *device, const ParseContext &ctx, unsigned flags);
    // In libvirt's order: boot, alias, master, rom, acpi, address.
    void format(xml::Writer &w, const FormatContext &ctx, bool allowBoot = true, bool allowRom = true) const;

    // Checks across every device of a domain (libvirt's virDomainDefValidateAliases and the
    // boot order collection): unique user aliases, unique boot orders, no per-device boot
    // together with <os><boot dev=/>.
    static Result<void> validateAliases(const DomainDef &def);
    static Result<void> validateBootOrder(const DomainDef &def);
};

// The virtio options of a device's <driver> (iommu, ats, packed, page_per_vq).
struct VirtioOptions {
    std::optional<bool> iommu, ats, packed, pagePerVq;

    bool empty() const { return !iommu && !ats && !packed && !pagePerVq; }
    bool operator==(const VirtioOptions &) const = default;
    // Reads them from a <driver> element (nullptr: none).
    static Result<VirtioOptions> parse(const xmlNode *driver);
    // Only the attributes, into an already started <driver>.
    void formatAttrs(xml::Writer &w) const;
};

// A per-device <seclabel model= relabel=><label/></seclabel> (disk and chardev sources):
// libvirt's virSecurityDeviceLabelDef.
struct DeviceSeclabel {
    std::string model;
    std::optional<std::string> label;
    bool relabel = true;
    bool labelskip = false;     // live XML only

    bool operator==(const DeviceSeclabel &) const = default;

    // Every <seclabel> child of node: a model named twice is refused, a label longer than
    // 4096 characters ignored.
    static Result<std::vector<DeviceSeclabel>> parseAll(const xmlNode *node, const ParseContext &ctx);
    // libvirt leaves out a seclabel that relabels without naming a label.
    static void formatAll(xml::Writer &w, const std::vector<DeviceSeclabel> &labels);
};

} // namespace vh::conf
