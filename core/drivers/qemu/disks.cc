#include "drivers/qemu/disks.h"

#include <cerrno>
#include <utility>

#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/qemu/device_props.h"
#include "drivers/qemu/monitor.h"

namespace vh::drv::qemu {

namespace {

std::string named(const conf::DiskDef &d)
{
    return "disk '" + d.targetDev + "'";
}

std::string formatOf(const conf::DiskDef &d)
{
    return d.driverType.empty() ? "raw" : d.driverType;
}

bool hasMedium(const conf::DiskDef &d)
{
    return !d.source.empty();
}

// <driver cache=>: QEMU's write-cache of the device, cache.direct and cache.no-flush of the nodes.
struct CacheMode {
    bool writeback, direct, noFlush;
};

std::optional<CacheMode> cacheMode(const std::string &cache)
{
    if (cache == "none")
        return CacheMode{true, true, false};
    if (cache == "writeback")
        return CacheMode{true, false, false};
    if (cache == "writethrough")
        return CacheMode{false, false, false};
    if (cache == "directsync")
        return CacheMode{false, true, false};
    if (cache == "unsafe")
        return CacheMode{true, false, true};
    return std::nullopt;
}

const conf::ControllerDef *controllerOf(const conf::DomainDef &def, const std::string &type, unsigned index)
{
    for (const auto &c : def.devices.controllers)
        if (c.type == type && c.index == static_cast<int>(index))
            return &c;
    return nullptr;
}

// A SCSI controller's model as libvirt's QEMU driver picks it when none is given: the LSI
// adapter where the machine has PCI and QEMU the device, virtio-scsi on s390x.
std::string scsiModel(const conf::DomainDef &def, const conf::ControllerDef *c)
{
    if (c && !c->model.empty())
        return c->model;
    return isS390(def) ? "virtio-scsi" : "lsilogic";
}

// The bus QEMU puts a SATA disk on: the built-in AHCI of q35 is called "ide".
std::string sataBus(const conf::DomainDef &def, unsigned controller)
{
    return isQ35(def) && controller == 0 ? std::string("ide") : "sata" + std::to_string(controller);
}

} // namespace

Result<void> validateStorageController(const conf::DomainDef &def, const conf::ControllerDef &c)
{
    std::string name = "controller '" + c.type + "' index " + std::to_string(c.index);
    if (c.queues || c.cmdPerLun || c.maxSectors || c.iothread || c.ioeventfd || !c.virtio.empty())
        return deviceRefused(name, "<driver> settings are not supported by the QEMU driver yet");
    if (c.type == "ide") {
        // the i440fx machine's own PIIX3 IDE, and nothing else
        if (!isI440fx(def))
            return deviceRefused(name, "machine '" + machineFor(def) + "' has no IDE controller");
        if (c.index != 0)
            return deviceRefused(name, "only the machine's built-in IDE controller (index 0) exists");
        if (!c.model.empty() && c.model != "piix3")
            return deviceRefused(name, "model '" + c.model + "' is not supported (the built-in controller is a piix3)");
        return {};
    }
    if (c.type == "sata") {
        if (isS390(def))
            return deviceRefused(name, "SATA is not available on s390x");
        VH_TRY(addressProps(def, c.info, name));
        return {};
    }
    if (c.type == "scsi") {
        std::string model = scsiModel(def, &c);
        if (model == "lsilogic" && isS390(def))
            return deviceRefused(name, "model 'lsilogic' is not available on s390x");
        if (model != "virtio-scsi" && model != "lsilogic")
            return deviceRefused(name, "model '" + model +
                                           "' is not supported by the QEMU driver yet (virtio-scsi and lsilogic are)");
        VH_TRY(addressProps(def, c.info, name));
        return {};
    }
    return deviceRefused(name, "this controller type is not supported by the QEMU driver yet");
}

Result<void> validateDisk(const conf::DomainDef &def, const conf::DiskDef &d)
{
    const std::string name = named(d);
    if (d.type == "network")
        return deviceRefused(name, "network disks (protocol '" + std::string(conf::kDiskProtocol.name(d.src.protocol)) +
                                       "') are not supported by the QEMU driver yet");
    if (d.type != "file" && d.type != "block")
        return deviceRefused(name, "source type '" + d.type + "' is not supported by the QEMU driver yet (file and block are)");
    if (d.device != "disk" && d.device != "cdrom")
        return deviceRefused(name, "device '" + d.device + "' is not supported by the QEMU driver yet (disk and cdrom are)");
    if (!d.driverName.empty() && d.driverName != "qemu")
        return deviceRefused(name, "driver name '" + d.driverName + "' is not 'qemu'");
    std::string fmt = formatOf(d);
    if (fmt != "raw" && fmt != "qcow2")
        return deviceRefused(name, "format '" + fmt + "' is not supported by the QEMU driver yet (raw and qcow2 are)");
    if (!d.model.empty() && d.model != "virtio")
        return deviceRefused(name, "model '" + d.model + "' is not supported by the QEMU driver yet");

    // what the disk's bus needs of the machine
    const std::string &bus = d.targetBus;
    const conf::DeviceAddress &a = d.info.address;
    if (bus == "virtio") {
        if (d.device == "cdrom")
            return deviceRefused(name, "a CD-ROM cannot be on bus 'virtio'");
        VH_TRY(addressProps(def, d.info, name));
    } else if (bus == "ide" || bus == "sata" || bus == "scsi") {
        if (isS390(def) && bus != "scsi")
            return deviceRefused(name, "bus '" + bus + "' is not available on machine '" + machineFor(def) + "'");
        if (a.type != conf::AddressType::Drive)
            return deviceRefused(name, "bus '" + bus + "' needs a drive address");
        if (bus == "ide") {
            if (!isI440fx(def))
                return deviceRefused(name, "bus 'ide' is not available on machine '" + machineFor(def) + "'");
            if (a.controller != 0 || a.bus > 1 || a.unit > 1 || a.target != 0)
                return deviceRefused(name, "the machine's IDE controller has buses 0-1 with units 0-1 only");
        } else if (bus == "sata") {
            if (a.bus != 0 || a.target != 0 || a.unit > 5)
                return deviceRefused(name, "a SATA controller has bus 0 with units 0-5 only");
        } else if (scsiModel(def, controllerOf(def, "scsi", a.controller)) == "lsilogic" && (a.target != 0 || a.unit > 6)) {
            return deviceRefused(name, "an lsilogic SCSI controller has target 0 with units 0-6 only");
        }
        if (d.device == "disk" && d.readonly && bus != "scsi")
            return deviceRefused(name, "readonly " + bus + " disks are not supported");
    } else {
        return deviceRefused(name, "bus '" + bus + "' is not supported by the QEMU driver yet (virtio, sata, ide and scsi are)");
    }

    // <driver> settings
    if (!d.cache.empty() && !cacheMode(d.cache))
        return deviceRefused(name, "cache mode '" + d.cache + "' is not supported");
    if (!d.io.empty() && d.io != "native" && d.io != "threads" && d.io != "io_uring")
        return deviceRefused(name, "io mode '" + d.io + "' is not supported");
    // QEMU refuses native AIO on a page-cached file
    if (d.io == "native" && d.cache != "none" && d.cache != "directsync")
        return deviceRefused(name, "io='native' needs cache='none' or cache='directsync'");
    if (!d.discard.empty() && d.discard != "unmap" && d.discard != "ignore")
        return deviceRefused(name, "discard mode '" + d.discard + "' is not supported");
    if (!d.detectZeroes.empty() && d.detectZeroes != "off" && d.detectZeroes != "on" && d.detectZeroes != "unmap")
        return deviceRefused(name, "detect_zeroes mode '" + d.detectZeroes + "' is not supported");
    for (const std::string *policy : {&d.errorPolicy, &d.rerrorPolicy}) {
        if (!policy->empty() && *policy != "stop" && *policy != "report" && *policy != "ignore" && *policy != "enospace")
            return deviceRefused(name, "error policy '" + *policy + "' is not supported");
    }
    if (d.rerrorPolicy == "enospace")
        return deviceRefused(name, "rerror_policy 'enospace' is not a read error policy");
    // libvirt's rule: only formats that can be written by two guests at once may be shared
    if (d.shareable && !d.readonly && fmt != "raw")
        return deviceRefused(name, "shared access for disk '" + d.targetDev + "' requires use of supported storage format");

    // what is not mapped yet is refused rather than dropped
    const std::pair<bool, const char *> unmapped[] = {
        {d.iothread || d.queues || d.queueSize, "<driver> iothread, queues and queue_size"},
        {d.ioeventfd || d.eventIdx || d.copyOnRead || !d.virtio.empty(),
         "<driver> ioeventfd, event_idx, copy_on_read and virtio options"},
        {!d.iotune.empty(), "<iotune>"},
        {d.cyls || d.heads || d.secs || !d.geometryTrans.empty(), "<geometry>"},
        {d.logicalBlockSize || d.physicalBlockSize, "<blockio>"},
        {d.rawio.has_value() || !d.sgio.empty(), "rawio and sgio"},
        {d.transient, "<transient>"},
        {d.wwn || d.vendor || d.product, "wwn, vendor and product"},
        {d.src.encryption.has_value(), "<encryption>"},
        {d.src.reservations.has_value(), "<reservations>"},
        {d.src.slice.has_value(), "<slices>"},
        {!d.backing.layers.empty(), "an explicit <backingStore> (QEMU opens the backing chain the image names)"},
        {d.mirror.has_value(), "<mirror>"},
        {d.startupPolicy == "optional", "startupPolicy 'optional'"},
        {d.rotationRate != 0, "rotation_rate"},
        {d.removable.has_value(), "removable"},
        {d.trayOpen, "an open tray"},
        {d.backendDomain.has_value(), "<backenddomain>"},
    };
    for (const auto &[present, what] : unmapped) {
        if (present)
            return deviceRefused(name, std::string(what) + " is not supported by the QEMU driver yet");
    }
    return {};
}

unsigned diskNodeIndex(const conf::DomainDef &def, size_t i)
{
    return static_cast<unsigned>(def.devices.disks.size() - i);
}

DiskNodes diskNodes(const conf::DiskDef &d, unsigned nodeIndex)
{
    DiskNodes nodes;
    if (!hasMedium(d))
        return nodes;
    std::string prefix = "libvirt-" + std::to_string(nodeIndex);
    auto cache = cacheMode(d.cache);
    OrderedJson cacheProps;
    if (cache)
        cacheProps = OrderedJson{{"direct", cache->direct}, {"no-flush", cache->noFlush}};

    OrderedJson &s = nodes.storage;
    s["driver"] = d.type == "block" ? (d.device == "cdrom" ? "host_cdrom" : "host_device") : "file";
    s["filename"] = d.source;
    if (!d.io.empty())
        s["aio"] = d.io;
    s["node-name"] = prefix + "-storage";
    if (cache)
        s["cache"] = cacheProps;
    s["auto-read-only"] = true;
    s["discard"] = "unmap";

    OrderedJson &f = nodes.format;
    f["node-name"] = prefix + "-format";
    f["read-only"] = d.readonly;
    if (!d.discard.empty())
        f["discard"] = d.discard;
    if (!d.detectZeroes.empty())
        // unmapping zeroes needs discard to reach the file
        f["detect-zeroes"] = d.detectZeroes == "unmap" && d.discard != "unmap" ? "on" : d.detectZeroes;
    if (cache)
        f["cache"] = cacheProps;
    f["driver"] = formatOf(d);
    f["file"] = prefix + "-storage";
    return nodes;
}

std::string diskAlias(const conf::DomainDef &def, const conf::DiskDef &d)
{
    if (!d.info.alias.empty())
        return d.info.alias;
    const conf::DeviceAddress &a = d.info.address;
    // "ide" {0, 1, 0} -> "ide0-1-0"
    auto join = [](const std::string &prefix, std::initializer_list<unsigned> parts) {
        std::string s = prefix;
        const char *sep = "";
        for (unsigned p : parts) {
            s += sep + std::to_string(p);
            sep = "-";
        }
        return s;
    };
    if (d.targetBus == "virtio")
        return "virtio-disk" + std::to_string(conf::DiskDef::nameToIndex(d.targetDev));
    if (d.targetBus == "scsi") {
        if (scsiModel(def, controllerOf(def, "scsi", a.controller)) == "lsilogic")
            return join("scsi", {a.controller, a.bus, a.unit});
        return join("scsi", {a.controller, a.bus, a.target, a.unit});
    }
    return join(d.targetBus, {a.controller, a.bus, a.unit});
}

Result<std::string> diskDevice(const conf::DomainDef &def, const conf::DiskDef &d, const DiskNodes &nodes)
{
    const conf::DeviceAddress &a = d.info.address;
    bool cdrom = d.device == "cdrom";
    std::string alias = diskAlias(def, d);
    std::string dev;
    if (d.targetBus == "virtio") {
        dev = isS390(def) ? "virtio-blk-ccw" : "virtio-blk-pci";
        auto addr = addressProps(def, d.info, named(d));
        if (!addr)
            return std::move(addr).error();
        dev += *addr;
    } else if (d.targetBus == "ide") {
        dev = std::string(cdrom ? "ide-cd" : "ide-hd") + ",bus=ide." + std::to_string(a.bus) + ",unit=" + std::to_string(a.unit);
    } else if (d.targetBus == "sata") {
        dev = std::string(cdrom ? "ide-cd" : "ide-hd") + ",bus=" + sataBus(def, a.controller) + "." + std::to_string(a.unit);
    } else if (d.targetBus == "scsi") {
        dev = cdrom ? "scsi-cd" : "scsi-hd";
        std::string controller = "scsi" + std::to_string(a.controller);
        if (scsiModel(def, controllerOf(def, "scsi", a.controller)) == "lsilogic")
            dev += ",bus=" + controller + "." + std::to_string(a.bus) + ",scsi-id=" + std::to_string(a.unit);
        else
            dev += ",bus=" + controller + ".0,channel=" + std::to_string(a.bus) + ",scsi-id=" + std::to_string(a.target) +
                   ",lun=" + std::to_string(a.unit);
        // the SCSI inquiry's device identification: the serial when there is one
        dev += ",device_id=" + optEscape(d.serial ? *d.serial : "drive-" + alias);
    } else {
        return deviceRefused(named(d), "bus '" + d.targetBus + "' is not supported by the QEMU driver yet");
    }
    if (d.shareable)
        dev += ",share-rw=on";
    if (!nodes.empty())
        dev += ",drive=" + nodes.formatNode();
    dev += ",id=" + optEscape(alias);
    dev += bootProps(d.info);
    if (auto cache = cacheMode(d.cache))
        dev += std::string(",write-cache=") + (cache->writeback ? "on" : "off");
    if (d.serial)
        dev += ",serial=" + optEscape(*d.serial);
    auto policy = [](const std::string &p) { return p == "enospace" ? std::string("enospc") : p; };
    if (!d.errorPolicy.empty())
        dev += ",werror=" + policy(d.errorPolicy);
    // <driver error_policy> alone covers reads too, as in libvirt
    std::string readPolicy = !d.rerrorPolicy.empty() ? d.rerrorPolicy : d.errorPolicy == "enospace" ? "" : d.errorPolicy;
    if (!readPolicy.empty())
        dev += ",rerror=" + readPolicy;
    return dev;
}

Result<std::string> controllerDevice(const conf::DomainDef &def, const conf::ControllerDef &c)
{
    std::string name = "controller '" + c.type + "' index " + std::to_string(c.index);
    std::string id = c.info.alias.empty() ? c.type + std::to_string(c.index) : c.info.alias;
    std::string dev;
    if (c.type == "ide")
        return std::string();    // the machine's own
    if (c.type == "sata") {
        if (isQ35(def) && c.index == 0)
            return std::string();
        dev = "ahci";
    } else if (c.type == "scsi") {
        std::string model = scsiModel(def, &c);
        dev = model == "lsilogic" ? "lsi" : isS390(def) ? "virtio-scsi-ccw" : "virtio-scsi-pci";
    } else {
        return deviceRefused(name, "this controller type is not supported by the QEMU driver yet");
    }
    auto addr = addressProps(def, c.info, name);
    if (!addr)
        return std::move(addr).error();
    return dev + ",id=" + optEscape(id) + *addr;
}

Result<void> appendStorage(const conf::DomainDef &def, std::vector<std::string> &argv)
{
    // libvirt's order: SCSI controllers, then IDE, then SATA
    for (const char *type : {"scsi", "ide", "sata"}) {
        for (const auto &c : def.devices.controllers) {
            if (c.type != type)
                continue;
            auto dev = controllerDevice(def, c);
            if (!dev)
                return std::move(dev).error();
            if (!dev->empty())
                argv.insert(argv.end(), {"-device", *dev});
        }
    }
    const auto &disks = def.devices.disks;
    for (size_t i = 0; i < disks.size(); ++i) {
        DiskNodes nodes = diskNodes(disks[i], diskNodeIndex(def, i));
        if (!nodes.empty())
            argv.insert(argv.end(), {"-blockdev", nodes.storage.dump(), "-blockdev", nodes.format.dump()});
        auto dev = diskDevice(def, disks[i], nodes);
        if (!dev)
            return std::move(dev).error();
        argv.insert(argv.end(), {"-device", *dev});
    }
    return {};
}

Result<void> checkDiskSources(const conf::DomainDef &def)
{
    for (const auto &d : def.devices.disks) {
        if (!hasMedium(d) || (d.type != "file" && d.type != "block"))
            continue;
        if (access(d.source.c_str(), F_OK) < 0)
            return Error::system(VIR_FROM_STORAGE, errno,
                                 "Cannot access storage file '" + d.source + "' (as uid:" + std::to_string(getuid()) +
                                     ", gid:" + std::to_string(getgid()) + ")");
    }
    return {};
}

Result<std::map<std::string, std::string>> liveFormatNodes(Monitor &monitor)
{
    auto blocks = monitor.execute("query-block");
    if (!blocks)
        return std::move(blocks).error();
    std::map<std::string, std::string> out;
    const std::string peripheral = "/machine/peripheral/";
    for (const auto &b : *blocks) {
        if (!b.contains("inserted"))
            continue;
        // qdev is the device's id, or its QOM path: /machine/peripheral/ID/virtio-backend
        std::string qdev = b.value("qdev", std::string());
        if (qdev.rfind(peripheral, 0) == 0)
            qdev = qdev.substr(peripheral.size(), qdev.find('/', peripheral.size()) - peripheral.size());
        out[qdev] = b["inserted"].value("node-name", std::string());
    }
    return out;
}

} // namespace vh::drv::qemu
