#include "conf/capabilities/capabilities.h"

#include <cstdio>

#include <libvirt/virterror.h>

#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

namespace {

enum class PowerTarget { Mem, Disk, Hybrid, Last };
VH_ENUM_TABLE(kPowerTargets, PowerTarget, "suspend_mem", "suspend_disk", "suspend_hybrid");

enum class CacheType { Both, Code, Data, Last };
VH_ENUM_TABLE(kCacheTypes, CacheType, "both", "code", "data");

enum class OsType { Hvm, Xen, Linux, Exe, Uml, XenPvh, Last };
VH_ENUM_TABLE(kOsTypes, OsType, "hvm", "xen", "linux", "exe", "uml", "xenpvh");

enum class VirtType { None, Qemu, Kqemu, Kvm, Xen, Lxc, Uml, Openvz, Test, Vmware, Hyperv, Vbox, Phyp, Parallels, Bhyve, Vz, Last };
VH_ENUM_TABLE(kVirtTypes, VirtType, "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware", "hyperv",
              "vbox", "phyp", "parallels", "bhyve", "vz");

VH_ENUM_TABLE(kGuestFeatures, CapsGuestFeature, "pae", "nonpae", "ia64_be", "acpi", "apic", "cpuselection", "deviceboot",
              "disksnapshot", "hap", "externalSnapshot");
// The features libvirt prints with default= and toggle=.
constexpr bool kToggled[] = {false, false, false, true, true, false, false, true, true, false};

const char *name(const xmlNode *n) { return reinterpret_cast<const char *>(n->name); }

Error unknownElement(const xmlNode *n, const char *where)
{
    return Error::format(VIR_FROM_CAPABILITIES, VIR_ERR_XML_ERROR, "unknown element '%s' in '%s'", name(n), where);
}

Error missingText(const char *element)
{
    return Error::format(VIR_FROM_CAPABILITIES, VIR_ERR_XML_ERROR, "missing value of element '%s'", element);
}

// Sizes libvirt prints with the largest unit that divides them.
const char *const kByteUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

unsigned long long pretty(unsigned long long bytes, const char **unit)
{
    int i = 0;
    while (i < 6 && bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        i++;
    }
    *unit = kByteUnits[i];
    return bytes;
}

int unitIndex(std::string_view unit)
{
    for (int i = 0; i < 7; i++)
        if (unit == kByteUnits[i])
            return i;
    return -1;
}

// size= with unit= (B, KiB, ...) in bytes.
Result<unsigned long long> bytesAttr(const xmlNode *n, const char *attr, const std::string &unit)
{
    Props p(n);
    auto v = p.ull(attr, PROP_REQUIRED);
    if (!v)
        return std::move(v).error();
    int idx = unitIndex(unit);
    if (idx < 0)
        return p.invalid("unit", unit, "");
    unsigned long long r = **v;
    for (int i = 0; i < idx; i++) {
        if (r > ~0ull / 1024)
            return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %llu%s", **v, unit.c_str());
        r *= 1024;
    }
    return r;
}

Result<CapsMonitor> parseMonitor(const xmlNode *n, bool cache)
{
    Props p(n);
    CapsMonitor m;
    if (cache) {
        auto level = p.uint("level", PROP_REQUIRED);
        if (!level)
            return std::move(level).error();
        auto reuse = p.uint("reuseThreshold", PROP_REQUIRED);
        if (!reuse)
            return std::move(reuse).error();
        m.cache = std::make_pair(**level, **reuse);
    }
    auto max = p.uint("maxMonitors", PROP_REQUIRED);
    if (!max)
        return std::move(max).error();
    m.maxMonitors = **max;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "feature"))
            return unknownElement(c, "monitor");
        auto f = Props(c).str("name", PROP_REQUIRED);
        if (!f)
            return std::move(f).error();
        m.features.push_back(**f);
    }
    return m;
}

void formatMonitor(xml::Writer &w, const CapsMonitor &m)
{
    if (m.features.empty())
        return;
    w.start("monitor");
    if (m.cache)
        w.attr("level", m.cache->first).attr("reuseThreshold", m.cache->second);
    w.attr("maxMonitors", m.maxMonitors);
    for (const std::string &f : m.features)
        w.start("feature").attr("name", f).end();
    w.end();
}

Result<void> parseHostCpu(const xmlNode *n, CapsHostCpu &cpu)
{
    for (const xmlNode *c : xml::Children(n)) {
        Props p(c);
        if (xml::is(c, "arch")) {
            cpu.arch = xml::text(c);
        } else if (xml::is(c, "features")) {
            for (const xmlNode *f : xml::Children(c))
                cpu.features.emplace_back(name(f));
        } else if (xml::is(c, "model")) {
            cpu.model = xml::text(c);
        } else if (xml::is(c, "vendor")) {
            cpu.vendor = xml::text(c);
        } else if (xml::is(c, "microcode")) {
            auto v = p.uint("version", PROP_REQUIRED);
            if (!v)
                return std::move(v).error();
            cpu.microcode = **v;
        } else if (xml::is(c, "signature")) {
            CapsHostCpu::Signature s;
            for (auto [attr, field] : {std::pair{"family", &s.family}, {"model", &s.model}, {"stepping", &s.stepping}}) {
                auto v = p.uint(attr, PROP_REQUIRED);
                if (!v)
                    return std::move(v).error();
                *field = **v;
            }
            cpu.signature = s;
        } else if (xml::is(c, "counter")) {
            CapsHostCpu::Counter k;
            auto f = p.ull("frequency", PROP_REQUIRED);
            if (!f)
                return std::move(f).error();
            k.frequency = **f;
            auto s = p.yesNo("scaling");
            if (!s)
                return std::move(s).error();
            k.scaling = *s;
            cpu.counter = k;
        } else if (xml::is(c, "topology")) {
            for (auto [attr, field] : {std::pair{"sockets", &cpu.sockets}, {"dies", &cpu.dies}, {"cores", &cpu.cores},
                                       {"threads", &cpu.threads}}) {
                auto v = p.uint(attr);
                if (!v)
                    return std::move(v).error();
                *field = v->value_or(*field);
            }
        } else if (xml::is(c, "maxphysaddr")) {
            CapsHostCpu::MaxPhysAddr m;
            auto mode = p.str("mode", PROP_REQUIRED);
            if (!mode)
                return std::move(mode).error();
            if (**mode != "emulate" && **mode != "passthrough")
                return p.invalid("mode", **mode, "");
            m.mode = **mode;
            auto bits = p.uint("bits");
            if (!bits)
                return std::move(bits).error();
            m.bits = *bits;
            cpu.maxphysaddr = m;
        } else if (xml::is(c, "feature")) {
            auto f = p.str("name", PROP_REQUIRED);
            if (!f)
                return std::move(f).error();
            cpu.cpuFeatures.push_back(**f);
        } else if (xml::is(c, "pages")) {
            auto size = p.uint("size", PROP_REQUIRED);
            if (!size)
                return std::move(size).error();
            cpu.pages.push_back(**size);
        } else {
            return unknownElement(c, "cpu");
        }
    }
    return {};
}

Result<CapsCell> parseCell(const xmlNode *n)
{
    CapsCell cell;
    auto id = Props(n).sint("id", PROP_REQUIRED);
    if (!id)
        return std::move(id).error();
    cell.id = **id;
    for (const xmlNode *c : xml::Children(n)) {
        Props p(c);
        if (xml::is(c, "memory")) {
            auto kib = elementKiB(c, "./memory");
            if (!kib)
                return std::move(kib).error();
            cell.memoryKiB = *kib;
        } else if (xml::is(c, "pages")) {
            auto size = p.uint("size", PROP_REQUIRED);
            if (!size)
                return std::move(size).error();
            auto count = elementULL(c, "./pages");
            if (!count)
                return std::move(count).error();
            cell.pages.push_back({**size, *count});
        } else if (xml::is(c, "distances")) {
            for (const xmlNode *s : xml::Children(c)) {
                if (!xml::is(s, "sibling"))
                    return unknownElement(s, "distances");
                Props sp(s);
                auto sid = sp.sint("id", PROP_REQUIRED);
                if (!sid)
                    return std::move(sid).error();
                auto value = sp.sint("value", PROP_REQUIRED);
                if (!value)
                    return std::move(value).error();
                cell.distances.emplace_back(**sid, **value);
            }
        } else if (xml::is(c, "cpus")) {
            for (const xmlNode *k : xml::Children(c)) {
                if (!xml::is(k, "cpu"))
                    return unknownElement(k, "cpus");
                Props kp(k);
                CapsCellCpu cpu;
                auto cid = kp.uint("id", PROP_REQUIRED);
                if (!cid)
                    return std::move(cid).error();
                cpu.id = **cid;
                cpu.siblings = kp.str("siblings");
                if (cpu.siblings) {
                    for (auto [attr, field] : {std::pair{"socket_id", &cpu.socket}, {"die_id", &cpu.die}, {"core_id", &cpu.core}}) {
                        auto v = kp.sint(attr);
                        if (!v)
                            return std::move(v).error();
                        *field = v->value_or(0);
                    }
                }
                cell.cpus.push_back(std::move(cpu));
            }
        } else {
            return unknownElement(c, "cell");
        }
    }
    return cell;
}

Result<void> parseCache(const xmlNode *n, CapsHost &host)
{
    for (const xmlNode *c : xml::Children(n)) {
        Props p(c);
        if (xml::is(c, "monitor")) {
            auto m = parseMonitor(c, true);
            if (!m)
                return std::move(m).error();
            host.cacheMonitor = std::move(*m);
            continue;
        }
        if (!xml::is(c, "bank"))
            return unknownElement(c, "cache");
        CapsCacheBank bank;
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        bank.id = **id;
        auto level = p.uint("level", PROP_REQUIRED);
        if (!level)
            return std::move(level).error();
        bank.level = **level;
        auto type = p.enumeration("type", kCacheTypes, PROP_REQUIRED);
        if (!type)
            return std::move(type).error();
        bank.type = kCacheTypes.name(**type);
        auto size = bytesAttr(c, "size", p.str("unit").value_or("B"));
        if (!size)
            return std::move(size).error();
        bank.size = *size;
        bank.cpus = p.str("cpus").value_or("");
        for (const xmlNode *k : xml::Children(c)) {
            if (!xml::is(k, "control"))
                return unknownElement(k, "bank");
            Props kp(k);
            CapsCacheControl ctl;
            std::string unit = kp.str("unit").value_or("B");
            auto gran = bytesAttr(k, "granularity", unit);
            if (!gran)
                return std::move(gran).error();
            ctl.granularity = ctl.min = *gran;
            if (kp.str("min")) {
                auto min = bytesAttr(k, "min", unit);
                if (!min)
                    return std::move(min).error();
                ctl.min = *min;
            }
            auto ctype = kp.enumeration("type", kCacheTypes, PROP_REQUIRED);
            if (!ctype)
                return std::move(ctype).error();
            ctl.type = kCacheTypes.name(**ctype);
            auto allocs = kp.uint("maxAllocs", PROP_REQUIRED);
            if (!allocs)
                return std::move(allocs).error();
            ctl.maxAllocs = **allocs;
            bank.controls.push_back(std::move(ctl));
        }
        host.cacheBanks.push_back(std::move(bank));
    }
    return {};
}

Result<void> parseMemoryBandwidth(const xmlNode *n, CapsHost &host)
{
    for (const xmlNode *c : xml::Children(n)) {
        Props p(c);
        if (xml::is(c, "monitor")) {
            auto m = parseMonitor(c, false);
            if (!m)
                return std::move(m).error();
            host.memBWMonitor = std::move(*m);
            continue;
        }
        if (!xml::is(c, "node"))
            return unknownElement(c, "memory_bandwidth");
        CapsMemBWNode node;
        auto id = p.uint("id", PROP_REQUIRED);
        if (!id)
            return std::move(id).error();
        node.id = **id;
        node.cpus = p.str("cpus").value_or("");
        for (const xmlNode *k : xml::Children(c)) {
            if (!xml::is(k, "control"))
                return unknownElement(k, "node");
            Props kp(k);
            std::array<unsigned int, 3> v{};
            // libvirt prints "min ='N'" (with a space); an XML reader sees the attribute "min".
            const char *attrs[] = {"granularity", "min", "maxAllocs"};
            for (int i = 0; i < 3; i++) {
                auto x = kp.uint(attrs[i], PROP_REQUIRED);
                if (!x)
                    return std::move(x).error();
                v[i] = **x;
            }
            node.control = v;
        }
        host.memBWNodes.push_back(std::move(node));
    }
    return {};
}

Result<void> parseHost(const xmlNode *n, CapsHost &host)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "uuid")) {
            host.uuid = xml::text(c);
        } else if (xml::is(c, "cpu")) {
            auto r = parseHostCpu(c, host.cpu);
            if (!r)
                return r;
        } else if (xml::is(c, "power_management")) {
            for (const xmlNode *t : xml::Children(c)) {
                auto target = kPowerTargets.parse(name(t));
                if (!target)
                    return unknownElement(t, "power_management");
                host.powerMgmt |= 1u << static_cast<unsigned>(*target);
            }
        } else if (xml::is(c, "iommu")) {
            auto s = Props(c).yesNo("support", PROP_REQUIRED);
            if (!s)
                return std::move(s).error();
            host.iommu = **s;
        } else if (xml::is(c, "migration_features")) {
            host.migration = true;
            for (const xmlNode *m : xml::Children(c)) {
                if (xml::is(m, "live")) {
                    host.liveMigration = true;
                } else if (xml::is(m, "uri_transports")) {
                    for (const xmlNode *t : xml::Children(m)) {
                        if (!xml::is(t, "uri_transport"))
                            return unknownElement(t, "uri_transports");
                        host.migrationTransports.push_back(xml::text(t));
                    }
                } else {
                    return unknownElement(m, "migration_features");
                }
            }
        } else if (xml::is(c, "netprefix")) {
            host.netprefix = xml::text(c);
        } else if (xml::is(c, "topology")) {
            const xmlNode *cells = xml::child(c, "cells");
            host.cells.emplace();
            for (const xmlNode *cell : xml::Children(cells)) {
                if (!xml::is(cell, "cell"))
                    return unknownElement(cell, "cells");
                auto parsed = parseCell(cell);
                if (!parsed)
                    return std::move(parsed).error();
                host.cells->push_back(std::move(*parsed));
            }
        } else if (xml::is(c, "cache")) {
            auto r = parseCache(c, host);
            if (!r)
                return r;
        } else if (xml::is(c, "memory_bandwidth")) {
            auto r = parseMemoryBandwidth(c, host);
            if (!r)
                return r;
        } else if (xml::is(c, "secmodel")) {
            CapsSecModel sec;
            for (const xmlNode *s : xml::Children(c)) {
                if (xml::is(s, "model")) {
                    sec.model = xml::text(s);
                } else if (xml::is(s, "doi")) {
                    sec.doi = xml::text(s);
                } else if (xml::is(s, "baselabel")) {
                    auto type = Props(s).str("type", PROP_REQUIRED);
                    if (!type)
                        return std::move(type).error();
                    sec.baselabels.emplace_back(**type, xml::text(s));
                } else {
                    return unknownElement(s, "secmodel");
                }
            }
            if (sec.model.empty())
                return missingText("model");
            host.secModels.push_back(std::move(sec));
        } else {
            return unknownElement(c, "host");
        }
    }
    return {};
}

Result<CapsMachine> parseMachine(const xmlNode *n)
{
    Props p(n);
    CapsMachine m;
    m.name = xml::text(n);
    if (m.name.empty())
        return missingText("machine");
    m.canonical = p.str("canonical").value_or("");
    auto max = p.sint("maxCpus");
    if (!max)
        return std::move(max).error();
    m.maxCpus = max->value_or(0);
    auto deprecated = p.yesNo("deprecated");
    if (!deprecated)
        return std::move(deprecated).error();
    m.deprecated = deprecated->value_or(false);
    return m;
}

Result<void> parseArch(const xmlNode *n, CapsGuest &guest)
{
    auto arch = Props(n).str("name", PROP_REQUIRED);
    if (!arch)
        return std::move(arch).error();
    guest.arch = **arch;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "wordsize")) {
            auto v = elementULL(c, "./arch/wordsize");
            if (!v)
                return std::move(v).error();
            guest.wordsize = static_cast<int>(*v);
        } else if (xml::is(c, "emulator")) {
            guest.emulator = xml::text(c);
        } else if (xml::is(c, "loader")) {
            guest.loader = xml::text(c);
        } else if (xml::is(c, "machine")) {
            auto m = parseMachine(c);
            if (!m)
                return std::move(m).error();
            guest.machines.push_back(std::move(*m));
        } else if (xml::is(c, "domain")) {
            CapsGuestDomain dom;
            auto type = Props(c).enumeration("type", kVirtTypes, PROP_REQUIRED | PROP_NONE_INVALID);
            if (!type)
                return std::move(type).error();
            dom.type = kVirtTypes.name(**type);
            for (const xmlNode *d : xml::Children(c)) {
                if (xml::is(d, "emulator")) {
                    dom.emulator = xml::text(d);
                } else if (xml::is(d, "loader")) {
                    dom.loader = xml::text(d);
                } else if (xml::is(d, "machine")) {
                    auto m = parseMachine(d);
                    if (!m)
                        return std::move(m).error();
                    dom.machines.push_back(std::move(*m));
                } else {
                    return unknownElement(d, "domain");
                }
            }
            guest.domains.push_back(std::move(dom));
        } else {
            return unknownElement(c, "arch");
        }
    }
    return {};
}

Result<CapsGuest> parseGuest(const xmlNode *n)
{
    CapsGuest guest;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "os_type")) {
            std::string t = xml::text(c);
            if (!kOsTypes.parse(t))
                return Error::format(VIR_FROM_CAPABILITIES, VIR_ERR_XML_ERROR, "unknown OS type '%s'", t.c_str());
            guest.osType = t;
        } else if (xml::is(c, "arch")) {
            auto r = parseArch(c, guest);
            if (!r)
                return std::move(r).error();
        } else if (xml::is(c, "features")) {
            for (const xmlNode *f : xml::Children(c)) {
                auto feature = kGuestFeatures.parse(name(f));
                if (!feature)
                    return Error::format(VIR_FROM_CAPABILITIES, VIR_ERR_XML_ERROR, "unknown guest feature '%s'", name(f));
                Props p(f);
                CapsGuest::Feature &slot = guest.features[static_cast<size_t>(*feature)];
                slot.present = true;
                auto def = p.onOff("default");
                if (!def)
                    return std::move(def).error();
                slot.defaultOn = *def;
                auto toggle = p.yesNo("toggle");
                if (!toggle)
                    return std::move(toggle).error();
                slot.toggle = *toggle;
            }
        } else {
            return unknownElement(c, "guest");
        }
    }
    if (guest.osType.empty())
        return missingText("os_type");
    return guest;
}

void formatMachines(xml::Writer &w, const std::vector<CapsMachine> &machines)
{
    for (const CapsMachine &m : machines) {
        w.start("machine");
        if (!m.canonical.empty())
            w.attr("canonical", m.canonical);
        if (m.maxCpus > 0)
            w.attr("maxCpus", m.maxCpus);
        if (m.deprecated)
            w.attr("deprecated", "yes");
        w.text(m.name).end();
    }
}

void formatHostCpu(xml::Writer &w, const CapsHostCpu &cpu)
{
    w.start("cpu").open();
    if (!cpu.arch.empty())
        w.element("arch", cpu.arch);
    if (!cpu.features.empty()) {
        w.start("features");
        for (const std::string &f : cpu.features)
            w.start(f).end();
        w.end();
    }
    if (!cpu.model.empty())
        w.element("model", cpu.model);
    if (!cpu.vendor.empty())
        w.element("vendor", cpu.vendor);
    if (cpu.microcode)
        w.start("microcode").attr("version", *cpu.microcode).end();
    if (cpu.signature && cpu.signature->family)
        w.start("signature").attr("family", cpu.signature->family).attr("model", cpu.signature->model)
            .attr("stepping", cpu.signature->stepping).end();
    if (cpu.counter && cpu.counter->frequency) {
        w.start("counter").attr("name", "tsc").attr("frequency", cpu.counter->frequency);
        if (cpu.counter->scaling)
            w.attr("scaling", yesNo(*cpu.counter->scaling));
        w.end();
    }
    if (cpu.sockets && cpu.dies && cpu.cores && cpu.threads)
        w.start("topology").attr("sockets", cpu.sockets).attr("dies", cpu.dies).attr("cores", cpu.cores)
            .attr("threads", cpu.threads).end();
    if (cpu.maxphysaddr) {
        w.start("maxphysaddr").attr("mode", cpu.maxphysaddr->mode);
        if (cpu.maxphysaddr->bits)
            w.attr("bits", *cpu.maxphysaddr->bits);
        w.end();
    }
    for (const std::string &f : cpu.cpuFeatures)
        w.start("feature").attr("name", f).end();
    for (unsigned int size : cpu.pages)
        w.start("pages").attr("unit", "KiB").attr("size", size).end();
    w.end();
}

void formatCells(xml::Writer &w, const std::vector<CapsCell> &cells)
{
    w.start("topology").start("cells").attr("num", static_cast<unsigned int>(cells.size()));
    for (const CapsCell &cell : cells) {
        w.start("cell").attr("id", cell.id);
        if (cell.memoryKiB)
            w.start("memory").attr("unit", "KiB").text(std::to_string(cell.memoryKiB)).end();
        for (const CapsCell::Pages &p : cell.pages)
            w.start("pages").attr("unit", "KiB").attr("size", p.sizeKiB).text(std::to_string(p.count)).end();
        if (!cell.distances.empty()) {
            w.start("distances");
            for (auto [id, value] : cell.distances)
                w.start("sibling").attr("id", id).attr("value", value).end();
            w.end();
        }
        w.start("cpus").attr("num", static_cast<unsigned int>(cell.cpus.size()));
        for (const CapsCellCpu &cpu : cell.cpus) {
            w.start("cpu").attr("id", cpu.id);
            if (cpu.siblings)
                w.attr("socket_id", cpu.socket).attr("die_id", cpu.die).attr("core_id", cpu.core).attr("siblings", *cpu.siblings);
            w.end();
        }
        w.end();
        w.end();
    }
    w.end().end();
}

void formatCache(xml::Writer &w, const CapsHost &host)
{
    if (host.cacheBanks.empty())
        return;
    w.start("cache");
    for (const CapsCacheBank &bank : host.cacheBanks) {
        const char *unit;
        unsigned long long size = pretty(bank.size, &unit);
        w.start("bank").attr("id", bank.id).attr("level", bank.level).attr("type", bank.type).attr("size", size)
            .attr("unit", unit).attr("cpus", bank.cpus);
        for (const CapsCacheControl &ctl : bank.controls) {
            const char *gunit;
            unsigned long long gran = pretty(ctl.granularity, &gunit);
            w.start("control");
            if (ctl.min != ctl.granularity) {
                const char *munit;
                unsigned long long min = pretty(ctl.min, &munit);
                // both values in the smaller of their two units
                if (unitIndex(munit) < unitIndex(gunit)) {
                    for (int i = unitIndex(munit); i < unitIndex(gunit); i++)
                        gran *= 1024;
                    gunit = munit;
                } else {
                    for (int i = unitIndex(gunit); i < unitIndex(munit); i++)
                        min *= 1024;
                }
                w.attr("granularity", gran).attr("min", min);
            } else {
                w.attr("granularity", gran);
            }
            w.attr("unit", gunit).attr("type", ctl.type).attr("maxAllocs", ctl.maxAllocs).end();
        }
        w.end();
    }
    if (host.cacheMonitor)
        formatMonitor(w, *host.cacheMonitor);
    w.end();
}

void formatMemoryBandwidth(xml::Writer &w, const CapsHost &host)
{
    if (host.memBWNodes.empty())
        return;
    w.start("memory_bandwidth");
    for (const CapsMemBWNode &node : host.memBWNodes) {
        w.start("node").attr("id", node.id).attr("cpus", node.cpus);
        if (node.control) {
            // libvirt writes this element with "min ='N'"
            char buf[128];
            snprintf(buf, sizeof(buf), "<control granularity='%u' min ='%u' maxAllocs='%u'/>\n", (*node.control)[0],
                     (*node.control)[1], (*node.control)[2]);
            std::string line(static_cast<size_t>(w.depth()) * 2, ' ');
            w.raw(line + buf);
        }
        w.end();
    }
    if (host.memBWMonitor)
        formatMonitor(w, *host.memBWMonitor);
    w.end();
}

void formatHost(xml::Writer &w, const CapsHost &host)
{
    if (!host.uuid && host.cpu.arch.empty() && !host.powerMgmt && !host.iommu)
        return;
    w.start("host");
    if (host.uuid)
        w.element("uuid", *host.uuid);
    formatHostCpu(w, host.cpu);
    if (host.powerMgmt) {
        w.start("power_management");
        for (size_t i = 0; i < kPowerTargets.size(); i++)
            if (host.powerMgmt & (1u << i))
                w.start(kPowerTargets.names[i]).end();
        w.end();
    } else {
        w.start("power_management").end();
    }
    w.start("iommu").attr("support", yesNo(host.iommu)).end();
    if (host.migration) {
        w.start("migration_features").open();
        if (host.liveMigration)
            w.start("live").end();
        if (!host.migrationTransports.empty()) {
            w.start("uri_transports");
            for (const std::string &t : host.migrationTransports)
                w.element("uri_transport", t);
            w.end();
        }
        w.end();
    }
    if (!host.netprefix.empty())
        w.element("netprefix", host.netprefix);
    if (host.cells)
        formatCells(w, *host.cells);
    formatCache(w, host);
    formatMemoryBandwidth(w, host);
    for (const CapsSecModel &sec : host.secModels) {
        w.start("secmodel");
        w.element("model", sec.model);
        w.element("doi", sec.doi);
        for (const auto &[type, label] : sec.baselabels)
            w.start("baselabel").attr("type", type).text(label).end();
        w.end();
    }
    w.end();
    w.raw("\n");
}

void formatGuest(xml::Writer &w, const CapsGuest &guest)
{
    w.start("guest");
    if (!guest.comment.empty()) {
        // "--" may not appear inside a comment
        std::string text = guest.comment;
        for (size_t at; (at = text.find("--")) != std::string::npos;)
            text.replace(at, 2, "- -");
        w.open().raw(std::string(static_cast<size_t>(w.depth()) * 2, ' ') + "<!-- " + text + " -->\n");
    }
    w.element("os_type", guest.osType);
    w.start("arch").attr("name", guest.arch);
    w.element("wordsize", std::to_string(guest.wordsize));
    if (!guest.emulator.empty())
        w.element("emulator", guest.emulator);
    if (!guest.loader.empty())
        w.element("loader", guest.loader);
    formatMachines(w, guest.machines);
    for (const CapsGuestDomain &dom : guest.domains) {
        w.start("domain").attr("type", dom.type);
        if (!dom.emulator.empty())
            w.element("emulator", dom.emulator);
        if (!dom.loader.empty())
            w.element("loader", dom.loader);
        formatMachines(w, dom.machines);
        w.end();
    }
    w.end();
    bool any = false;
    for (const CapsGuest::Feature &f : guest.features)
        any |= f.present;
    if (any) {
        w.start("features");
        for (size_t i = 0; i < kGuestFeatures.size(); i++) {
            const CapsGuest::Feature &f = guest.features[i];
            if (!f.present)
                continue;
            w.start(kGuestFeatures.names[i]);
            if (kToggled[i]) {
                w.attr("default", f.defaultOn ? onOff(*f.defaultOn) : "absent");
                w.attr("toggle", f.toggle ? yesNo(*f.toggle) : "absent");
            }
            w.end();
        }
        w.end();
    }
    w.end();
    w.raw("\n");
}

} // namespace

Result<std::unique_ptr<CapabilitiesDef>> parseCapabilities(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(capabilities_definition)", VIR_FROM_XML);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "capabilities"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'capabilities', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<CapabilitiesDef>();
    for (const xmlNode *c : xml::Children(root)) {
        if (xml::is(c, "host")) {
            auto r = parseHost(c, def->host);
            if (!r)
                return std::move(r).error();
        } else if (xml::is(c, "guest")) {
            auto g = parseGuest(c);
            if (!g)
                return std::move(g).error();
            def->guests.push_back(std::move(*g));
        } else {
            return unknownElement(c, "capabilities");
        }
    }
    return def;
}

std::string formatCapabilities(const CapabilitiesDef &def, unsigned int)
{
    xml::Writer w;
    w.start("capabilities").open().raw("\n");
    formatHost(w, def.host);
    for (const CapsGuest &guest : def.guests)
        formatGuest(w, guest);
    w.end();
    return w.take();
}

} // namespace vh::conf
