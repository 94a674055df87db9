// The QEMU driver's virConnectGetAllDomainStats and virDomainListGetStats: the groups QMP and
// /proc give (state, cpu-total, balloon, vcpu, interface, block), with libvirt's parameter
// names. An inactive domain gives what its definition says.
#include <map>
#include <string>

#include <libvirt/virterror.h>

#include "drivers/qemu/guest_stats.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

namespace {

constexpr unsigned int kSupported = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |
                                    VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;

std::string procStat(pid_t pid, const std::string &task = {})
{
    return "/proc/" + std::to_string(pid) + (task.empty() ? "" : "/task/" + task) + "/stat";
}

void cpuTotal(DomainObj &o, TypedParamList &out)
{
    if (!o.active())
        return;
    CpuTimes t = cpuTimes(procStat(o.process.pid()));
    out.addULLong("cpu.time", t.user + t.system);
    out.addULLong("cpu.user", t.user);
    out.addULLong("cpu.system", t.system);
}

void balloon(DomainObj &o, TypedParamList &out)
{
    out.addULLong("balloon.current", balloonKiB(o));
    out.addULLong("balloon.maximum", o.def->memory.totalKiB);
    if (!o.active())
        return;
    static const std::pair<int, const char *> kNames[] = {
        {VIR_DOMAIN_MEMORY_STAT_SWAP_IN, "balloon.swap_in"},
        {VIR_DOMAIN_MEMORY_STAT_SWAP_OUT, "balloon.swap_out"},
        {VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, "balloon.major_fault"},
        {VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT, "balloon.minor_fault"},
        {VIR_DOMAIN_MEMORY_STAT_UNUSED, "balloon.unused"},
        {VIR_DOMAIN_MEMORY_STAT_AVAILABLE, "balloon.available"},
        {VIR_DOMAIN_MEMORY_STAT_RSS, "balloon.rss"},
        {VIR_DOMAIN_MEMORY_STAT_USABLE, "balloon.usable"},
        {VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, "balloon.last-update"},
        {VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, "balloon.disk_caches"},
        {VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, "balloon.hugetlb_pgalloc"},
        {VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, "balloon.hugetlb_pgfail"},
    };
    for (const auto &stat : memoryStatList(o))
        for (const auto &[tag, name] : kNames)
            if (stat.tag == tag)
                out.addULLong(name, stat.val);
}

void vcpus(DomainObj &o, TypedParamList &out)
{
    out.addUInt("vcpu.current", o.def->vcpu.current);
    out.addUInt("vcpu.maximum", o.def->vcpu.max);
    if (!o.active())
        return;
    // each vCPU thread QEMU reports runs; its time is the thread's
    auto r = o.monitor->execute("query-cpus-fast");
    if (!r)
        return;
    for (const auto &cpu : *r) {
        int index = cpu.value("cpu-index", -1);
        if (index < 0)
            continue;
        std::string n = "vcpu." + std::to_string(index) + ".";
        out.addInt(n + "state", VIR_VCPU_RUNNING);
        CpuTimes t = cpuTimes(procStat(o.process.pid(), std::to_string(cpu.value("thread-id", 0LL))));
        out.addULLong(n + "time", t.user + t.system);
    }
}

void interfaces(DomainObj &o, TypedParamList &out)
{
    if (!o.active())
        return;
    const auto &nics = o.def->devices.interfaces;
    out.addUInt("net.count", static_cast<unsigned int>(nics.size()));
    for (size_t i = 0; i < nics.size(); i++) {
        // only a host-side device (tap) has counters
        const std::string &dev = nics[i].targetDev;
        if (dev.empty())
            continue;
        std::string n = "net." + std::to_string(i) + ".";
        out.addString(n + "name", dev);
        NicCounters c = tapCounters(dev);
        const std::pair<const char *, long long> counters[] = {
            {"rx.bytes", c.rxBytes}, {"rx.pkts", c.rxPackets}, {"rx.errs", c.rxErrs}, {"rx.drop", c.rxDrop},
            {"tx.bytes", c.txBytes}, {"tx.pkts", c.txPackets}, {"tx.errs", c.txErrs}, {"tx.drop", c.txDrop},
        };
        for (const auto &[name, value] : counters)
            out.addULLong(n + name, static_cast<unsigned long long>(value));
    }
}

void blocks(DomainObj &o, TypedParamList &out)
{
    const auto &disks = o.def->devices.disks;
    out.addUInt("block.count", static_cast<unsigned int>(disks.size()));
    std::map<std::string, BlockCounters> counters;
    Json images = Json::array();
    if (o.active()) {
        if (auto c = blockCountersByAlias(o))
            counters = std::move(*c);
        if (auto r = o.monitor->execute("query-block"))
            images = std::move(*r);
    }
    for (size_t i = 0; i < disks.size(); i++) {
        const conf::DiskDef &d = disks[i];
        std::string n = "block." + std::to_string(i) + ".";
        out.addString(n + "name", d.targetDev);
        if (!d.source.empty())
            out.addString(n + "path", d.source);
        auto c = counters.find(d.info.alias);
        if (c != counters.end()) {
            const BlockCounters &b = c->second;
            out.addULLong(n + "rd.reqs", b.rdReq);
            out.addULLong(n + "rd.bytes", b.rdBytes);
            out.addULLong(n + "rd.times", b.rdTimes);
            out.addULLong(n + "wr.reqs", b.wrReq);
            out.addULLong(n + "wr.bytes", b.wrBytes);
            out.addULLong(n + "wr.times", b.wrTimes);
            out.addULLong(n + "fl.reqs", b.flushReq);
            out.addULLong(n + "fl.times", b.flushTimes);
            out.addULLong(n + "allocation", b.highestOffset);
        }
        // the image's virtual size, and what it takes on the host
        for (const auto &img : images) {
            if (!qdevIs(img.value("qdev", std::string()), d.info.alias) || !img.contains("inserted") ||
                !img["inserted"].contains("image"))
                continue;
            const Json &image = img["inserted"]["image"];
            out.addULLong(n + "capacity", image.value("virtual-size", 0ULL));
            if (image.contains("actual-size"))
                out.addULLong(n + "physical", image.value("actual-size", 0ULL));
        }
    }
}

} // namespace

Result<std::vector<DomainStatsRecord>> QemuDriver::allDomainStats(virConnectPtr conn, virDomainPtr *doms,
                                                                   unsigned int stats, unsigned int flags)
{
    auto groups = domainStatsGroups(VIR_FROM_QEMU, "qemu", stats, flags, kSupported);
    if (!groups)
        return std::move(groups).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto targets = statsTargets(doms, flags);
    static const std::pair<unsigned int, void (*)(DomainObj &, TypedParamList &)> kGroups[] = {
        {VIR_DOMAIN_STATS_CPU_TOTAL, cpuTotal}, {VIR_DOMAIN_STATS_BALLOON, balloon},
        {VIR_DOMAIN_STATS_VCPU, vcpus},         {VIR_DOMAIN_STATS_INTERFACE, interfaces},
        {VIR_DOMAIN_STATS_BLOCK, blocks},
    };
    std::vector<DomainStatsRecord> out;
    for (DomainObj *o : targets) {
        DomainStatsRecord rec{domainHandle(conn, *o), {}};
        if (*groups & VIR_DOMAIN_STATS_STATE)
            addStateStats(rec.params, o->state, o->reason);
        bool live = o->active() && o->monitor;
        for (const auto &[bit, collect] : kGroups)
            if ((*groups & bit) && (live || !o->active()))
                collect(*o, rec.params);
        out.push_back(std::move(rec));
    }
    return out;
}

} // namespace vh::drv::qemu
