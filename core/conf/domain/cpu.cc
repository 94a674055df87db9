#include "conf/domain/cpu.h"

#include <climits>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "conf/props.h"

namespace vh::conf {

namespace {

using xml::nonEmpty;

Error cpuError(int code, const char *message)
{
    return Error::make(VIR_FROM_CPU, code, message);
}

// The <numa> each <cpu> holds first: libvirt reads ./cpu/numa[1]/cell over all of them.
std::vector<const xmlNode *> numaElements(const TopLevel &top)
{
    std::vector<const xmlNode *> out;
    for (const xmlNode *cpu : top.all("cpu"))
        if (const xmlNode *numa = xml::child(cpu, "numa"))
            out.push_back(numa);
    return out;
}

Result<void> parseDistances(const xmlNode *cellNode, std::vector<NumaCell> &cells, unsigned int cur)
{
    const xmlNode *distances = xml::child(cellNode, "distances");
    if (!distances)
        return {};
    size_t n = cells.size();
    bool any = false;
    for (const xmlNode *s : xml::Children(distances)) {
        if (!xml::is(s, "sibling"))
            continue;
        any = true;
        Props p(s);
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        if (**id >= n)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                 "'sibling_id %d' does not refer to a valid cell within NUMA 'cell id %d'",
                                 static_cast<int>(**id), static_cast<int>(cur));
        auto value = p.uint("value", PROP_REQUIRED);
        if (!value)
            return std::move(value).error();
        constexpr unsigned int local = 10, unreachable = 255;
        if (**value < local || **value > unreachable || (**id == cur) != (**value == local))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                 "'value %d' is invalid for 'sibling id %d' under NUMA 'cell id %d'",
                                 static_cast<int>(**value), static_cast<int>(**id), static_cast<int>(cur));
        std::vector<unsigned int> &ldist = cells[cur].distances;
        if (ldist.empty()) {
            ldist.assign(n, 0);
            ldist[cur] = local;
        }
        ldist[**id] = **value;
        // the other cell gets the same distance back, unless it says otherwise
        std::vector<unsigned int> &rdist = cells[**id].distances;
        if (rdist.empty()) {
            rdist.assign(n, 0);
            rdist[**id] = local;
        }
        if (!rdist[cur])
            rdist[cur] = **value;
    }
    if (!any)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "NUMA distances defined without siblings");
    return {};
}

Result<void> parseNuma(const TopLevel &top, CpuDef &d)
{
    auto numas = numaElements(top);
    if (numas.empty())
        return {};
    std::vector<const xmlNode *> nodes;
    for (const xmlNode *numa : numas)
        for (const xmlNode *c : xml::Children(numa))
            if (xml::is(c, "cell"))
                nodes.push_back(c);
    if (nodes.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "NUMA topology defined without NUMA cells");
    size_t n = nodes.size();
    d.cells.assign(n, NumaCell{});
    for (size_t i = 0; i < n; i++) {
        const xmlNode *node = nodes[i];
        Props p(node);
        auto id = p.uint("id");
        if (!id)
            return std::move(id).error();
        unsigned int cur = id->value_or(static_cast<unsigned int>(i));
        if (cur >= n)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                               "Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges or "
                               "ranges not starting from 0 are not allowed");
        // libvirt takes a cell with memory as already given
        if (d.cells[cur].memKiB)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Duplicate NUMA cell info for cell id '%u'", cur);
        NumaCell &cell = d.cells[cur];
        if (auto cpus = xml::attr(node, "cpus")) {
            auto set = Bitmap::parse(*cpus);
            if (!set)
                return std::move(set).error();
            if (!set->empty())
                cell.cpus = std::move(*set);
        }
        for (size_t j = 0; j < n; j++) {
            if (j == cur || !d.cells[j].cpus || !cell.cpus)
                continue;
            if (d.cells[j].cpus->overlaps(*cell.cpus))
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "NUMA cells %u and %zu have overlapping vCPU ids", cur, j);
        }
        auto mem = memoryKiB(nonEmpty(xml::attr(node, "memory")), xml::attr(node, "unit"), "./@memory", true);
        if (!mem)
            return std::move(mem).error();
        cell.memKiB = mem->value_or(0);
        auto access = p.enumeration("memAccess", kMemoryAccess, PROP_NONE_INVALID);
        if (!access)
            return std::move(access).error();
        cell.memAccess = access->value_or(MemoryAccess::Default);
        auto discard = p.yesNo("discard");
        if (!discard)
            return std::move(discard).error();
        cell.discard = *discard;
        VH_TRY(parseDistances(node, d.cells, cur));
        for (const xmlNode *c : xml::Children(node))
            if (xml::is(c, "cache"))
                cell.raw.push_back(xml::reformat(c, 4));
    }
    if (const xmlNode *ic = xml::child(numas[0], "interconnects"))
        d.numaRaw.push_back(xml::reformat(ic, 3));
    return {};
}

} // namespace

size_t CpuDef::numaCellCount(const TopLevel &top)
{
    size_t n = 0;
    for (const xmlNode *numa : numaElements(top))
        for (const xmlNode *c : xml::Children(numa))
            n += xml::is(c, "cell");
    return n;
}

Result<CpuDef> CpuDef::parse(const TopLevel &top, const ParseContext &)
{
    CpuDef d;
    if (const xmlNode *cpu = top.first("cpu")) {
        d.present = true;
        Props p(cpu);
        if (auto mode = xml::attr(cpu, "mode")) {
            auto m = kCpuMode.parse(*mode);
            if (!m)
                return Error::format(VIR_FROM_CPU, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid mode attribute '%s'", mode->c_str());
            d.mode = *m;
        }
        auto migratable = p.onOff("migratable");
        if (!migratable)
            return std::move(migratable).error();
        d.migratable = *migratable;
        if (d.migratable && d.mode != CpuMode::HostPassthrough && d.mode != CpuMode::Maximum)
            return cpuError(VIR_ERR_CONFIG_UNSUPPORTED,
                            "Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode");
        auto match = p.enumeration("match", kCpuMatch);
        if (!match)
            return std::move(match).error();
        d.match = match->value_or(CpuMatch::Exact);
        auto check = p.enumeration("check", kCpuCheck);
        if (!check)
            return std::move(check).error();
        d.check = check->value_or(CpuCheck::Default);

        const xmlNode *model = xml::child(cpu, "model");
        if (model)
            d.model = xml::text(model);
        if (model && (d.mode == CpuMode::Custom || d.mode == CpuMode::HostModel)) {
            if (auto fallback = nonEmpty(xml::attr(model, "fallback"))) {
                auto f = kCpuFallback.parse(*fallback);
                if (!f)
                    return cpuError(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid fallback attribute");
                d.fallback = *f;
            }
            if (auto vendorId = nonEmpty(xml::attr(model, "vendor_id"))) {
                if (vendorId->size() != 12)
                    return cpuError(VIR_ERR_XML_ERROR, "vendor_id must be exactly 12 characters long");
                if (vendorId->find(',') != std::string::npos)
                    return cpuError(VIR_ERR_XML_ERROR, "vendor id is invalid");
                d.vendorId = std::move(*vendorId);
            }
        }

        if (const xmlNode *vendor = xml::child(cpu, "vendor"))
            d.vendor = xml::text(vendor);
        if (!d.vendor.empty() && d.model.empty())
            return cpuError(VIR_ERR_XML_ERROR, "CPU vendor specified without CPU model");

        if (const xmlNode *topology = xml::child(cpu, "topology")) {
            Props t(topology);
            auto sockets = t.uint("sockets", PROP_REQUIRED | PROP_NONZERO);
            if (!sockets)
                return std::move(sockets).error();
            auto dies = t.uint("dies", PROP_NONZERO);
            if (!dies)
                return std::move(dies).error();
            auto cores = t.uint("cores", PROP_REQUIRED | PROP_NONZERO);
            if (!cores)
                return std::move(cores).error();
            auto threads = t.uint("threads", PROP_REQUIRED | PROP_NONZERO);
            if (!threads)
                return std::move(threads).error();
            d.sockets = **sockets;
            d.dies = dies->value_or(1);
            d.cores = **cores;
            d.threads = **threads;
        }

        std::vector<const xmlNode *> features, caches;
        for (const xmlNode *c : xml::Children(cpu)) {
            if (xml::is(c, "feature"))
                features.push_back(c);
            else if (xml::is(c, "cache"))
                caches.push_back(c);
        }
        if (!features.empty() && d.model.empty() && d.mode == CpuMode::Custom)
            return cpuError(VIR_ERR_XML_ERROR, "Non-empty feature list specified without CPU model");
        for (const xmlNode *f : features) {
            CpuFeature feature;
            if (auto policy = xml::attr(f, "policy")) {
                auto v = kCpuFeaturePolicy.parse(*policy);
                if (!v)
                    return cpuError(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid CPU feature policy");
                feature.policy = *v;
            }
            auto name = xml::attr(f, "name");
            if (!name || name->empty())
                return cpuError(VIR_ERR_XML_ERROR, "Invalid CPU feature name");
            for (const CpuFeature &other : d.features)
                if (other.name == *name)
                    return Error::format(VIR_FROM_CPU, VIR_ERR_XML_ERROR, "CPU feature '%s' specified more than once",
                                         name->c_str());
            feature.name = std::move(*name);
            d.features.push_back(std::move(feature));
        }

        if (caches.size() > 1)
            return cpuError(VIR_ERR_XML_ERROR, "at most one CPU cache element may be specified");
        if (!caches.empty()) {
            Cache cache;
            auto level = nonNegativeInt(caches[0], "level");
            if (!level)
                return std::move(level).error();
            if (*level && (**level < 1 || **level > 3))
                return cpuError(VIR_ERR_XML_ERROR, "invalid CPU cache level, must be in range [1,3]");
            cache.level = level->value_or(-1);
            auto mode = Props(caches[0]).enumeration("mode", kCpuCacheMode, PROP_REQUIRED);
            if (!mode)
                return std::move(mode).error();
            cache.mode = **mode;
            d.cache = cache;
        }

        if (const xmlNode *addr = xml::child(cpu, "maxphysaddr")) {
            MaxPhysAddr a;
            auto mode = Props(addr).enumeration("mode", kMaxPhysAddrMode, PROP_REQUIRED);
            if (!mode)
                return std::move(mode).error();
            a.mode = **mode;
            auto bits = nonNegativeInt(addr, "bits");
            if (!bits)
                return std::move(bits).error();
            a.bits = bits->value_or(-1);
            d.maxphysaddr = a;
        }
    }

    VH_TRY(parseNuma(top, d));

    // The cells' vCPUs against <vcpu> (read before <cpu>).
    unsigned int maxVcpus = VcpuDef::maxFrom(top);
    size_t ncpus = 0;
    int maxId = 0;
    for (const NumaCell &c : d.cells) {
        if (!c.cpus)
            continue;
        ncpus += c.cpus->count();
        maxId = std::max(maxId, c.cpus->last());
    }
    if (ncpus > maxVcpus)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Number of CPUs in <numa> exceeds the <vcpu> count");
    if (static_cast<unsigned int>(maxId) >= maxVcpus)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "CPU IDs in <numa> exceed the <vcpu> count");
    return d;
}

Result<void> CpuDef::postParseCheckAll(const DomainDef &def)
{
    const CpuDef &c = def.cpu;
    if (c.present && c.mode == CpuMode::Custom && c.model.empty() && c.check != CpuCheck::Default)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "check attribute specified for CPU with no model");
    return {};
}

Result<void> CpuDef::validateAll(const DomainDef &def)
{
    const CpuDef &c = def.cpu;
    if (!c.sockets)
        return {};
    unsigned long long n = c.sockets;
    for (unsigned int f : {c.dies, c.cores, c.threads}) {
        n *= f;
        if (n > UINT_MAX)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "cpu topology results in more than %u cpus",
                                 UINT_MAX);
    }
    return {};
}

void CpuDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!present)
        return;
    bool formatModel = mode == CpuMode::Custom || mode == CpuMode::HostModel;
    bool showMode = mode != CpuMode::Custom || !model.empty();
    bool showMatch = mode == CpuMode::Custom && !model.empty();
    bool showModel = formatModel && (!model.empty() || !vendorId.empty());
    bool showVendor = formatModel && !vendor.empty();
    bool showTopology = sockets && dies && cores && threads;
    bool any = showMode || showMatch || check != CpuCheck::Default || migratable || showModel || showVendor ||
               showTopology || cache || maxphysaddr || !features.empty() || !cells.empty();
    if (!any)
        return;
    w.start("cpu");
    if (showMode)
        w.attr("mode", kCpuMode.name(mode));
    if (showMatch)
        w.attr("match", kCpuMatch.name(match));
    if (check != CpuCheck::Default)
        w.attr("check", kCpuCheck.name(check));
    if (migratable)
        w.attr("migratable", onOff(*migratable));
    if (showModel) {
        w.start("model");
        if (!model.empty())
            w.attr("fallback", kCpuFallback.name(fallback));
        if (!vendorId.empty())
            w.attr("vendor_id", vendorId);
        if (!model.empty())
            w.text(model);
        w.end();
    }
    if (showVendor)
        w.element("vendor", vendor);
    if (showTopology)
        w.start("topology").attr("sockets", sockets).attr("dies", dies).attr("cores", cores).attr("threads", threads).end();
    if (cache) {
        w.start("cache");
        if (cache->level != -1)
            w.attr("level", cache->level);
        w.attr("mode", kCpuCacheMode.name(cache->mode)).end();
    }
    if (maxphysaddr) {
        w.start("maxphysaddr").attr("mode", kMaxPhysAddrMode.name(maxphysaddr->mode));
        if (maxphysaddr->bits != -1)
            w.attr("bits", maxphysaddr->bits);
        w.end();
    }
    for (const CpuFeature &f : features)
        w.start("feature").attr("policy", kCpuFeaturePolicy.name(f.policy)).attr("name", f.name).end();
    if (!cells.empty()) {
        w.start("numa");
        for (size_t i = 0; i < cells.size(); i++) {
            const NumaCell &c = cells[i];
            w.start("cell").attr("id", static_cast<unsigned long long>(i));
            if (c.cpus)
                w.attr("cpus", c.cpus->format());
            w.attr("memory", c.memKiB).attr("unit", "KiB");
            if (c.memAccess != MemoryAccess::Default)
                w.attr("memAccess", kMemoryAccess.name(c.memAccess));
            if (c.discard)
                w.attr("discard", yesNo(*c.discard));
            if (!c.distances.empty()) {
                w.start("distances");
                for (size_t j = 0; j < c.distances.size(); j++)
                    if (c.distances[j])
                        w.start("sibling").attr("id", static_cast<unsigned long long>(j)).attr("value", c.distances[j]).end();
                w.end();
            }
            for (const std::string &r : c.raw)
                w.raw(r);
            w.end();
        }
        for (const std::string &r : numaRaw)
            w.raw(r);
        w.end();
    }
    w.end();
}

} // namespace vh::conf
