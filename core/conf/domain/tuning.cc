#include "conf/domain/tuning.h"

#include <algorithm>
#include <climits>

#include <libvirt/virterror.h>

#include "conf/domain/cpu.h"
#include "conf/domain/domain_def.h"
#include "conf/props.h"

namespace vh::conf {

namespace {

// The first `name` child of any of `parents`, in document order: what libvirt's
// string(./parent/name) reads when a document repeats the parent.
const xmlNode *firstChild(const std::vector<const xmlNode *> &parents, const char *name)
{
    for (const xmlNode *p : parents)
        for (const xmlNode *c : xml::Children(p))
            if (xml::is(c, name))
                return c;
    return nullptr;
}

// Every `name` child of every parent, in document order.
std::vector<const xmlNode *> allChildren(const std::vector<const xmlNode *> &parents, const char *name)
{
    std::vector<const xmlNode *> out;
    for (const xmlNode *p : parents)
        for (const xmlNode *c : xml::Children(p))
            if (xml::is(c, name))
                out.push_back(c);
    return out;
}

std::optional<std::string> nonEmptyText(const xmlNode *n)
{
    if (!n)
        return std::nullopt;
    std::string t = xml::text(n);
    if (t.empty())
        return std::nullopt;
    return t;
}

// "Invalid value of 'cpuset': ^1" for a set that parses to nothing.
Result<Bitmap> nonEmptySet(const std::string &value, const char *what)
{
    auto b = Bitmap::parse(value);
    if (!b)
        return b;
    if (b->empty())
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid value of '%s': %s", what, value.c_str());
    return b;
}

} // namespace

// ---- <blkiotune>

Result<BlkioTuneDef> BlkioTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    BlkioTuneDef d;
    auto tunes = top.all("blkiotune");
    if (tunes.empty())
        return d;
    if (auto text = nonEmptyText(firstChild(tunes, "weight")))
        d.weight = num::uint(*text).value_or(0);   // libvirt ignores a weight it cannot read
    for (const xmlNode *n : allChildren(tunes, "device")) {
        BlkioDevice dev;
        auto path = nonEmptyText(xml::child(n, "path"));
        if (!path)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "missing per-device path");
        dev.path = std::move(*path);
        struct {
            const char *elem, *what;
            unsigned int *ui;
            unsigned long long *ull;
        } const fields[] = {
            {"weight", "weight", &dev.weight, nullptr},
            {"read_iops_sec", "read iops sec", &dev.readIops, nullptr},
            {"write_iops_sec", "write iops sec", &dev.writeIops, nullptr},
            {"read_bytes_sec", "read bytes sec", nullptr, &dev.readBytes},
            {"write_bytes_sec", "write bytes sec", nullptr, &dev.writeBytes},
        };
        for (const auto &f : fields) {
            auto text = nonEmptyText(xml::child(n, f.elem));
            if (!text)
                continue;
            bool ok;
            if (f.ui) {
                auto v = num::uint(*text, true);
                ok = bool(v);
                *f.ui = v.value_or(0);
            } else {
                auto v = num::ull(*text, true);
                ok = bool(v);
                *f.ull = v.value_or(0);
            }
            if (!ok)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "could not parse %s %s", f.what,
                                     text->c_str());
        }
        d.devices.push_back(std::move(dev));
    }
    return d;
}

Result<void> BlkioTuneDef::validateAll(const DomainDef &def)
{
    const auto &devs = def.blkiotune.devices;
    for (size_t i = 0; i < devs.size(); i++)
        for (size_t j = 0; j < i; j++)
            if (devs[i].path == devs[j].path)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "duplicate blkio device path '%s'",
                                     devs[i].path.c_str());
    return {};
}

void BlkioTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    auto shown = [](const BlkioDevice &d) {
        return d.weight || d.readIops || d.writeIops || d.readBytes || d.writeBytes;
    };
    if (!weight && std::none_of(devices.begin(), devices.end(), shown))
        return;
    w.start("blkiotune");
    if (weight)
        w.element("weight", std::to_string(weight));
    for (const BlkioDevice &d : devices) {
        if (!shown(d))
            continue;
        w.start("device");
        w.element("path", d.path);
        if (d.weight)
            w.element("weight", std::to_string(d.weight));
        if (d.readIops)
            w.element("read_iops_sec", std::to_string(d.readIops));
        if (d.writeIops)
            w.element("write_iops_sec", std::to_string(d.writeIops));
        if (d.readBytes)
            w.element("read_bytes_sec", std::to_string(d.readBytes));
        if (d.writeBytes)
            w.element("write_bytes_sec", std::to_string(d.writeBytes));
        w.end();
    }
    w.end();
}

// ---- <memtune>

namespace {
// virDomainParseMemoryLimit: up to the unlimited value, which (and above) means no limit.
Result<std::optional<unsigned long long>> limitKiB(const xmlNode *n, const char *xpath)
{
    if (!n)
        return std::optional<unsigned long long>{};
    auto bytes = scaledBytes(xml::text(n), xml::attr(n, "unit"), 1024, kMemoryUnlimitedKiB << 10, xpath, false);
    if (!bytes || !*bytes)
        return bytes;
    unsigned long long kib = **bytes / 1024 + (**bytes % 1024 != 0);
    if (kib >= kMemoryUnlimitedKiB)
        return std::optional<unsigned long long>{};
    return std::optional<unsigned long long>{kib};
}
} // namespace

Result<MemTuneDef> MemTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    MemTuneDef d;
    auto tunes = top.all("memtune");
    if (tunes.empty())
        return d;
    auto hard = limitKiB(firstChild(tunes, "hard_limit"), "./memtune/hard_limit[1]");
    if (!hard)
        return std::move(hard).error();
    d.hardLimitKiB = *hard;
    auto soft = limitKiB(firstChild(tunes, "soft_limit"), "./memtune/soft_limit[1]");
    if (!soft)
        return std::move(soft).error();
    d.softLimitKiB = *soft;
    auto min = memoryKiB(firstChild(tunes, "min_guarantee"), "./memtune/min_guarantee[1]");
    if (!min)
        return std::move(min).error();
    d.minGuaranteeKiB = min->value_or(0);
    auto swap = limitKiB(firstChild(tunes, "swap_hard_limit"), "./memtune/swap_hard_limit[1]");
    if (!swap)
        return std::move(swap).error();
    d.swapHardLimitKiB = *swap;
    return d;
}

void MemTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    auto isSet = [](const std::optional<unsigned long long> &kib) { return kib && *kib < kMemoryUnlimitedKiB; };
    if (!isSet(hardLimitKiB) && !isSet(softLimitKiB) && !minGuaranteeKiB && !isSet(swapHardLimitKiB))
        return;
    w.start("memtune");
    auto size = [&](const char *name, unsigned long long kib) {
        w.start(name).attr("unit", "KiB").text(std::to_string(kib)).end();
    };
    if (isSet(hardLimitKiB))
        size("hard_limit", *hardLimitKiB);
    if (isSet(softLimitKiB))
        size("soft_limit", *softLimitKiB);
    if (minGuaranteeKiB)
        size("min_guarantee", minGuaranteeKiB);
    if (isSet(swapHardLimitKiB))
        size("swap_hard_limit", *swapHardLimitKiB);
    w.end();
}

// ---- <cputune>

namespace {

Result<ThreadSched> parseSchedAttrs(const xmlNode *n)
{
    Props p(n);
    ThreadSched s;
    auto policy = p.enumeration("scheduler", kSchedPolicy, PROP_REQUIRED | PROP_NONE_INVALID);
    if (!policy)
        return std::move(policy).error();
    s.policy = **policy;
    if (s.policy == SchedPolicy::Fifo || s.policy == SchedPolicy::Rr) {
        auto prio = p.sint("priority", PROP_REQUIRED);
        if (!prio)
            return std::move(prio).error();
        s.priority = **prio;
    }
    return s;
}

// <vcpusched vcpus='...'>, <iothreadsched iothreads='...'>: the set, then the scheduler.
Result<std::pair<Bitmap, ThreadSched>> parseSched(const xmlNode *n, const char *attr)
{
    auto raw = xml::attr(n, attr);
    if (!raw)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing attribute '%s' in element '%s'", attr,
                             reinterpret_cast<const char *>(n->name));
    auto set = Bitmap::parse(*raw);
    if (!set)
        return std::move(set).error();
    if (set->empty())
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "'%s' scheduler bitmap '%s' is empty", attr,
                             raw->c_str());
    auto sched = parseSchedAttrs(n);
    if (!sched)
        return std::move(sched).error();
    return std::make_pair(std::move(*set), *sched);
}

// The vcpus of a <cachetune>, <memorytune> or <monitor>, limited to the vCPUs the domain has.
Result<Bitmap> resctrlVcpus(const xmlNode *n, unsigned int maxVcpus)
{
    const char *name = reinterpret_cast<const char *>(n->name);
    auto raw = xml::attr(n, "vcpus");
    if (!raw)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing %s attribute 'vcpus'", name);
    auto set = Bitmap::parse(*raw);
    if (!set)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid %s attribute 'vcpus' value '%s'", name,
                             raw->c_str());
    set->shrink(maxVcpus);
    return set;
}

// The group with exactly these vcpus (nullptr if none); overlapping groups are refused.
Result<ResctrlDef *> resctrlMatch(std::vector<ResctrlDef> &groups, const Bitmap &vcpus)
{
    for (ResctrlDef &g : groups) {
        if (g.vcpus == vcpus)
            return &g;
        if (g.vcpus.overlaps(vcpus))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Overlapping vcpus in resctrls");
    }
    return static_cast<ResctrlDef *>(nullptr);
}

Result<void> parseMonitors(const xmlNode *tune, bool cache, ResctrlDef &group, unsigned int maxVcpus)
{
    for (const xmlNode *m : xml::Children(tune)) {
        if (!xml::is(m, "monitor"))
            continue;
        if (cache) {
            auto level = Props(m).uint("level", PROP_REQUIRED);
            if (!level)
                return std::move(level).error();
            if (**level != 3)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid monitor cache level '%d'",
                                     static_cast<int>(**level));
        }
        auto vcpus = resctrlVcpus(m, maxVcpus);
        if (!vcpus)
            return std::move(vcpus).error();
        if (vcpus->empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "vcpus is empty");
        bool inGroup = true;
        vcpus->forEach([&](unsigned int v) { inGroup &= group.vcpus.test(v); });
        if (!inGroup)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "Monitor vcpus conflicts with allocation");
        bool equalsGroup = *vcpus == group.vcpus;
        bool overlapAny = false, overlapOutsideGroup = false;
        for (const ResctrlDef::Monitor &other : group.monitors) {
            if (other.vcpus == *vcpus) {
                if (other.cache == cache)
                    return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "Identical vcpus found in same type monitors");
                continue;
            }
            bool overlap = other.vcpus.overlaps(*vcpus);
            overlapAny |= overlap;
            if (!equalsGroup && !(other.vcpus == group.vcpus))
                overlapOutsideGroup |= overlap;
        }
        if (overlapOutsideGroup || (group.allocEmpty() && overlapAny))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "vcpus overlaps in resctrl groups");
        group.monitors.push_back({cache, std::move(*vcpus)});
    }
    return {};
}

Result<void> parseCachetune(const xmlNode *n, std::vector<ResctrlDef> &groups, unsigned int maxVcpus)
{
    auto vcpus = resctrlVcpus(n, maxVcpus);
    if (!vcpus)
        return std::move(vcpus).error();
    if (vcpus->empty())
        return {};
    auto match = resctrlMatch(groups, *vcpus);
    if (!match)
        return std::move(match).error();
    if (*match)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Identical vcpus in cachetunes found");
    ResctrlDef group;
    group.vcpus = std::move(*vcpus);
    size_t ncaches = 0;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "cache"))
            continue;
        ncaches++;
        Props p(c);
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        auto level = p.uint("level", PROP_REQUIRED);
        if (!level)
            return std::move(level).error();
        auto type = p.enumeration("type", kCacheType, PROP_REQUIRED);
        if (!type)
            return std::move(type).error();
        auto size = scaledBytes(xml::attr(c, "size"), xml::attr(c, "unit"), 1024, ULLONG_MAX, "./@size", true);
        if (!size)
            return std::move(size).error();
        // 'both' takes the whole cache; 'code' and 'data' each once
        auto has = [&](CacheType t) { return group.caches.count({**level, t, **id}) > 0; };
        bool collides = has(CacheType::Both) ||
                        (**type == CacheType::Both ? has(CacheType::Code) || has(CacheType::Data) : has(**type));
        if (collides)
            return Error::format(VIR_FROM_RESCTRL, VIR_ERR_XML_ERROR,
                                 "Colliding cache allocations for cache level '%u' id '%u', type '%s'", **level, **id,
                                 std::string(kCacheType.name(**type)).c_str());
        group.caches[{**level, **type, **id}] = **size;
    }
    VH_TRY(parseMonitors(n, true, group, maxVcpus));
    if (ncaches == 0 && group.monitors.empty())
        return {};
    groups.push_back(std::move(group));
    return {};
}

Result<void> parseMemorytune(const xmlNode *n, std::vector<ResctrlDef> &groups, unsigned int maxVcpus)
{
    auto vcpus = resctrlVcpus(n, maxVcpus);
    if (!vcpus)
        return std::move(vcpus).error();
    if (vcpus->empty())
        return {};
    auto match = resctrlMatch(groups, *vcpus);
    if (!match)
        return std::move(match).error();
    ResctrlDef fresh;
    ResctrlDef &group = *match ? **match : fresh;
    if (!*match)
        group.vcpus = std::move(*vcpus);
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "node"))
            continue;
        Props p(c);
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        auto bandwidth = p.uint("bandwidth", PROP_REQUIRED);
        if (!bandwidth)
            return std::move(bandwidth).error();
        if (**bandwidth > 100)
            return Error::make(VIR_FROM_RESCTRL, VIR_ERR_XML_ERROR, "Memory Bandwidth value exceeding 100 is invalid.");
        if (!group.bandwidths.emplace(**id, **bandwidth).second)
            return Error::format(VIR_FROM_RESCTRL, VIR_ERR_XML_ERROR, "Memory Bandwidth already defined for node %u",
                                 **id);
    }
    VH_TRY(parseMonitors(n, false, group, maxVcpus));
    if (!*match)
        groups.push_back(std::move(fresh));
    return {};
}

// Sizes as libvirt prints them: the largest binary unit that divides them.
std::pair<unsigned long long, const char *> prettySize(unsigned long long bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t u = 0;
    while (bytes && bytes % 1024 == 0 && u + 1 < std::size(units)) {
        bytes /= 1024;
        u++;
    }
    return {bytes, units[u]};
}

bool hasCachetune(const ResctrlDef &g)
{
    return !g.caches.empty() || std::any_of(g.monitors.begin(), g.monitors.end(), [](const auto &m) { return m.cache; });
}

bool hasMemorytune(const ResctrlDef &g)
{
    return !g.bandwidths.empty() ||
           std::any_of(g.monitors.begin(), g.monitors.end(), [](const auto &m) { return !m.cache; });
}

} // namespace

Result<CpuTuneDef> CpuTuneDef::parse(const TopLevel &top, const ParseContext &ctx)
{
    CpuTuneDef d;
    auto tunes = top.all("cputune");
    if (tunes.empty())
        return d;

    struct Scalar {
        const char *elem, *what;
        unsigned long long *ull;
        long long *ll;
    };
    unsigned long long shares = 0;
    const Scalar scalars[] = {
        {"shares", "shares", &shares, nullptr},
        {"period", "period", &d.period, nullptr},
        {"quota", "quota", nullptr, &d.quota},
        {"global_period", "global period", &d.globalPeriod, nullptr},
        {"global_quota", "global quota", nullptr, &d.globalQuota},
        {"emulator_period", "emulator period", &d.emulatorPeriod, nullptr},
        {"emulator_quota", "emulator quota", nullptr, &d.emulatorQuota},
        {"iothread_period", "iothread period", &d.iothreadPeriod, nullptr},
        {"iothread_quota", "iothread quota", nullptr, &d.iothreadQuota},
    };
    for (const Scalar &s : scalars) {
        auto text = nonEmptyText(firstChild(tunes, s.elem));
        if (!text)
            continue;
        bool ok;
        if (s.ull) {
            auto v = num::ull(*text);
            ok = bool(v);
            *s.ull = v.value_or(0);
        } else {
            auto v = num::ll(*text);
            ok = bool(v);
            *s.ll = v.value_or(0);
        }
        if (!ok)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "can't parse cputune %s value", s.what);
        if (s.ull == &shares)
            d.shares = shares;
    }

    unsigned int maxVcpus = VcpuDef::maxFrom(top);
    std::optional<IothreadsDef> iothreads;
    auto iothreadIndex = [&](unsigned int id) -> std::optional<size_t> {
        if (!iothreads) {
            auto parsed = IothreadsDef::parse(top, ctx);   // read before, without error
            iothreads = parsed ? std::move(*parsed) : IothreadsDef{};
        }
        for (size_t i = 0; i < iothreads->ids.size(); i++)
            if (iothreads->ids[i].id == id)
                return i;
        return std::nullopt;
    };

    for (const xmlNode *n : allChildren(tunes, "vcpupin")) {
        auto vcpu = Props(n).uint("vcpu", PROP_REQUIRED);
        if (!vcpu)
            return std::move(vcpu).error();
        if (**vcpu >= maxVcpus)
            continue;   // libvirt ignores pins of vCPUs the domain lacks, with a warning
        for (const CpuPin &p : d.vcpupins)
            if (p.id == **vcpu)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "duplicate vcpupin for vcpu '%u'", **vcpu);
        auto cpuset = xml::attr(n, "cpuset");
        if (!cpuset)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing cpuset for vcpupin");
        auto set = nonEmptySet(*cpuset, "cpuset");
        if (!set)
            return std::move(set).error();
        d.vcpupins.push_back({**vcpu, std::move(*set)});
    }
    std::sort(d.vcpupins.begin(), d.vcpupins.end(), [](const CpuPin &a, const CpuPin &b) { return a.id < b.id; });

    auto emulatorpins = allChildren(tunes, "emulatorpin");
    if (emulatorpins.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one emulatorpin is supported");
    if (!emulatorpins.empty()) {
        auto cpuset = xml::attr(emulatorpins[0], "cpuset");
        if (!cpuset)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing cpuset for emulatorpin");
        auto set = nonEmptySet(*cpuset, "cpuset");
        if (!set)
            return std::move(set).error();
        d.emulatorpin = std::move(*set);
    }

    std::vector<std::pair<size_t, CpuPin>> iopins;
    for (const xmlNode *n : allChildren(tunes, "iothreadpin")) {
        auto id = Props(n).uint("iothread", PROP_REQUIRED | PROP_NONZERO);
        if (!id)
            return std::move(id).error();
        auto index = iothreadIndex(**id);
        if (!index)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Cannot find 'iothread' : %u", **id);
        for (const auto &p : iopins)
            if (p.second.id == **id)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "duplicate iothreadpin for same iothread '%u'",
                                     **id);
        auto cpuset = xml::attr(n, "cpuset");
        if (!cpuset)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing cpuset for iothreadpin");
        auto set = nonEmptySet(*cpuset, "cpuset");
        if (!set)
            return std::move(set).error();
        iopins.push_back({*index, {**id, std::move(*set)}});
    }
    std::sort(iopins.begin(), iopins.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &p : iopins)
        d.iothreadpins.push_back(std::move(p.second));

    for (const xmlNode *n : allChildren(tunes, "vcpusched")) {
        auto sched = parseSched(n, "vcpus");
        if (!sched)
            return std::move(sched).error();
        for (int v = sched->first.next(-1); v >= 0; v = sched->first.next(v)) {
            if (static_cast<unsigned int>(v) >= maxVcpus)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "vCPU '%d' is not present in domain definition", v);
            if (!d.vcpusched.emplace(static_cast<unsigned int>(v), sched->second).second)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "'vcpusched' attributes 'vcpus' must not overlap");
        }
    }

    std::vector<std::tuple<size_t, unsigned int, ThreadSched>> iosched;
    for (const xmlNode *n : allChildren(tunes, "iothreadsched")) {
        auto sched = parseSched(n, "iothreads");
        if (!sched)
            return std::move(sched).error();
        for (int t = sched->first.next(-1); t >= 0; t = sched->first.next(t)) {
            auto index = iothreadIndex(static_cast<unsigned int>(t));
            if (!index)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Cannot find 'iothread' : %d", t);
            for (const auto &s : iosched)
                if (std::get<0>(s) == *index)
                    return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL,
                                       "'iothreadsched' attributes 'iothreads' must not overlap");
            iosched.emplace_back(*index, static_cast<unsigned int>(t), sched->second);
        }
    }
    std::sort(iosched.begin(), iosched.end(),
              [](const auto &a, const auto &b) { return std::get<0>(a) < std::get<0>(b); });
    for (const auto &s : iosched)
        d.iothreadsched.emplace_back(std::get<1>(s), std::get<2>(s));

    auto emulatorsched = allChildren(tunes, "emulatorsched");
    if (emulatorsched.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one emulatorsched is supported");
    if (!emulatorsched.empty()) {
        auto sched = parseSchedAttrs(emulatorsched[0]);
        if (!sched)
            return std::move(sched).error();
        d.emulatorsched = *sched;
    }

    for (const xmlNode *n : allChildren(tunes, "cachetune"))
        VH_TRY(parseCachetune(n, d.resctrls, maxVcpus));
    for (const xmlNode *n : allChildren(tunes, "memorytune"))
        VH_TRY(parseMemorytune(n, d.resctrls, maxVcpus));
    return d;
}

Result<void> CpuTuneDef::validateAll(const DomainDef &def)
{
    const CpuTuneDef &t = def.cputune;
    if (t.shares && *t.shares && (*t.shares < 2 || *t.shares > 262144))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "Value of cputune 'shares' must be in range [2, 262144]");
    const std::pair<const char *, unsigned long long> periods[] = {
        {"period", t.period}, {"global_period", t.globalPeriod}, {"emulator_period", t.emulatorPeriod},
        {"iothread_period", t.iothreadPeriod}};
    for (auto [name, v] : periods)
        if (v > 0 && (v < 1000 || v > 1000000))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "Value of cputune '%s' must be in range [1000, 1000000]", name);
    const std::pair<const char *, long long> quotas[] = {
        {"quota", t.quota}, {"global_quota", t.globalQuota}, {"emulator_quota", t.emulatorQuota},
        {"iothread_quota", t.iothreadQuota}};
    for (auto [name, v] : quotas)
        if (v > 0 && (v < 1000 || v > 17592186044415LL))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "Value of cputune '%s' must be in range [1000, 17592186044415]", name);
    return {};
}

void CpuTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    bool any = shares || period || quota || globalPeriod || globalQuota || emulatorPeriod || emulatorQuota ||
               iothreadPeriod || iothreadQuota || !vcpupins.empty() || emulatorpin || !iothreadpins.empty() ||
               emulatorsched || !vcpusched.empty() || !iothreadsched.empty() ||
               std::any_of(resctrls.begin(), resctrls.end(), hasCachetune) ||
               std::any_of(resctrls.begin(), resctrls.end(), hasMemorytune);
    if (!any)
        return;
    w.start("cputune");
    if (shares)
        w.element("shares", std::to_string(*shares));
    auto period_ = [&](const char *name, unsigned long long v) {
        if (v)
            w.element(name, std::to_string(v));
    };
    auto quota_ = [&](const char *name, long long v) {
        if (v)
            w.element(name, std::to_string(v));
    };
    period_("period", period);
    quota_("quota", quota);
    period_("global_period", globalPeriod);
    quota_("global_quota", globalQuota);
    period_("emulator_period", emulatorPeriod);
    quota_("emulator_quota", emulatorQuota);
    period_("iothread_period", iothreadPeriod);
    quota_("iothread_quota", iothreadQuota);
    for (const CpuPin &p : vcpupins)
        w.start("vcpupin").attr("vcpu", p.id).attr("cpuset", p.cpuset.format()).end();
    if (emulatorpin)
        w.start("emulatorpin").attr("cpuset", emulatorpin->format()).end();
    for (const CpuPin &p : iothreadpins)
        w.start("iothreadpin").attr("iothread", p.id).attr("cpuset", p.cpuset.format()).end();
    auto sched = [&](const char *elem, const char *attr, unsigned int id, const ThreadSched &s) {
        w.start(elem);
        if (attr)
            w.attr(attr, id);
        w.attr("scheduler", kSchedPolicy.name(s.policy));
        if (s.policy == SchedPolicy::Fifo || s.policy == SchedPolicy::Rr)
            w.attr("priority", s.priority);
        w.end();
    };
    if (emulatorsched)
        sched("emulatorsched", nullptr, 0, *emulatorsched);
    for (const auto &[v, s] : vcpusched)
        sched("vcpusched", "vcpus", v, s);
    for (const auto &[t, s] : iothreadsched)
        sched("iothreadsched", "iothreads", t, s);
    for (const ResctrlDef &g : resctrls) {
        if (!hasCachetune(g))
            continue;
        w.start("cachetune").attr("vcpus", g.vcpus.format());
        for (const auto &[key, bytes] : g.caches) {
            auto [level, type, id] = key;
            auto [size, unit] = prettySize(bytes);
            w.start("cache").attr("id", id).attr("level", level).attr("type", kCacheType.name(type));
            w.attr("size", size).attr("unit", unit).end();
        }
        for (const auto &m : g.monitors)
            if (m.cache)
                w.start("monitor").attr("level", 3).attr("vcpus", m.vcpus.format()).end();
        w.end();
    }
    for (const ResctrlDef &g : resctrls) {
        if (!hasMemorytune(g))
            continue;
        w.start("memorytune").attr("vcpus", g.vcpus.format());
        for (const auto &[node, bw] : g.bandwidths)
            w.start("node").attr("id", node).attr("bandwidth", bw).end();
        for (const auto &m : g.monitors)
            if (!m.cache)
                w.start("monitor").attr("vcpus", m.vcpus.format()).end();
        w.end();
    }
    w.end();
}

// ---- <numatune>

Result<NumaTuneDef> NumaTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    NumaTuneDef d;
    auto tunes = top.all("numatune");
    if (tunes.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one numatune is supported");
    const xmlNode *tune = tunes.empty() ? nullptr : tunes[0];
    const xmlNode *memory = tune ? xml::child(tune, "memory") : nullptr;
    const xmlNode *vcpu = top.first("vcpu");
    auto vcpuPlacement = vcpu ? xml::attr(vcpu, "placement") : std::nullopt;
    bool placementStatic = !(vcpuPlacement && *vcpuPlacement == "auto");

    std::optional<NumatuneMode> mode;
    std::optional<NumatunePlacement> placement;
    std::optional<Bitmap> nodeset;
    if (!placementStatic && !memory)
        placement = NumatunePlacement::Auto;
    if (memory) {
        if (auto raw = xml::attr(memory, "mode")) {
            mode = kNumatuneMode.parse(*raw);
            if (!mode)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "Unsupported NUMA memory tuning mode '%s'", raw->c_str());
        }
        if (auto raw = xml::attr(memory, "placement")) {
            placement = kNumatunePlacement.parse(*raw);
            if (!placement)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "Unsupported NUMA memory placement mode '%s'", raw->c_str());
        }
        if (auto raw = xml::attr(memory, "nodeset")) {
            auto set = nonEmptySet(*raw, "nodeset");
            if (!set)
                return std::move(set).error();
            nodeset = std::move(*set);
        }
    }
    if (mode || placement || nodeset) {
        NumatunePlacement p = placement.value_or(NumatunePlacement::Default);
        if (nodeset) {
            d.nodeset = std::move(nodeset);
            if (p == NumatunePlacement::Default)
                p = NumatunePlacement::Static;
        }
        if (p == NumatunePlacement::Default)
            p = placementStatic ? NumatunePlacement::Static : NumatunePlacement::Auto;
        if (p == NumatunePlacement::Static && !d.nodeset)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        if (p == NumatunePlacement::Auto)
            d.nodeset.reset();
        d.placement = p;
        d.mode = mode.value_or(NumatuneMode::Strict);
        d.specified = true;
    }

    std::vector<const xmlNode *> memnodes;
    if (tune)
        for (const xmlNode *c : xml::Children(tune))
            if (xml::is(c, "memnode"))
                memnodes.push_back(c);
    if (memnodes.empty())
        return d;
    if (d.specified && d.placement == NumatunePlacement::Auto)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "Per-node binding is not compatible with automatic NUMA placement.");
    size_t cells = CpuDef::numaCellCount(top);
    if (cells == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Element 'memnode' is invalid without any guest NUMA cells");
    for (const xmlNode *n : memnodes) {
        Props p(n);
        auto cellid = p.uint("cellid", PROP_REQUIRED);
        if (!cellid)
            return std::move(cellid).error();
        if (**cellid >= cells)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                               "Argument 'cellid' in memnode element must correspond to existing guest's NUMA cell");
        for (const MemnodeDef &m : d.memnodes)
            if (m.cellid == **cellid)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Multiple memnode elements with cellid %u",
                                     **cellid);
        MemnodeDef m;
        m.cellid = **cellid;
        auto nodeMode = p.enumeration("mode", kNumatuneMode);
        if (!nodeMode)
            return std::move(nodeMode).error();
        m.mode = nodeMode->value_or(NumatuneMode::Strict);
        auto raw = xml::attr(n, "nodeset");
        if (!raw)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing required nodeset attribute in memnode element");
        auto set = nonEmptySet(*raw, "nodeset");
        if (!set)
            return std::move(set).error();
        m.nodeset = std::move(*set);
        d.memnodes.push_back(std::move(m));
    }
    std::sort(d.memnodes.begin(), d.memnodes.end(),
              [](const MemnodeDef &a, const MemnodeDef &b) { return a.cellid < b.cellid; });
    return d;
}

void NumaTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!specified && memnodes.empty())
        return;
    w.start("numatune");
    if (specified) {
        w.start("memory").attr("mode", kNumatuneMode.name(mode));
        if (placement == NumatunePlacement::Static)
            w.attr("nodeset", nodeset ? nodeset->format() : std::string());
        else if (placement != NumatunePlacement::Default)
            w.attr("placement", kNumatunePlacement.name(placement));
        w.end();
    }
    for (const MemnodeDef &m : memnodes)
        w.start("memnode")
            .attr("cellid", m.cellid)
            .attr("mode", kNumatuneMode.name(m.mode))
            .attr("nodeset", m.nodeset.format())
            .end();
    w.end();
}

// ---- <resource>

Result<ResourceDef> ResourceDef::parse(const TopLevel &top, const ParseContext &)
{
    ResourceDef d;
    auto all = top.all("resource");
    if (all.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one resource element is supported");
    if (all.empty())
        return d;
    if (const xmlNode *p = xml::child(all[0], "partition"))
        d.partition = xml::text(p);
    for (const xmlNode *c : xml::Children(all[0])) {
        if (!xml::is(c, "fibrechannel"))
            continue;
        if (auto appid = xml::attr(c, "appid")) {
            d.appid = *appid;
            break;
        }
    }
    // libvirt fails here without saying why
    if (d.partition.empty() && d.appid.empty())
        return Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown");
    return d;
}

Result<void> ResourceDef::validateAll(const DomainDef &def)
{
    const std::string &appid = def.resource.appid;
    if (appid.empty())
        return {};
    if (appid.size() > 128)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG,
                           "Fibre Channel 'appid' string length must be between [1, 128]");
    for (char c : appid)
        if (c < 0x20 || c > 0x7e)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Fibre Channel 'appid' is not a printable string");
    return {};
}

void ResourceDef::format(xml::Writer &w, const FormatContext &) const
{
    if (partition.empty() && appid.empty())
        return;
    w.start("resource");
    if (!partition.empty())
        w.element("partition", partition);
    if (!appid.empty())
        w.start("fibrechannel").attr("appid", appid).end();
    w.end();
}

} // namespace vh::conf
