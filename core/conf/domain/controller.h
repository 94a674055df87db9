// <controller>: every controller type and model, its index, ports and vectors, the driver
// attributes, the PCI controller's model name, target and pcihole64, and the controllers libvirt
// adds for the devices that need one (libvirt's virDomainControllerDef).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class ControllerType { Ide, Fdc, Scsi, Sata, VirtioSerial, Ccid, Usb, Pci, Xenbus, Isa, Last };
VH_ENUM_TABLE(kControllerType, ControllerType, "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci",
              "xenbus", "isa");

struct ControllerDef {
    std::string type = "ide";
    int index = -1;                  // -1: not given; post-parse picks the first free one
    std::string model;               // by type; "" when none
    int ports = -1, vectors = -1;    // virtio-serial (ports, vectors), usb (ports)
    int maxGrantFrames = -1, maxEventChannels = -1;   // xenbus
    // <driver>
    unsigned int queues = 0, cmdPerLun = 0, maxSectors = 0, iothread = 0;
    std::optional<bool> ioeventfd;
    VirtioOptions virtio;
    // pci: <model name=>, <target>, <pcihole64>
    std::string modelName;
    int chassisNr = -1, chassis = -1, port = -1, busNr = -1, targetIndex = -1;
    std::optional<bool> hotplug;
    int numaNode = -1;
    std::optional<unsigned long long> pcihole64KiB;
    DeviceInfo info;

    static Result<ControllerDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Orders the controllers as libvirt inserts them, gives those without an index the first
    // free one, and adds the controllers the disks, smartcards and SCSI host devices need.
    static void postParseAll(DomainDef &def);
    // Checks across the family (duplicates, USB masters) and each controller's limits.
    static Result<void> validateAll(const DomainDef &def);

    // Adds a controller of this type and index unless there is one (libvirt's
    // virDomainDefMaybeAddController), keeping libvirt's order. Other families use it for the
    // controllers their devices imply.
    static void addImplicit(DomainDef &def, const std::string &type, int index, const std::string &model = {});
    // Inserts a controller where libvirt's virDomainControllerInsert puts it.
    static void insert(std::vector<ControllerDef> &controllers, ControllerDef c);
};

} // namespace vh::conf
