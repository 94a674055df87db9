// vCPU hot-plug: a running guest started with -smp current,maxcpus=max gets vCPUs as CPU
// devices (device_add of the slots query-hotpluggable-cpus offers, ids vcpuN as libvirt's) and
// gives back those it was given (device_del, completed when the guest has ejected it: QEMU 7.2
// reports that as ACPI_DEVICE_OST, with no DEVICE_DELETED for the vCPU). The vCPUs it booted
// with stay.
#include <algorithm>
#include <string>
#include <vector>

#include <libvirt/virterror.h>

#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

namespace {

// The slots for vCPUs, in vCPU order: QEMU lists them highest first, by topology.
Result<std::vector<Json>> vcpuSlots(Monitor &mon)
{
    auto listed = mon.execute("query-hotpluggable-cpus");
    if (!listed)
        return std::move(listed).error();
    std::vector<Json> slots(listed->begin(), listed->end());
    auto place = [](const Json &slot) {
        std::vector<long long> at;
        for (const char *level : {"node-id", "drawer-id", "book-id", "socket-id", "die-id", "cluster-id", "core-id", "thread-id"})
            at.push_back(slot["props"].value(level, 0LL));
        return at;
    };
    std::stable_sort(slots.begin(), slots.end(), [&](const Json &a, const Json &b) { return place(a) < place(b); });
    return slots;
}

std::string vcpuAlias(unsigned int index)
{
    return "vcpu" + std::to_string(index);
}

} // namespace

Result<void> QemuDriver::setLiveVcpus(DomainObj &o, unsigned int n, std::unique_lock<std::mutex> &g)
{
    if (n > o.def->vcpu.max)
        return Error::format(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                             "requested vcpus is greater than max allowable vcpus for the live domain: %u > %u", n,
                             o.def->vcpu.max);
    if (o.def->virtType == "qemu" && n > o.def->vcpu.current && o.vcpuThreads + (n - o.def->vcpu.current) > o.def->vcpu.max)
        return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED,
                             "QEMU under TCG runs at most %u vCPU threads in its life and has run %u: a vCPU "
                             "unplugged cannot be plugged in again until the domain restarts",
                             o.def->vcpu.max, o.vcpuThreads);
    VH_TRY_ASSIGN(slots, vcpuSlots(*o.monitor));
    if (slots.size() < o.def->vcpu.max)
        return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "QEMU offers %zu vCPU slots for %u vCPUs",
                             slots.size(), o.def->vcpu.max);
    for (unsigned int i = o.def->vcpu.current; i < n; ++i) {
        Json add = slots[i]["props"];
        add["driver"] = slots[i]["type"];
        add["id"] = vcpuAlias(i);
        VH_TRY(o.monitor->execute("device_add", add));
        o.def->vcpu.current = i + 1;
        o.vcpuThreads++;
        VH_TRY(st_->saveStatus(o));
    }
    std::string uuid(reinterpret_cast<const char *>(o.def->uuid), VIR_UUID_BUFLEN);
    for (DomainObj *obj = &o; obj && obj->active() && obj->def->vcpu.current > n;) {
        unsigned int last = obj->def->vcpu.current - 1;
        if (slots[last].value("qom-path", std::string()) != "/machine/peripheral/" + vcpuAlias(last))
            return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED,
                                 "vCPU %u was there at boot and cannot be unplugged; the guest keeps %u vCPUs", last,
                                 last + 1);
        VH_TRY_ASSIGN(gone, deleteDevice(*obj, vcpuAlias(last), {}, g));
        if (!gone)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_TIMEOUT,
                               "vcpu unplug request timed out. Unplug result must be manually inspected in the domain");
        // the wait let other calls in: the domain may have stopped meanwhile
        obj = st_->byUUID(reinterpret_cast<const unsigned char *>(uuid.data()));
    }
    return {};
}

} // namespace vh::drv::qemu
