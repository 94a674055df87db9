// Hot-plug: disks and network cards added to and removed from a running guest (blockdev-add,
// netdev_add and device_add; device_del, completed when QEMU reports DEVICE_DELETED, which
// needs the guest's consent), and the same changes to the persistent config.
#include <algorithm>
#include <cstring>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "drivers/affect.h"
#include "drivers/check_flags.h"
#include "drivers/qemu/disks.h"
#include "drivers/qemu/nics.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

using namespace std::chrono_literals;

namespace {

constexpr unsigned int kAffect = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;

using DeviceRef = QemuDriver::DeviceRef;

Result<DeviceRef> identify(const char *xml)
{
    auto doc = xml::parse(xml, "device", VIR_FROM_QEMU);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    DeviceRef ref{reinterpret_cast<const char *>(root->name), ""};
    if (ref.kind == "disk") {
        const xmlNode *target = xml::child(root, "target");
        ref.key = target ? xml::attr(target, "dev").value_or("") : "";
    } else if (ref.kind == "interface") {
        const xmlNode *mac = xml::child(root, "mac");
        ref.key = mac ? xml::attr(mac, "address").value_or("") : "";
    } else {
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED,
                           "device type '" + ref.kind + "' cannot be attached or detached by the QEMU driver yet");
    }
    return ref;
}

// The domain with the device added: its XML goes into <devices> and the whole is parsed and
// validated again, so the device gets the defaults (addresses, MAC) and checks it would get
// at define.
Result<std::unique_ptr<conf::DomainDef>> withDevice(const conf::DomainDef &def, const char *deviceXml,
                                                   const conf::DomainXMLOptions &xmlopt)
{
    std::string xml = conf::formatDomain(def, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    size_t end = xml.rfind("</devices>");
    if (end == std::string::npos) {
        end = xml.rfind("</domain>");
        xml.insert(end, "<devices></devices>");
        end = xml.rfind("</devices>");
    }
    xml.insert(end, deviceXml);
    return conf::parseDomain(xml, xmlopt, conf::PARSE_INACTIVE);
}

bool sameMac(const std::string &a, const std::string &b)
{
    return strcasecmp(a.c_str(), b.c_str()) == 0;
}

// A -device / -netdev option string as the QMP arguments of device_add / netdev_add:
// "virtio-blk-pci,drive=x,id=y" -> {"driver": "virtio-blk-pci", "drive": "x", "id": "y"}.
Json optionsToJson(const std::string &opts, const char *firstKey)
{
    std::vector<std::string> parts(1);
    for (size_t i = 0; i < opts.size(); ++i) {
        if (opts[i] == ',' && i + 1 < opts.size() && opts[i + 1] == ',') {
            parts.back() += ',';     // ",," is a comma inside a value
            ++i;
        } else if (opts[i] == ',') {
            parts.emplace_back();
        } else {
            parts.back() += opts[i];
        }
    }
    Json out = {{firstKey, parts[0]}};
    for (size_t i = 1; i < parts.size(); ++i) {
        size_t eq = parts[i].find('=');
        out[parts[i].substr(0, eq)] = eq == std::string::npos ? std::string("on") : parts[i].substr(eq + 1);
    }
    return out;
}

// The largest N among QEMU's libvirt-N-* block nodes: a new medium takes N + 1.
Result<unsigned> lastNodeIndex(Monitor &monitor)
{
    auto nodes = monitor.execute("query-named-block-nodes", {{"flat", true}});
    if (!nodes)
        return std::move(nodes).error();
    unsigned last = 0;
    for (const auto &n : *nodes) {
        std::string name = n.value("node-name", std::string());
        unsigned i = 0;
        if (sscanf(name.c_str(), "libvirt-%u-", &i) == 1)
            last = std::max(last, i);
    }
    return last;
}

// Whether the domain has the device the reference names.
bool hasDevice(const conf::DomainDef &def, const DeviceRef &ref)
{
    if (ref.kind == "disk")
        return std::any_of(def.devices.disks.begin(), def.devices.disks.end(),
                           [&](const conf::DiskDef &x) { return x.targetDev == ref.key; });
    return !ref.key.empty() && std::any_of(def.devices.interfaces.begin(), def.devices.interfaces.end(),
                                           [&](const conf::InterfaceDef &x) { return sameMac(x.mac, ref.key); });
}

bool hotpluggableBus(const std::string &bus)
{
    return bus == "virtio" || bus == "scsi";
}

} // namespace

Result<void> QemuDriver::attachLive(DomainObj &o, const conf::DomainDef &with, const DeviceRef &ref)
{
    Monitor &mon = *o.monitor;
    if (ref.kind == "disk") {
        conf::DiskDef disk = with.devices.disks.back();
        if (!hotpluggableBus(disk.targetBus))
            return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED, "disk bus '%s' cannot be hotplugged.",
                                 disk.targetBus.c_str());
        conf::DomainDef check = with;
        check.devices.disks = {disk};
        VH_TRY(checkDiskSources(check));
        disk.info.alias = diskAlias(with, disk);
        auto last = lastNodeIndex(mon);
        if (!last)
            return std::move(last).error();
        DiskNodes nodes = diskNodes(disk, *last + 1);
        auto device = diskDevice(with, disk, nodes);
        if (!device)
            return std::move(device).error();
        Result<Json> added = Json();
        if (!nodes.empty()) {
            added = mon.execute("blockdev-add", Json(nodes.storage));
            if (added)
                added = mon.execute("blockdev-add", Json(nodes.format));
        }
        if (added)
            added = mon.execute("device_add", optionsToJson(*device, "driver"));
        if (!added) {
            // whatever was added goes again, the format node before the storage it sits on
            if (!nodes.empty()) {
                (void)mon.execute("blockdev-del", {{"node-name", nodes.formatNode()}});
                (void)mon.execute("blockdev-del", {{"node-name", nodes.storage["node-name"]}});
            }
            return std::move(added).error();
        }
        o.def->devices.disks.push_back(std::move(disk));
    } else {
        conf::DomainDef def = with;
        conf::InterfaceDef &nic = def.devices.interfaces.back();
        // the smallest netN no card of this guest has
        for (unsigned i = 0; nic.info.alias.empty(); ++i) {
            std::string alias = "net" + std::to_string(i);
            if (std::none_of(o.def->devices.interfaces.begin(), o.def->devices.interfaces.end(),
                             [&](const conf::InterfaceDef &n) { return n.info.alias == alias; }))
                nic.info.alias = alias;
        }
        auto args = nicArgs(def, def.devices.interfaces.size() - 1);
        if (!args)
            return std::move(args).error();
        Json netdev = optionsToJson(args->netdev, "type");
        VH_TRY(mon.execute("netdev_add", netdev));
        if (auto r = mon.execute("device_add", optionsToJson(args->device, "driver")); !r) {
            (void)mon.execute("netdev_del", {{"id", netdev["id"]}});
            return std::move(r).error();
        }
        o.def->devices.interfaces.push_back(std::move(nic));
    }
    return st_->saveStatus(o);
}

Result<void> QemuDriver::domainAttachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_DEVICE_MODIFY_FORCE);
    auto ref = identify(xml);
    if (!ref)
        return std::move(ref).error();
    std::unique_lock<std::mutex> g;
    auto a = findAffected(domain, g, flags);
    if (!a)
        return std::move(a).error();
    auto [obj, live, config] = *a;
    for (conf::DomainDef *def : {live, config}) {
        if (def && hasDevice(*def, *ref))
            return ref->kind == "disk"
                       ? Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "target %s already exists", ref->key.c_str())
                       : Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "interface with MAC %s already exists",
                                       ref->key.c_str());
    }
    // both changes are checked before either is made
    std::unique_ptr<conf::DomainDef> liveWith, configWith;
    if (live) {
        auto w = withDevice(*live, xml, st_->xmlopt);
        if (!w)
            return std::move(w).error();
        liveWith = std::move(*w);
    }
    if (config) {
        auto w = withDevice(*config, xml, st_->xmlopt);
        if (!w)
            return std::move(w).error();
        configWith = std::move(*w);
    }
    if (live)
        VH_TRY(attachLive(*obj, *liveWith, *ref));
    if (config)
        return st_->changeConfig(*config, [&](conf::DomainDef &d) { d = std::move(*configWith); });
    return {};
}

Result<void> QemuDriver::detachLive(DomainObj &o, const DeviceRef &ref, std::unique_lock<std::mutex> &g)
{
    Monitor &mon = *o.monitor;
    std::string alias;
    std::vector<std::string> nodes;
    if (ref.kind == "disk") {
        auto it = std::find_if(o.def->devices.disks.begin(), o.def->devices.disks.end(),
                               [&](const conf::DiskDef &d) { return d.targetDev == ref.key; });
        if (it == o.def->devices.disks.end())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_DEVICE_MISSING, "disk %s not found", ref.key.c_str());
        if (!hotpluggableBus(it->targetBus))
            return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED, "disk bus '%s' cannot be hotunplugged.",
                                 it->targetBus.c_str());
        alias = it->info.alias.empty() ? diskAlias(*o.def, *it) : it->info.alias;
        // the medium's nodes go once the device has gone: find them by the device they serve
        auto media = liveFormatNodes(mon);
        if (!media)
            return std::move(media).error();
        if (auto m = media->find(alias); m != media->end()) {
            const std::string &format = m->second;
            nodes = {format};
            if (size_t p = format.rfind("-format"); p != std::string::npos)
                nodes.push_back(format.substr(0, p) + "-storage");
        }
    } else {
        auto it = std::find_if(o.def->devices.interfaces.begin(), o.def->devices.interfaces.end(),
                               [&](const conf::InterfaceDef &n) { return sameMac(n.mac, ref.key); });
        if (it == o.def->devices.interfaces.end())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_DEVICE_MISSING, "no device matching MAC address %s found",
                                 ref.key.c_str());
        alias = it->info.alias;
    }
    // the guest decides when: past the wait, the event completes the removal
    VH_TRY(deleteDevice(o, alias, std::move(nodes), g));
    return {};
}

Result<bool> QemuDriver::deleteDevice(DomainObj &o, const std::string &alias, std::vector<std::string> nodes,
                                      std::unique_lock<std::mutex> &g)
{
    o.unplugging[alias] = std::move(nodes);
    if (auto asked = o.monitor->execute("device_del", {{"id", alias}}); !asked) {
        o.unplugging.erase(alias);
        return std::move(asked).error();
    }
    std::string uuid(reinterpret_cast<const char *>(o.def->uuid), VIR_UUID_BUFLEN);
    return st_->deviceRemoved.wait_for(g, 5s, [&] {
        DomainObj *now = st_->byUUID(reinterpret_cast<const unsigned char *>(uuid.data()));
        return !now || !now->active() || !now->unplugging.count(alias);
    });
}

void State::removeDevice(DomainObj &obj, const std::string &alias)
{
    auto pending = obj.unplugging.find(alias);
    conf::DevicesDef &d = obj.def->devices;
    auto disk = std::find_if(d.disks.begin(), d.disks.end(), [&](const conf::DiskDef &x) { return x.info.alias == alias; });
    auto nic = std::find_if(d.interfaces.begin(), d.interfaces.end(),
                            [&](const conf::InterfaceDef &x) { return x.info.alias == alias; });
    bool vcpu = pending != obj.unplugging.end() && alias.starts_with("vcpu");
    if (disk != d.disks.end())
        d.disks.erase(disk);
    else if (nic != d.interfaces.end()) {
        (void)obj.monitor->execute("netdev_del", {{"id", "host" + alias}});
        d.interfaces.erase(nic);
    } else if (vcpu) {
        obj.def->vcpu.current--;     // the highest goes first (vcpu_hotplug.cc)
    } else {
        return;      // not one this driver plugged
    }
    if (pending != obj.unplugging.end()) {
        for (const auto &node : pending->second)
            (void)obj.monitor->execute("blockdev-del", {{"node-name", node}});
        obj.unplugging.erase(pending);
    }
    (void)saveStatus(obj);
    if (!vcpu)     // libvirt reports devices, not vCPUs
        events->queue(DomainEvent::device(VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, obj.def->name, obj.def->uuid, obj.def->id, alias));
    deviceRemoved.notify_all();
}

Result<void> QemuDriver::domainDetachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    auto ref = identify(xml);
    if (!ref)
        return std::move(ref).error();
    std::unique_lock<std::mutex> g;
    auto a = findAffected(domain, g, flags);
    if (!a)
        return std::move(a).error();
    auto [obj, live, config] = *a;
    if (config && !hasDevice(*config, *ref))
        return Error::format(VIR_FROM_QEMU, VIR_ERR_DEVICE_MISSING, "%s %s not found in the persistent config",
                             ref->kind.c_str(), ref->key.c_str());
    if (live) {
        std::string uuid(reinterpret_cast<const char *>(obj->def->uuid), VIR_UUID_BUFLEN);
        VH_TRY(detachLive(*obj, *ref, g));
        // the wait let other calls in: the domain may have stopped meanwhile
        obj = st_->byUUID(reinterpret_cast<const unsigned char *>(uuid.data()));
        if (!obj || !config)
            return {};
        config = &obj->config();
    }
    if (config)
        return st_->changeConfig(*config, [&](conf::DomainDef &d) {
            std::erase_if(d.devices.disks, [&](const conf::DiskDef &x) { return ref->kind == "disk" && x.targetDev == ref->key; });
            std::erase_if(d.devices.interfaces,
                          [&](const conf::InterfaceDef &x) { return ref->kind == "interface" && sameMac(x.mac, ref->key); });
        });
    return {};
}

} // namespace vh::drv::qemu
