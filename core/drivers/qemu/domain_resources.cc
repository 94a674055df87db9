// The QEMU driver's memory and vCPU calls: the balloon for a running guest's memory, the
// persistent config for the rest, and the statistics QEMU and /proc give.
#include <algorithm>
#include <cstdio>
#include <fstream>

#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/affect.h"
#include "drivers/check_flags.h"
#include "drivers/qemu/guest_stats.h"
#include "drivers/qemu/qemu_driver.h"
#include "util/files.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

namespace {
constexpr unsigned int kAffect = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
} // namespace

unsigned long long balloonKiB(DomainObj &obj)
{
    if (!obj.active() || !obj.monitor || !hasBalloon(*obj.def))
        return obj.def->memory.currentKiB;
    auto r = obj.monitor->execute("query-balloon");
    return r ? (*r).value("actual", 0ULL) / 1024 : obj.def->memory.currentKiB;
}

// QEMU's resident memory in KiB (/proc/PID/statm's second field is in pages).
static unsigned long long rssKiB(pid_t pid)
{
    auto statm = readFile("/proc/" + std::to_string(pid) + "/statm", VIR_FROM_QEMU);
    unsigned long long size = 0, resident = 0;
    if (!statm || sscanf(statm->c_str(), "%llu %llu", &size, &resident) != 2)
        return 0;
    return resident * static_cast<unsigned long long>(sysconf(_SC_PAGESIZE)) / 1024;
}

CpuTimes cpuTimes(const std::string &statPath)
{
    auto stat = readFile(statPath, VIR_FROM_QEMU);
    if (!stat)
        return {};
    size_t end = stat->rfind(')');
    if (end == std::string::npos)
        return {};
    unsigned long long utime = 0, stime = 0;
    // fields 14 and 15, counted from the state (field 3) after the command name
    if (sscanf(stat->c_str() + end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return {};
    unsigned long long tick = 1000000000ULL / static_cast<unsigned long long>(sysconf(_SC_CLK_TCK));
    return {utime * tick, stime * tick};
}

bool qdevIs(const std::string &qdev, const std::string &alias)
{
    return qdev == alias || qdev.rfind("/machine/peripheral/" + alias + "/", 0) == 0;
}

Result<std::map<std::string, BlockCounters>> blockCountersByAlias(DomainObj &obj)
{
    auto r = obj.monitor->execute("query-blockstats");
    if (!r)
        return std::move(r).error();
    std::map<std::string, BlockCounters> out;
    for (const auto &b : *r) {
        std::string qdev = b.value("qdev", std::string());
        const auto &disks = obj.def->devices.disks;
        auto disk = std::find_if(disks.begin(), disks.end(), [&](const conf::DiskDef &d) { return qdevIs(qdev, d.info.alias); });
        if (disk == disks.end() || !b.contains("stats"))
            continue;
        const Json &s = b["stats"];
        BlockCounters &c = out[disk->info.alias];
        c.rdReq += s.value("rd_operations", 0LL);
        c.rdBytes += s.value("rd_bytes", 0LL);
        c.rdTimes += s.value("rd_total_time_ns", 0LL);
        c.wrReq += s.value("wr_operations", 0LL);
        c.wrBytes += s.value("wr_bytes", 0LL);
        c.wrTimes += s.value("wr_total_time_ns", 0LL);
        c.flushReq += s.value("flush_operations", 0LL);
        c.flushTimes += s.value("flush_total_time_ns", 0LL);
        c.highestOffset = std::max(c.highestOffset, s.value("wr_highest_offset", 0LL));
    }
    return out;
}

namespace {

// The counters of a disk, named by target ("vda") or source path; "" sums every disk.
Result<BlockCounters> blockCounters(DomainObj &obj, const char *disk)
{
    std::string want = disk ? disk : "";
    std::vector<std::string> aliases;
    for (const auto &d : obj.def->devices.disks) {
        if (want.empty() || d.targetDev == want || d.source == want)
            aliases.push_back(d.info.alias);
    }
    if (aliases.empty())
        return Error::format(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "invalid path: %s", want.c_str());
    auto all = blockCountersByAlias(obj);
    if (!all)
        return std::move(all).error();
    BlockCounters c;
    for (const auto &alias : aliases)
        if (auto it = all->find(alias); it != all->end())
            c += it->second;
    return c;
}

} // namespace

NicCounters tapCounters(const std::string &dev)
{
    auto counter = [&](const char *name) {
        std::ifstream f("/sys/class/net/" + dev + "/statistics/" + name);
        long long v = 0;
        f >> v;
        return v;
    };
    return {counter("tx_bytes"), counter("tx_packets"), counter("tx_errors"), counter("tx_dropped"),
            counter("rx_bytes"), counter("rx_packets"), counter("rx_errors"), counter("rx_dropped")};
}

Result<void> QemuDriver::domainInterfaceStats(virDomainPtr dom, const char *device, virDomainInterfaceStatsPtr stats, size_t)
{
    std::unique_lock<std::mutex> g;
    VH_TRY_ASSIGN(obj, findActive(dom, g));
    VH_TRY_ASSIGN(nic, conf::InterfaceDef::byDevice(obj->def->devices.interfaces, device));
    if (nic->targetDev.empty())
        return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_UNSUPPORTED,
                             "interface '%s' has no host-side device to count its traffic (type '%s')", device,
                             nic->type.c_str());
    NicCounters c = tapCounters(nic->targetDev);
    *stats = {c.rxBytes, c.rxPackets, c.rxErrs, c.rxDrop, c.txBytes, c.txPackets, c.txErrs, c.txDrop};
    return {};
}

Result<void> QemuDriver::domainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats, size_t)
{
    auto params = domainBlockStatsFlags(dom, disk, 0);
    if (!params)
        return std::move(params).error();
    stats->errs = -1;     // QEMU does not count errors
    for (const auto &p : params->items()) {
        std::string_view field = p.field;
        long long *to = field == VIR_DOMAIN_BLOCK_STATS_READ_REQ     ? &stats->rd_req
                        : field == VIR_DOMAIN_BLOCK_STATS_READ_BYTES  ? &stats->rd_bytes
                        : field == VIR_DOMAIN_BLOCK_STATS_WRITE_REQ   ? &stats->wr_req
                        : field == VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES ? &stats->wr_bytes
                                                                      : nullptr;
        if (to)
            *to = p.value.l;
    }
    return {};
}

Result<TypedParamList> QemuDriver::domainBlockStatsFlags(virDomainPtr dom, const char *disk, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_TYPED_PARAM_STRING_OKAY);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(dom, g);
    if (!obj)
        return std::move(obj).error();
    auto c = blockCounters(**obj, disk);
    if (!c)
        return std::move(c).error();
    TypedParamList out;
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, c->wrBytes);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, c->wrReq);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_READ_BYTES, c->rdBytes);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_READ_REQ, c->rdReq);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, c->flushReq);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, c->wrTimes);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, c->rdTimes);
    out.addLLong(VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, c->flushTimes);
    return out;
}

Result<void> QemuDriver::domainGetInfo(virDomainPtr domain, virDomainInfo &info)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    info.state = static_cast<unsigned char>(o.state);
    info.maxMem = o.def->memory.totalKiB;
    info.memory = balloonKiB(o);
    info.nrVirtCpu = static_cast<unsigned short>(o.def->vcpu.current);
    if (o.active()) {
        CpuTimes t = cpuTimes("/proc/" + std::to_string(o.process.pid()) + "/stat");
        info.cpuTime = t.user + t.system;
    } else {
        info.cpuTime = 0;
    }
    return {};
}

Result<unsigned long> QemuDriver::domainGetMaxMemory(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    return static_cast<unsigned long>((*obj)->def->memory.totalKiB);
}

Result<QemuDriver::Affected> QemuDriver::findAffected(virDomainPtr dom, std::unique_lock<std::mutex> &g, unsigned int flags)
{
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    auto t = affectedDefs(**obj, flags & kAffect);
    if (!t)
        return std::move(t).error();
    return Affected{*obj, t->first, t->second};
}

Result<void> QemuDriver::domainSetMemoryFlags(virDomainPtr domain, unsigned long memory, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_MEM_MAXIMUM);
    std::unique_lock<std::mutex> g;
    auto a = findAffected(domain, g, flags);
    if (!a)
        return std::move(a).error();
    auto [obj, live, config] = *a;
    if (flags & VIR_DOMAIN_MEM_MAXIMUM) {
        if (live)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "cannot resize the maximum memory on an active domain");
        return st_->changeConfig(*config, [&](conf::DomainDef &d) {
            d.memory.totalKiB = memory;
            d.memory.currentKiB = std::min<unsigned long long>(d.memory.currentKiB, memory);
        });
    }
    for (conf::DomainDef *def : {live, config}) {
        if (def && memory > def->memory.totalKiB)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    }
    if (live) {
        if (!hasBalloon(*live))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID,
                               "Unable to change memory of active domain without the balloon device and guest OS balloon driver");
        auto r = obj->monitor->execute("balloon", {{"value", static_cast<unsigned long long>(memory) * 1024}});
        if (!r)
            return std::move(r).error();
        live->memory.currentKiB = memory;
        VH_TRY(st_->saveStatus(*obj));
    }
    if (config)
        return st_->changeConfig(*config, [&](conf::DomainDef &d) { d.memory.currentKiB = memory; });
    return {};
}

std::vector<virDomainMemoryStatStruct> memoryStatList(DomainObj &o)
{
    std::vector<virDomainMemoryStatStruct> out;
    auto add = [&](int tag, unsigned long long val) { out.push_back({tag, val}); };
    if (hasBalloon(*o.def)) {
        // what the guest's balloon driver reported, once it has (QEMU's names, in bytes)
        static const std::pair<const char *, int> kGuestStats[] = {
            {"stat-swap-in", VIR_DOMAIN_MEMORY_STAT_SWAP_IN},
            {"stat-swap-out", VIR_DOMAIN_MEMORY_STAT_SWAP_OUT},
            {"stat-major-faults", VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT},
            {"stat-minor-faults", VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT},
            {"stat-free-memory", VIR_DOMAIN_MEMORY_STAT_UNUSED},
            {"stat-total-memory", VIR_DOMAIN_MEMORY_STAT_AVAILABLE},
            {"stat-available-memory", VIR_DOMAIN_MEMORY_STAT_USABLE},
            {"stat-disk-caches", VIR_DOMAIN_MEMORY_STAT_DISK_CACHES},
            {"stat-htlb-pgalloc", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC},
            {"stat-htlb-pgfail", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL},
        };
        auto r = o.monitor->execute("qom-get", {{"path", "/machine/peripheral/balloon0"}, {"property", "guest-stats"}});
        if (r && (*r).value("last-update", 0LL) > 0) {
            const Json &s = (*r)["stats"];
            for (const auto &[name, tag] : kGuestStats) {
                long long v = s.value(name, -1LL);
                if (v >= 0) {
                    bool bytes = tag != VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT && tag != VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT &&
                                 tag != VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC && tag != VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL;
                    add(tag, bytes ? static_cast<unsigned long long>(v) / 1024 : static_cast<unsigned long long>(v));
                }
            }
            add(VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, static_cast<unsigned long long>((*r).value("last-update", 0LL)));
        }
        add(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, balloonKiB(o));
    }
    add(VIR_DOMAIN_MEMORY_STAT_RSS, rssKiB(o.process.pid()));
    return out;
}

Result<int> QemuDriver::domainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats, unsigned int nr_stats, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(dom, g);
    if (!obj)
        return std::move(obj).error();
    auto all = memoryStatList(**obj);
    unsigned int n = std::min<unsigned int>(nr_stats, static_cast<unsigned int>(all.size()));
    std::copy_n(all.begin(), n, stats);
    return static_cast<int>(n);
}

Result<int> QemuDriver::domainGetVcpusFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_VCPU_GUEST);
    if (flags & VIR_DOMAIN_VCPU_GUEST)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_ARGUMENT_UNSUPPORTED, "QEMU guest agent is not configured");
    std::unique_lock<std::mutex> g;
    auto a = findAffected(domain, g, flags);
    if (!a)
        return std::move(a).error();
    const conf::DomainDef *def = a->live ? a->live : a->config;
    return static_cast<int>(flags & VIR_DOMAIN_VCPU_MAXIMUM ? def->vcpu.max : def->vcpu.current);
}

Result<void> QemuDriver::domainSetVcpusFlags(virDomainPtr domain, unsigned int nvcpus, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_VCPU_MAXIMUM);
    std::unique_lock<std::mutex> g;
    auto a = findAffected(domain, g, flags);
    if (!a)
        return std::move(a).error();
    auto [obj, live, config] = *a;
    if (live && (flags & VIR_DOMAIN_VCPU_MAXIMUM))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "cannot change the maximum vCPU count of a running domain");
    if (config && !(flags & VIR_DOMAIN_VCPU_MAXIMUM) && nvcpus > config->vcpu.max)
        return Error::format(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "requested vcpus is greater than max allowable vcpus for the persistent domain: %u > %u",
                             nvcpus, config->vcpu.max);
    if (live) {
        std::string uuid(reinterpret_cast<const char *>(obj->def->uuid), VIR_UUID_BUFLEN);
        VH_TRY(setLiveVcpus(*obj, nvcpus, g));
        // an unplug waits for the guest, letting other calls in: the domain may have gone
        obj = st_->byUUID(reinterpret_cast<const unsigned char *>(uuid.data()));
        if (!obj || !config)
            return {};
        config = &obj->config();
    }
    if (config) {
        conf::DomainDef changed = *config;
        if (flags & VIR_DOMAIN_VCPU_MAXIMUM)
            changed.vcpu.max = nvcpus;
        changed.vcpu.current = flags & VIR_DOMAIN_VCPU_MAXIMUM ? std::min(changed.vcpu.current, nvcpus) : nvcpus;
        VH_TRY(conf::validateDomain(changed, st_->xmlopt));
        return st_->changeConfig(*config, [&](conf::DomainDef &d) { d = std::move(changed); });
    }
    return {};
}

} // namespace vh::drv::qemu
