#include "drivers/qemu/command_line.h"

#include <algorithm>

#include <libvirt/virterror.h>

#include "drivers/qemu/capabilities.h"
#include "drivers/qemu/device_props.h"
#include "drivers/qemu/disks.h"
#include "drivers/qemu/graphics.h"
#include "drivers/qemu/nics.h"
#include "util/uuid.h"

namespace vh::drv::qemu {

namespace {

Error unsupported(const std::string &what)
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED, what + " is not supported by the QEMU driver yet");
}

// A character device's backend (-chardev), for the source types mapped so far.
Result<std::string> chardevBackend(const conf::ChardevSource &src, const std::string &id)
{
    switch (src.type) {
    case conf::ChrType::Null:
        return "null,id=" + id;
    case conf::ChrType::Pty:
        return "pty,id=" + id;
    case conf::ChrType::File:
        return "file,id=" + id + ",path=" + optEscape(src.path) + (src.append.value_or(false) ? ",append=on" : "");
    case conf::ChrType::Unix:
        return "socket,id=" + id + ",path=" + optEscape(src.path) + (src.listen ? ",server=on,wait=off" : "");
    default:
        return unsupported("character device type '" + std::string(conf::kChrType.name(src.type)) + "'");
    }
}

} // namespace

std::string emulatorFor(const conf::DomainDef &def)
{
    if (!def.devices.emulator.empty())
        return def.devices.emulator;
    return "/usr/bin/qemu-system-" + (def.os.arch.empty() ? std::string("x86_64") : def.os.arch);
}

bool hasBalloon(const conf::DomainDef &def)
{
    return std::any_of(def.devices.memballoons.begin(), def.devices.memballoons.end(),
                       [](const conf::MemballoonDef &m) { return m.model == "virtio"; });
}

std::string mdevPath(const std::string &uuid)
{
    return "/sys/bus/mdev/devices/" + uuid;
}

Result<void> validateForQemu(const conf::DomainDef &def)
{
    const conf::DevicesDef &d = def.devices;
    if (def.os.type != "hvm")
        return unsupported("OS type '" + def.os.type + "'");
    for (const auto &disk : d.disks)
        VH_TRY(validateDisk(def, disk));
    for (const auto &net : d.interfaces)
        VH_TRY(validateInterface(def, net));
    VH_TRY(validateDisplay(def));
    // mediated devices: vfio-ap (s390x crypto adapters), at most one per domain
    int vfioAp = 0;
    for (const auto &h : d.hostdevs) {
        if (h.mode != "subsystem" || h.type != "mdev" || h.model != "vfio-ap")
            return unsupported("hostdev of type '" + h.type + "'" + (h.model.empty() ? "" : " model '" + h.model + "'"));
        ++vfioAp;
    }
    if (vfioAp > 1)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED, "Only one hostdev of model vfio-ap is supported");
    if (vfioAp) {
        // the binary decides: only QEMUs for s390x have the device
        auto caps = probeEmulator(emulatorFor(def));
        if (!caps || !caps->hasDevice("vfio-ap"))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "hostdev model vfio-ap needs a QEMU with the vfio-ap device; " + emulatorFor(def) + " has none");
    }
    for (const auto &c : d.controllers) {
        bool implicit = (c.type == "pci" && (c.model == "pci-root" || c.model.empty())) ||
                        (c.type == "usb" && c.model == "none");
        if (c.type == "ide" || c.type == "sata" || c.type == "scsi")
            VH_TRY(validateStorageController(def, c));
        else if (!implicit)
            return unsupported("controller '" + c.type + (c.model.empty() ? "" : "' model '" + c.model) + "'");
    }
    for (const auto &in : d.inputs) {
        if (!in.bus || *in.bus != conf::InputBus::Ps2)
            return unsupported("input '" + std::string(conf::kInputType.name(in.type)) + "'");
    }
    for (const auto &m : d.memballoons) {
        if (m.model != "none" && m.model != "virtio")
            return unsupported("memballoon model '" + m.model + "'");
    }
    for (const auto *list : {&d.serials, &d.consoles}) {
        for (const auto &c : *list) {
            if (c.mirrorsSerial)
                continue;
            auto backend = chardevBackend(c.source, "check");
            if (!backend)
                return std::move(backend).error();
        }
    }
    if (!d.parallels.empty() || !d.channels.empty() || !d.filesystems.empty() || !d.smartcards.empty() ||
        !d.tpms.empty() || !d.sounds.empty() || !d.redirdevs.empty() || !d.hubs.empty() || !d.watchdogs.empty() ||
        !d.rngs.empty() || !d.panics.empty() || !d.shmems.empty() || !d.memories.empty() || !d.iommus.empty() ||
        !d.vsocks.empty() || !d.cryptos.empty())
        return unsupported("a device of this domain");
    return {};
}

void assignAliases(conf::DomainDef &def)
{
    for (auto &disk : def.devices.disks)
        if (disk.info.alias.empty())
            disk.info.alias = diskAlias(def, disk);
    for (size_t i = 0; i < def.devices.interfaces.size(); ++i)
        if (def.devices.interfaces[i].info.alias.empty())
            def.devices.interfaces[i].info.alias = "net" + std::to_string(i);
}

Result<std::vector<std::string>> buildCommandLine(const conf::DomainDef &def, const GuestPaths &paths, const HostFacts &host)
{
    VH_TRY(validateForQemu(def));
    std::string accel = "tcg";
    if (def.virtType == "kvm") {
        if (!host.kvmUsable)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "domain type 'kvm' cannot run here: " + host.kvmMissingReason);
        accel = "kvm";
    }
    std::vector<std::string> a = {emulatorFor(def)};
    auto add = [&](std::initializer_list<std::string> words) { a.insert(a.end(), words); };
    add({"-name", "guest=" + optEscape(def.name) + ",debug-threads=on"});
    add({"-S"});
    add({"-machine", machineFor(def) + ",accel=" + accel + ",usb=off,dump-guest-core=off"});
    add({"-m", "size=" + std::to_string(def.memory.totalKiB) + "k"});
    add({"-smp", std::to_string(def.vcpu.current) + ",maxcpus=" + std::to_string(def.vcpu.max)});
    add({"-uuid", uuidFormat(def.uuid)});
    add({"-no-user-config", "-nodefaults"});
    add({"-qmp", "unix:" + optEscape(paths.monitor) + ",server=on,wait=off"});
    add({"-display", "none"});
    add({"-rtc", "base=utc"});
    // a guest that powers off leaves QEMU up in its "shutdown" state: the driver (this process
    // or the next one) sees it, records why and stops QEMU as on_poweroff says
    add({"-no-shutdown"});
    if (def.lifecycle.onReboot == "destroy")
        add({"-no-reboot"});
    // with boot orders on devices, only those devices boot (libvirt's strict boot)
    bool bootOrders = false;
    for (const auto &disk : def.devices.disks)
        bootOrders |= disk.info.bootIndex != 0;
    for (const auto &net : def.devices.interfaces)
        bootOrders |= net.info.bootIndex != 0;
    if (bootOrders)
        add({"-boot", "strict=on"});
    if (!def.os.kernel.empty())
        add({"-kernel", def.os.kernel});
    if (!def.os.initrd.empty())
        add({"-initrd", def.os.initrd});
    if (!def.os.cmdline.empty())
        add({"-append", def.os.cmdline});
    // libvirt's order: controllers and disks, then network cards, then character devices
    VH_TRY(appendStorage(def, a));
    VH_TRY(appendInterfaces(def, a));
    int serial = 0;
    for (const auto *list : {&def.devices.serials, &def.devices.consoles}) {
        for (const auto &c : *list) {
            if (c.mirrorsSerial || (list == &def.devices.consoles && !def.devices.serials.empty()))
                continue;    // the console of an hvm guest is its first serial port
            std::string id = "charserial" + std::to_string(serial);
            auto backend = chardevBackend(c.source, id);
            if (!backend)
                return std::move(backend).error();
            add({"-chardev", *backend});
            // s390x has no ISA bus: its console is the SCLP one
            add({"-device", std::string(def.os.arch == "s390x" ? "sclpconsole" : "isa-serial") + ",chardev=" + id +
                                ",id=serial" + std::to_string(serial)});
            ++serial;
        }
    }
    appendDisplay(def, a);
    for (size_t i = 0; i < def.devices.hostdevs.size(); ++i)
        add({"-device", "vfio-ap,id=hostdev" + std::to_string(i) + ",sysfsdev=" + mdevPath(def.devices.hostdevs[i].uuid)});
    if (hasBalloon(def))
        add({"-device", "virtio-balloon-pci,id=balloon0"});
    add({"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"});
    add({"-msg", "timestamp=on"});
    return a;
}

std::string formatArgv(const std::vector<std::string> &argv)
{
    std::string out;
    for (const auto &w : argv) {
        if (!out.empty())
            out += ' ';
        bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                       "-_=,./:@+%") == std::string::npos;
        if (plain) {
            out += w;
            continue;
        }
        out += '\'';
        for (char c : w)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

} // namespace vh::drv::qemu
