#include "drivers/qemu/internal_snapshots.h"

#include <chrono>
#include <thread>

#include <libvirt/virterror.h>

#include "drivers/qemu/disks.h"

namespace vh::drv::qemu {

using namespace std::chrono_literals;

Result<std::vector<const conf::DiskDef *>> internalSnapshotDisks(const conf::DomainDef &def, const conf::SnapshotDef &snap)
{
    std::vector<const conf::DiskDef *> out;
    for (const conf::SnapshotDiskDef &s : snap.disks) {
        if (s.snapshot != conf::SnapshotLocation::Internal)
            continue;
        size_t i = conf::DiskDef::findByName(def.devices.disks, s.name);
        if (i == def.devices.disks.size())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED, "no disk named '%s'", s.name.c_str());
        const conf::DiskDef &d = def.devices.disks[i];
        if (d.driverType != "qcow2" || (d.type != "file" && d.type != "block"))
            return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED,
                                 "internal snapshot for disk %s unsupported for storage type %s", d.targetDev.c_str(),
                                 d.driverType.empty() ? "raw" : d.driverType.c_str());
        out.push_back(&d);
    }
    return out;
}

namespace {

// Runs a job to its end. QEMU 7.2 reports jobs through query-jobs: ask, backing off to 50 ms.
Result<void> runJob(Monitor &monitor, const std::string &command, Json args, const std::string &what)
{
    const std::string id = "vh-" + command;
    args["job-id"] = id;
    VH_TRY(monitor.execute(command, args));
    auto deadline = std::chrono::steady_clock::now() + 30min;
    auto pause = 1ms;
    while (std::chrono::steady_clock::now() < deadline) {
        auto jobs = monitor.execute("query-jobs");
        if (!jobs)
            return std::move(jobs).error();
        for (const Json &job : *jobs) {
            if (job.value("id", std::string()) != id || job.value("status", std::string()) != "concluded")
                continue;
            (void)monitor.execute("job-dismiss", {{"id", id}});
            if (job.contains("error"))
                return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, what + " failed: " + job["error"].get<std::string>());
            return {};
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_TIMEOUT, what + " did not finish in 30 minutes");
}

} // namespace

Result<void> runSnapshotJob(Monitor &monitor, const conf::DomainDef &live, const conf::SnapshotDef &snap, JobKind kind)
{
    auto disks = internalSnapshotDisks(live, snap);
    if (!disks)
        return std::move(disks).error();
    static const char *const kCommands[] = {"snapshot-save", "snapshot-load", "snapshot-delete"};
    std::string what = std::string(kCommands[static_cast<int>(kind)]) + " of '" + snap.name + "'";
    if (disks->empty()) {
        if (kind == JobKind::Delete)
            return {};
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED,
                           "internal snapshots of a running domain need a qcow2 disk to hold its memory");
    }
    auto nodes = liveFormatNodes(monitor);
    if (!nodes)
        return std::move(nodes).error();
    Json devices = Json::array();
    for (const conf::DiskDef *d : *disks) {
        auto it = nodes->find(d->info.alias.empty() ? diskAlias(live, *d) : d->info.alias);
        if (it == nodes->end())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "QEMU has no medium in disk '%s'", d->targetDev.c_str());
        devices.push_back(it->second);
    }
    Json args = {{"tag", snap.name}, {"devices", devices}};
    if (kind != JobKind::Delete)
        args["vmstate"] = devices[0];
    return runJob(monitor, kCommands[static_cast<int>(kind)], std::move(args), what);
}

Result<void> changeImages(const conf::DomainDef &def, const conf::SnapshotDef &snap, image::SnapshotOp op)
{
    auto disks = internalSnapshotDisks(def, snap);
    if (!disks)
        return std::move(disks).error();
    for (size_t i = 0; i < disks->size(); i++) {
        auto r = image::snapshot((*disks)[i]->source, op, snap.name);
        if (!r) {
            if (op == image::SnapshotOp::Create)
                for (size_t j = 0; j < i; j++)
                    (void)image::snapshot((*disks)[j]->source, image::SnapshotOp::Delete, snap.name);
            return r;
        }
    }
    return {};
}

} // namespace vh::drv::qemu
