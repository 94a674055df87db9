// The test driver's tuning calls: the scheduler, <memtune>, <blkiotune>, <numatune>, <perf>, a
// disk's <iotune> and an interface's <bandwidth>, read and changed as typed parameters. Values,
// parameter order, checks and messages follow libvirt 9.0's test driver.
#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/test/test_driver.h"

namespace vh::drv::test {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_TEST, "test", flags, allowed)

namespace {

constexpr unsigned int kAffect = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;
// libvirt's entry points add VIR_TYPED_PARAM_STRING_OKAY to the flags of the getters of
// typed parameters before the driver sees them; the test driver accepts it.
constexpr unsigned int kGetFlags = kAffect | VIR_TYPED_PARAM_STRING_OKAY;
constexpr unsigned long long kMemoryUnlimited = VIR_DOMAIN_MEMORY_PARAM_UNLIMITED;
constexpr unsigned long long kIotuneMax = 1000000000000000ULL;   // the test driver's throttle limit

// ---- <blkiotune> device lists: "path,value,path,value"

enum class BlkioField { Weight, ReadIops, WriteIops, ReadBytes, WriteBytes };

struct BlkioParam {
    const char *name;
    BlkioField field;
};
constexpr BlkioParam kBlkioDeviceParams[] = {
    {VIR_DOMAIN_BLKIO_DEVICE_WEIGHT, BlkioField::Weight},
    {VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS, BlkioField::ReadIops},
    {VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS, BlkioField::WriteIops},
    {VIR_DOMAIN_BLKIO_DEVICE_READ_BPS, BlkioField::ReadBytes},
    {VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS, BlkioField::WriteBytes},
};

unsigned long long blkioValue(const conf::BlkioDevice &d, BlkioField f)
{
    switch (f) {
    case BlkioField::Weight: return d.weight;
    case BlkioField::ReadIops: return d.readIops;
    case BlkioField::WriteIops: return d.writeIops;
    case BlkioField::ReadBytes: return d.readBytes;
    case BlkioField::WriteBytes: return d.writeBytes;
    }
    return 0;
}

void setBlkioValue(conf::BlkioDevice &d, BlkioField f, unsigned long long v)
{
    switch (f) {
    case BlkioField::Weight: d.weight = static_cast<unsigned int>(v); break;
    case BlkioField::ReadIops: d.readIops = static_cast<unsigned int>(v); break;
    case BlkioField::WriteIops: d.writeIops = static_cast<unsigned int>(v); break;
    case BlkioField::ReadBytes: d.readBytes = v; break;
    case BlkioField::WriteBytes: d.writeBytes = v; break;
    }
}

// The devices with this value set, as the getter lists them.
std::string blkioList(const conf::BlkioTuneDef &b, BlkioField f)
{
    std::string out;
    for (const conf::BlkioDevice &d : b.devices) {
        unsigned long long v = blkioValue(d, f);
        if (!v)
            continue;
        if (!out.empty())
            out += ',';
        out += d.path + ',' + std::to_string(v);
    }
    return out;
}

// A device list of the setter, as libvirt reads it: pairs of a path and a number (strtoul
// rules without a sign; weights and IOPS are unsigned int).
Result<std::vector<std::pair<std::string, unsigned long long>>> parseBlkioList(const std::string &s, const char *param,
                                                                              BlkioField f)
{
    std::vector<std::pair<std::string, unsigned long long>> out;
    if (s.empty())
        return out;
    size_t commas = static_cast<size_t>(std::count(s.begin(), s.end(), ','));
    auto unparsable = [&] {
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "unable to parse blkio device '%s' '%s'", param, s.c_str());
    };
    if (commas % 2 == 0)
        return unparsable();
    bool wide = f == BlkioField::ReadBytes || f == BlkioField::WriteBytes;
    size_t pos = 0;
    for (size_t i = 0; i < (commas + 1) / 2; i++) {
        size_t comma = s.find(',', pos);
        std::string path = s.substr(pos, comma - pos);
        const char *num = s.c_str() + comma + 1;
        char *end = nullptr;
        errno = 0;
        unsigned long long v = strtoull(num, &end, 10);
        if (end == num || errno || memchr(num, '-', static_cast<size_t>(end - num)) || (!wide && v > UINT_MAX))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "invalid value '%s' for parameter '%s' of device '%s'",
                                 num, param, path.c_str());
        out.emplace_back(std::move(path), v);
        if (*end == '\0')
            break;
        if (*end != ',')
            return unparsable();
        pos = static_cast<size_t>(end - s.c_str()) + 1;
    }
    return out;
}

// libvirt's merge: a listed device takes the new value (a device whose values are all zero
// stays, unprinted); an unknown one is added unless its value is zero.
void mergeBlkio(conf::BlkioTuneDef &b, const std::vector<std::pair<std::string, unsigned long long>> &list, BlkioField f)
{
    for (const auto &entry : list) {
        const std::string &path = entry.first;   // not a structured binding: clang cannot capture one
        unsigned long long v = entry.second;
        auto it = std::find_if(b.devices.begin(), b.devices.end(), [&](const conf::BlkioDevice &d) { return d.path == path; });
        if (it != b.devices.end()) {
            setBlkioValue(*it, f, v);
        } else if (v) {
            conf::BlkioDevice d;
            d.path = path;
            setBlkioValue(d, f, v);
            b.devices.push_back(std::move(d));
        }
    }
}

// ---- <bandwidth>

// libvirt's interface lookup: by MAC address when the name is one, else by target device. Its
// place in the domain's interfaces.
Result<size_t> findInterface(const conf::DomainDef &def, const char *device)
{
    std::string name = device ? device : "(null)";
    auto mac = device ? conf::parseMac(device) : std::nullopt;
    const auto &nets = def.devices.interfaces;
    for (size_t i = 0; i < nets.size(); i++) {
        if (mac ? conf::parseMac(nets[i].mac) == mac : nets[i].targetDev == name)
            return i;
    }
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "'%s' is not a known interface", name.c_str());
}

constexpr const char *kBandwidthParams[] = {
    VIR_DOMAIN_BANDWIDTH_IN_AVERAGE, VIR_DOMAIN_BANDWIDTH_IN_PEAK, VIR_DOMAIN_BANDWIDTH_IN_BURST,
    VIR_DOMAIN_BANDWIDTH_IN_FLOOR, VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE, VIR_DOMAIN_BANDWIDTH_OUT_PEAK,
    VIR_DOMAIN_BANDWIDTH_OUT_BURST,
};

// A negative count the entry point let through (api/ gives these setters no check): libvirt's
// "nparams in <function> must be zero or greater".
Result<void> countKnown(TypedParamSpan params, const char *function)
{
    if (params.size() > INT_MAX)
        return Error::invalidArg(VIR_FROM_DOMAIN, function, "nparams", "must be zero or greater");
    return {};
}

} // namespace

Result<conf::DomainDef *> TestDriver::tuningDef(virDomainPtr dom, std::unique_lock<std::mutex> &g, unsigned int flags,
                                                DomainObj **obj)
{
    auto found = find(dom, g);
    if (!found)
        return std::move(found).error();
    VH_TRY(oneAffect(flags));   // libvirt's test driver takes one definition at a time
    auto t = targets(**found, flags & kAffect);
    if (!t)
        return std::move(t).error();
    if (obj)
        *obj = *found;
    return t->first ? t->first : t->second;
}

Result<TypedParamList> TestDriver::readTuning(virDomainPtr dom, unsigned int flags,
                                              const std::function<Result<void>(const conf::DomainDef &, TypedParamList &)> &fill)
{
    std::unique_lock<std::mutex> g;
    auto def = tuningDef(dom, g, flags);
    if (!def)
        return std::move(def).error();
    TypedParamList out;
    VH_TRY(fill(**def, out));
    return out;
}

Result<void> TestDriver::changeTuning(virDomainPtr dom, TypedParamSpan params, std::span<const TypedParamSpec> allowed,
                                      unsigned int flags, const std::function<Result<void>(conf::DomainDef &, DomainObj &)> &change)
{
    VH_TRY(typedParamsValidate(params, allowed));
    std::unique_lock<std::mutex> g;
    DomainObj *obj = nullptr;
    auto def = tuningDef(dom, g, flags, &obj);
    if (!def)
        return std::move(def).error();
    return change(**def, *obj);
}

// ---- scheduler

Result<std::string> TestDriver::domainGetSchedulerType(virDomainPtr domain, int &nparams)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    nparams = 1;
    return std::string("fair");
}

Result<TypedParamList> TestDriver::domainGetSchedulerParametersFlags(virDomainPtr domain, unsigned int flags)
{
    VH_TRY(oneAffect(flags));   // libvirt's entry point checks this first
    // libvirt's virDomainGetSchedulerParametersFlags adds VIR_TYPED_PARAM_STRING_OKAY, which
    // the test driver refuses with the caller's flags; virDomainGetSchedulerParameters passes 0.
    if (flags)
        return unsupportedFlags(VIR_FROM_TEST, "test", __func__, flags | VIR_TYPED_PARAM_STRING_OKAY);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    TypedParamList out;
    out.addUInt(VIR_DOMAIN_SCHEDULER_WEIGHT, 50);
    return out;
}

Result<void> TestDriver::domainSetSchedulerParametersFlags(virDomainPtr domain, TypedParamSpan params, unsigned int flags)
{
    // virDomainSetSchedulerParameters passes no flags
    VH_TRY(countKnown(params, flags ? "virDomainSetSchedulerParametersFlags" : "virDomainSetSchedulerParameters"));
    CHECK_FLAGS(flags, 0u);
    static const TypedParamSpec allowed[] = {{VIR_DOMAIN_SCHEDULER_WEIGHT, VIR_TYPED_PARAM_UINT}};
    VH_TRY(typedParamsValidate(params, allowed));
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    return {};   // the test driver keeps no weight: it always reports 50
}

// ---- <memtune>

Result<TypedParamList> TestDriver::domainGetMemoryParameters(virDomainPtr domain, unsigned int flags)
{
    VH_TRY(oneAffect(flags));   // libvirt's entry point checks this first
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(domain, flags, [](const conf::DomainDef &def, TypedParamList &out) -> Result<void> {
        const conf::MemTuneDef &m = def.memtune;
        out.addULLong(VIR_DOMAIN_MEMORY_HARD_LIMIT, m.hardLimitKiB.value_or(kMemoryUnlimited));
        out.addULLong(VIR_DOMAIN_MEMORY_SOFT_LIMIT, m.softLimitKiB.value_or(kMemoryUnlimited));
        out.addULLong(VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT, m.swapHardLimitKiB.value_or(kMemoryUnlimited));
        return {};
    });
}

Result<void> TestDriver::domainSetMemoryParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    static const TypedParamSpec allowed[] = {{VIR_DOMAIN_MEMORY_HARD_LIMIT, VIR_TYPED_PARAM_ULLONG},
                                             {VIR_DOMAIN_MEMORY_SOFT_LIMIT, VIR_TYPED_PARAM_ULLONG},
                                             {VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT, VIR_TYPED_PARAM_ULLONG}};
    return changeTuning(domain, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &obj) -> Result<void> {
        std::optional<unsigned long long> hard, soft, swap;
        for (const virTypedParameter &p : params) {
            if (strcmp(p.field, VIR_DOMAIN_MEMORY_HARD_LIMIT) == 0)
                hard = p.value.ul;
            else if (strcmp(p.field, VIR_DOMAIN_MEMORY_SOFT_LIMIT) == 0)
                soft = p.value.ul;
            else
                swap = p.value.ul;
        }
        // As libvirt's test driver: the hard limit may not exceed the swap hard limit, the unset
        // one counting as unlimited, and the one not given is the running definition's. Values
        // are kept as given (at or above the unlimited value: unlimited, not printed).
        if (hard || swap) {
            const conf::MemTuneDef &cur = obj.def->memtune;
            unsigned long long h = hard ? *hard : cur.hardLimitKiB.value_or(kMemoryUnlimited);
            unsigned long long s = swap ? *swap : cur.swapHardLimitKiB.value_or(kMemoryUnlimited);
            if (h > s)
                return Error::make(VIR_FROM_TEST, VIR_ERR_INVALID_ARG,
                                   "memory hard_limit tunable value must be lower than or equal to swap_hard_limit");
        }
        conf::MemTuneDef &m = def.memtune;
        if (hard)
            m.hardLimitKiB = *hard;
        if (soft)
            m.softLimitKiB = *soft;
        if (swap)
            m.swapHardLimitKiB = *swap;
        return {};
    });
}

// ---- <blkiotune>

Result<TypedParamList> TestDriver::domainGetBlkioParameters(virDomainPtr domain, unsigned int flags)
{
    VH_TRY(oneAffect(flags));   // libvirt's entry point checks this first
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(domain, flags, [](const conf::DomainDef &def, TypedParamList &out) -> Result<void> {
        out.addUInt(VIR_DOMAIN_BLKIO_WEIGHT, def.blkiotune.weight);
        for (const BlkioParam &p : kBlkioDeviceParams)
            out.addString(p.name, blkioList(def.blkiotune, p.field));
        return {};
    });
}

Result<void> TestDriver::domainSetBlkioParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags)
{
    VH_TRY(countKnown(params, "virDomainSetBlkioParameters"));
    CHECK_FLAGS(flags, kAffect);
    static const TypedParamSpec allowed[] = {{VIR_DOMAIN_BLKIO_WEIGHT, VIR_TYPED_PARAM_UINT},
                                             {VIR_DOMAIN_BLKIO_DEVICE_WEIGHT, VIR_TYPED_PARAM_STRING},
                                             {VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS, VIR_TYPED_PARAM_STRING},
                                             {VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS, VIR_TYPED_PARAM_STRING},
                                             {VIR_DOMAIN_BLKIO_DEVICE_READ_BPS, VIR_TYPED_PARAM_STRING},
                                             {VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS, VIR_TYPED_PARAM_STRING}};
    return changeTuning(domain, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &) -> Result<void> {
        // As libvirt: the parameters apply one after the other, and a bad device list stops there.
        for (const virTypedParameter &p : params) {
            if (strcmp(p.field, VIR_DOMAIN_BLKIO_WEIGHT) == 0) {
                def.blkiotune.weight = p.value.ui;
                continue;
            }
            const BlkioParam *which = std::find_if(std::begin(kBlkioDeviceParams), std::end(kBlkioDeviceParams),
                                                   [&](const BlkioParam &b) { return strcmp(p.field, b.name) == 0; });
            auto list = parseBlkioList(p.value.s ? p.value.s : "", which->name, which->field);
            if (!list)
                return std::move(list).error();
            mergeBlkio(def.blkiotune, *list, which->field);
        }
        return {};
    });
}

// ---- <numatune>

Result<TypedParamList> TestDriver::domainGetNumaParameters(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(domain, flags, [](const conf::DomainDef &def, TypedParamList &out) -> Result<void> {
        const conf::NumaTuneDef &n = def.numatune;
        bool nodes = n.specified && n.placement != conf::NumatunePlacement::Auto && n.nodeset;
        out.addInt(VIR_DOMAIN_NUMA_MODE, n.specified ? static_cast<int>(n.mode) : 0);
        out.addString(VIR_DOMAIN_NUMA_NODESET, nodes ? n.nodeset->format() : "");
        return {};
    });
}

Result<void> TestDriver::domainSetNumaParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    static const TypedParamSpec allowed[] = {{VIR_DOMAIN_NUMA_MODE, VIR_TYPED_PARAM_INT},
                                             {VIR_DOMAIN_NUMA_NODESET, VIR_TYPED_PARAM_STRING}};
    return changeTuning(domain, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &obj) -> Result<void> {
        std::optional<conf::NumatuneMode> mode;
        std::optional<conf::Bitmap> nodeset;
        for (const virTypedParameter &p : params) {
            if (strcmp(p.field, VIR_DOMAIN_NUMA_MODE) == 0) {
                int m = p.value.i;
                if (m < 0 || m >= static_cast<int>(conf::NumatuneMode::Last))
                    return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "unsupported numatune mode: '%d'", m);
                mode = static_cast<conf::NumatuneMode>(m);
            } else {
                const char *s = p.value.s ? p.value.s : "";
                auto set = conf::Bitmap::parse(s);
                if (!set)
                    return std::move(set).error();
                if (set->empty())
                    return Error::format(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "Invalid nodeset of 'numatune': %s", s);
                nodeset = std::move(*set);
            }
        }
        conf::NumaTuneDef n = def.numatune;
        bool live = obj.active() && &def == obj.def.get();
        if (live && mode && n.specified && n.mode != *mode)
            return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "can't change numatune mode for running domain");
        if (mode)
            n.mode = *mode;
        if (nodeset) {
            n.nodeset = std::move(*nodeset);
            n.placement = conf::NumatunePlacement::Static;
        }
        if (n.placement == conf::NumatunePlacement::Default)
            n.placement = n.nodeset || def.vcpu.placement != "auto" ? conf::NumatunePlacement::Static
                                                                    : conf::NumatunePlacement::Auto;
        if (n.placement == conf::NumatunePlacement::Static && !n.nodeset)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        n.specified = true;
        def.numatune = std::move(n);
        return {};
    });
}

// ---- <perf>

Result<TypedParamList> TestDriver::domainGetPerfEvents(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(domain, flags, [](const conf::DomainDef &def, TypedParamList &out) -> Result<void> {
        for (size_t i = 0; i < def.perf.events.size(); i++)
            out.addBoolean(conf::kPerfEvent.names[i], def.perf.events[i].value_or(false));
        return {};
    });
}

Result<void> TestDriver::domainSetPerfEvents(virDomainPtr domain, TypedParamSpan params, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    constexpr size_t kEvents = static_cast<size_t>(conf::PerfEvent::Last);
    static const auto allowed = [] {
        std::array<TypedParamSpec, kEvents> a{};
        for (size_t i = 0; i < kEvents; i++)
            a[i] = {conf::kPerfEvent.names[i].data(), VIR_TYPED_PARAM_BOOLEAN};   // literals: NUL-terminated
        return a;
    }();
    return changeTuning(domain, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &) -> Result<void> {
        for (const virTypedParameter &p : params) {
            for (size_t i = 0; i < kEvents; i++)
                if (conf::kPerfEvent.names[i] == p.field)
                    def.perf.events[i] = p.value.b != 0;
        }
        return {};
    });
}

// ---- a disk's <iotune>

Result<TypedParamList> TestDriver::domainGetBlockIoTune(virDomainPtr dom, const char *disk, unsigned int flags)
{
    VH_TRY(oneAffect(flags));   // libvirt's entry point checks this first
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(dom, flags, [&](const conf::DomainDef &def, TypedParamList &out) -> Result<void> {
        conf::DiskIotune none;
        const conf::DiskIotune *io = &none;   // no disk: only the names are asked for
        if (disk) {
            size_t i = conf::DiskDef::findByName(def.devices.disks, disk);
            if (i == def.devices.disks.size())
                return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "disk '%s' was not found in the domain config", disk);
            io = &def.devices.disks[i].iotune;
        }
        for (size_t i = 0; i < conf::DiskIotune::kCount; i++) {
            out.addULLong(conf::DiskIotune::field(i), io->values[i]);
            if (i == conf::DiskIotune::kGroupNameAfter)
                out.addString(VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME, io->groupName.value_or(""));
        }
        return {};
    });
}

Result<void> TestDriver::domainSetBlockIoTune(virDomainPtr dom, const char *disk, TypedParamSpan params, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    static const auto allowed = [] {
        std::array<TypedParamSpec, conf::DiskIotune::kCount + 1> a{};
        for (size_t i = 0; i < conf::DiskIotune::kCount; i++)
            a[i] = {conf::DiskIotune::field(i), VIR_TYPED_PARAM_ULLONG};
        a[conf::DiskIotune::kCount] = {VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME, VIR_TYPED_PARAM_STRING};
        return a;
    }();
    return changeTuning(dom, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &) -> Result<void> {
        auto &disks = def.devices.disks;
        size_t d = conf::DiskDef::findByName(disks, disk);
        if (d == disks.size())
            return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "missing persistent configuration for disk '%s'", disk);
        conf::DiskIotune io = disks[d].iotune;
        for (const virTypedParameter &p : params) {
            if (p.type == VIR_TYPED_PARAM_STRING) {
                io.groupName = p.value.s ? p.value.s : "";
                continue;
            }
            if (p.value.ul > kIotuneMax)
                return Error::format(VIR_FROM_TEST, VIR_ERR_ARGUMENT_UNSUPPORTED,
                                     "block I/O throttle limit value must be no more than %llu", kIotuneMax);
            for (size_t i = 0; i < conf::DiskIotune::kCount; i++)
                if (strcmp(p.field, conf::DiskIotune::field(i)) == 0)
                    io.values[i] = p.value.ul;
        }
        // values[]: total, read, write of bytes_sec (0-2), iops_sec (3-5), and their _max (6-11)
        static const char *const groups[] = {"bytes_sec", "iops_sec", "bytes_sec_max", "iops_sec_max"};
        for (size_t k = 0; k < 4; k++) {
            const auto *v = &io.values[k * 3];
            if (v[0] && (v[1] || v[2]))
                return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG,
                                     "total and read/write of %s cannot be set at the same time", groups[k]);
        }
        for (size_t i = 0; i < 6; i++)
            if (io.values[i] > io.values[i + 6])
                return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "%s cannot be set higher than %s ",
                                     conf::DiskIotune::field(i), conf::DiskIotune::field(i + 6));
        disks[d].iotune = std::move(io);
        return {};
    });
}

// ---- an interface's <bandwidth>

Result<TypedParamList> TestDriver::domainGetInterfaceParameters(virDomainPtr domain, const char *device, unsigned int flags)
{
    CHECK_FLAGS(flags, kGetFlags);
    return readTuning(domain, flags, [&](const conf::DomainDef &def, TypedParamList &list) -> Result<void> {
        conf::net::BandwidthRate in, out;
        if (device) {   // without one, only the names are asked for
            auto net = findInterface(def, device);
            if (!net)
                return std::move(net).error();
            if (const auto &bw = def.devices.interfaces[*net].bandwidth) {
                in = bw->in.value_or(in);
                out = bw->out.value_or(out);
            }
        }
        const unsigned long long values[] = {in.average, in.peak, in.burst, in.floor, out.average, out.peak, out.burst};
        for (size_t i = 0; i < std::size(kBandwidthParams); i++)
            list.addUInt(kBandwidthParams[i], static_cast<unsigned int>(values[i]));
        return {};
    });
}

Result<void> TestDriver::domainSetInterfaceParameters(virDomainPtr domain, const char *device, TypedParamSpan params,
                                                      unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    static const auto allowed = [] {
        std::array<TypedParamSpec, std::size(kBandwidthParams)> a{};
        for (size_t i = 0; i < a.size(); i++)
            a[i] = {kBandwidthParams[i], VIR_TYPED_PARAM_UINT};
        return a;
    }();
    return changeTuning(domain, params, allowed, flags, [&](conf::DomainDef &def, DomainObj &) -> Result<void> {
        conf::net::BandwidthRate in, out;
        bool inGiven = false, outGiven = false;   // an average or floor was passed
        for (const virTypedParameter &p : params) {
            unsigned int v = p.value.ui;
            std::string_view f = p.field;
            if (f == VIR_DOMAIN_BANDWIDTH_IN_AVERAGE || f == VIR_DOMAIN_BANDWIDTH_IN_FLOOR)
                inGiven = true;
            if (f == VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE)
                outGiven = true;
            if (f == VIR_DOMAIN_BANDWIDTH_IN_AVERAGE)
                in.average = v;
            else if (f == VIR_DOMAIN_BANDWIDTH_IN_PEAK)
                in.peak = v;
            else if (f == VIR_DOMAIN_BANDWIDTH_IN_BURST)
                in.burst = v;
            else if (f == VIR_DOMAIN_BANDWIDTH_IN_FLOOR)
                in.floor = v;
            else if (f == VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE)
                out.average = v;
            else if (f == VIR_DOMAIN_BANDWIDTH_OUT_PEAK)
                out.peak = v;
            else
                out.burst = v;
        }
        auto net = findInterface(def, device);
        if (!net)
            return std::move(net).error();
        // A direction needs an average (or an inbound floor); without one it is dropped when its
        // average or floor was passed (as zero), and kept as it was otherwise.
        std::optional<conf::net::BandwidthRate> newIn, newOut;
        if (in.average || in.floor)
            newIn = in;
        if (out.average)
            newOut = out;
        auto &bw = def.devices.interfaces[*net].bandwidth;
        if (!bw) {
            bw.emplace();   // kept even when empty: libvirt prints <bandwidth></bandwidth>
            bw->in = newIn;
            bw->out = newOut;
            return {};
        }
        if (newIn || inGiven)
            bw->in = newIn;
        if (newOut || outGiven)
            bw->out = newOut;
        return {};
    });
}

} // namespace vh::drv::test
