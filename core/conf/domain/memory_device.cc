#include "conf/domain/memory_device.h"

#include "conf/domain/domain_def.h"
#include "util/uuid.h"

#include <climits>
#include <fstream>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

// An unsigned number as libvirt's XPath helper reads it (virXPathUInt): 0 and the value, -1
// when absent or empty, -2 when it is not a non-negative number.
int xpathUInt(const std::optional<std::string> &v, unsigned int &out)
{
    if (!v || v->empty())
        return -1;
    auto x = num::uint(*v);
    if (!x)
        return -2;
    out = *x;
    return 0;
}

// A memory size element in KiB (libvirt's virDomainParseMemory); 0 when absent.
Result<unsigned long long> sizeKiB(const xmlNode *el, const char *xpath, bool required)
{
    auto kib = el ? memoryKiB(xml::text(el), xml::attr(el, "unit"), xpath, required)
                  : memoryKiB(std::nullopt, std::nullopt, xpath, required);
    if (!kib)
        return std::move(kib).error();
    return kib->value_or(0);
}

Result<void> parseSource(MemoryDeviceDef &d, const xmlNode *src)
{
    const xmlNode *pagesize = nullptr, *nodemask = nullptr, *path = nullptr, *alignsize = nullptr;
    bool pmem = false;
    for (const xmlNode *c : xml::Children(src)) {
        if (xml::is(c, "pagesize") && !pagesize)
            pagesize = c;
        else if (xml::is(c, "nodemask") && !nodemask)
            nodemask = c;
        else if (xml::is(c, "path") && !path)
            path = c;
        else if (xml::is(c, "alignsize") && !alignsize)
            alignsize = c;
        else if (xml::is(c, "pmem"))
            pmem = true;
    }
    auto readNodemask = [&]() -> Result<void> {
        if (!nodemask)
            return {};
        auto set = Bitmap::parse(xml::text(nodemask));
        if (!set)
            return std::move(set).error();
        d.nodemask = std::move(*set);
        return {};
    };
    switch (d.model) {
    case MemoryModel::Dimm:
    case MemoryModel::VirtioMem: {
        auto ps = sizeKiB(pagesize, "./pagesize", false);
        if (!ps)
            return std::move(ps).error();
        d.pagesizeKiB = *ps;
        VH_TRY(readNodemask());
        break;
    }
    case MemoryModel::Nvdimm: {
        if (path)
            d.path = xml::text(path);
        auto align = sizeKiB(alignsize, "./alignsize", false);
        if (!align)
            return std::move(align).error();
        d.alignsizeKiB = *align;
        d.pmem = pmem;
        break;
    }
    case MemoryModel::VirtioPmem:
        if (path)
            d.path = xml::text(path);
        break;
    case MemoryModel::SgxEpc:
        VH_TRY(readNodemask());
        break;
    default:
        break;
    }
    return {};
}

Result<void> parseTarget(MemoryDeviceDef &d, const xmlNode *t, const ParseContext &ctx)
{
    const xmlNode *size = nullptr, *node = nullptr, *label = nullptr, *block = nullptr, *requested = nullptr,
                  *current = nullptr;
    bool readonly = false;
    for (const xmlNode *c : xml::Children(t)) {
        const xmlNode **slot = xml::is(c, "size")        ? &size
                               : xml::is(c, "node")      ? &node
                               : xml::is(c, "label")     ? &label
                               : xml::is(c, "block")     ? &block
                               : xml::is(c, "requested") ? &requested
                               : xml::is(c, "current")   ? &current
                                                         : nullptr;
        if (slot && !*slot)
            *slot = c;
        else if (xml::is(c, "readonly"))
            readonly = true;
    }
    if (node) {
        unsigned int v = 0;
        int rc = xpathUInt(xml::text(node), v);
        if (rc == -2 || (rc == 0 && v > INT_MAX))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid value of memory device node");
        if (rc == 0)
            d.node = static_cast<int>(v);
    }
    auto sz = sizeKiB(size, "./size", true);
    if (!sz)
        return std::move(sz).error();
    d.sizeKiB = *sz;
    if (d.model == MemoryModel::Nvdimm) {
        if (label) {
            auto ls = sizeKiB(xml::child(label, "size"), "./label/size", false);
            if (!ls)
                return std::move(ls).error();
            d.labelSizeKiB = *ls;
            if (d.labelSizeKiB && d.labelSizeKiB < 128)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "nvdimm label must be at least 128KiB");
            if (d.labelSizeKiB && d.labelSizeKiB >= d.sizeKiB)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "label size must be smaller than NVDIMM size");
        }
        d.readonly = readonly;
    } else if (d.model == MemoryModel::VirtioMem) {
        auto b = sizeKiB(block, "./block", false);
        if (!b)
            return std::move(b).error();
        d.blockKiB = *b;
        auto r = sizeKiB(requested, "./requested", false);
        if (!r)
            return std::move(r).error();
        d.requestedKiB = *r;
        if (!ctx.inactive()) {
            auto cur = sizeKiB(current, "./current", false);
            if (!cur)
                return std::move(cur).error();
            d.currentKiB = *cur;
        }
    }
    return {};
}

// The host's transparent huge page size (KiB), the smallest virtio-mem block libvirt takes.
unsigned long long thpSizeKiB()
{
    static const unsigned long long size = [] {
        std::ifstream in("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
        unsigned long long bytes = 0;
        if (in >> bytes && bytes)
            return bytes / 1024;
        return 2048ull;   // x86_64's
    }();
    return size;
}

} // namespace

Result<MemoryDeviceDef> MemoryDeviceDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    MemoryDeviceDef d;
    Props p(n);
    auto model = p.enumeration("model", kMemoryModel, PROP_REQUIRED | PROP_NONE_INVALID);
    if (!model)
        return std::move(model).error();
    d.model = **model;
    auto access = p.enumeration("access", kMemoryAccess, PROP_NONE_INVALID);
    if (!access)
        return std::move(access).error();
    d.access = access->value_or(MemoryAccess::Default);
    auto discard = p.yesNo("discard");
    if (!discard)
        return std::move(discard).error();
    d.discard = *discard;
    if (d.model == MemoryModel::Nvdimm) {
        if (const xmlNode *u = xml::child(n, "uuid")) {
            std::string text = xml::text(u);
            unsigned char raw[kUuidLen];
            if (!uuidParse(text.c_str(), raw))
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
            d.uuid = uuidFormat(raw);
        }
    }
    if (const xmlNode *src = xml::child(n, "source"))
        VH_TRY(parseSource(d, src));
    const xmlNode *target = xml::child(n, "target");
    if (!target)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing <target> element for <memory> device");
    VH_TRY(parseTarget(d, target, ctx));
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void MemoryDeviceDef::postParseAll(DomainDef &def)
{
    for (MemoryDeviceDef &m : def.devices.memories)
        if (m.model == MemoryModel::VirtioPmem && m.access == MemoryAccess::Default)
            m.access = MemoryAccess::Shared;
}

unsigned long long MemoryDeviceDef::hotplugKiB(const DomainDef &def)
{
    unsigned long long total = 0;
    for (const MemoryDeviceDef &m : def.devices.memories)
        total += m.sizeKiB;
    return total;
}

namespace {

Error detail(const std::string &msg)
{
    return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, msg);
}

Result<void> validateOne(const MemoryDeviceDef &m, const DomainDef &def)
{
    switch (m.model) {
    case MemoryModel::Nvdimm:
        if (m.path.empty())
            return detail("path is required for model 'nvdimm'");
        if (m.discard == true)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "discard is not supported for nvdimms");
        if (!m.uuid.empty() && def.os.arch.rfind("ppc64", 0) != 0)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "UUID is not supported for NVDIMM device");
        break;
    case MemoryModel::VirtioPmem:
        if (m.path.empty())
            return detail("path is required for model 'virtio-pmem'");
        if (m.discard == true)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "discard is not supported for model 'virtio-pmem'");
        if (m.access != MemoryAccess::Shared)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "shared access mode required for virtio-pmem device");
        if (m.node >= 0)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "virtio-pmem does not support NUMA nodes");
        break;
    case MemoryModel::VirtioMem:
        if (m.requestedKiB > m.sizeKiB)
            return detail(strprintf("requested size must be smaller than or equal to @size (%lluKiB)", m.sizeKiB));
        if (!m.blockKiB || (m.blockKiB & (m.blockKiB - 1)))
            return detail("block size must be a power of two");
        if (m.blockKiB < thpSizeKiB())
            return detail(strprintf("block size too small, must be at least %lluKiB", thpSizeKiB()));
        if (m.requestedKiB % m.blockKiB)
            return detail("requested size must be an integer multiple of block size");
        break;
    default:
        break;
    }
    if (m.node >= 0) {
        size_t cells = def.cpu.cells.size();
        if (cells == 0)
            return detail("can't add memory backend as guest has no NUMA nodes configured");
        if (static_cast<size_t>(m.node) >= cells)
            return detail(strprintf("can't add memory backend for guest node '%d' as the guest has only '%zu' NUMA nodes configured",
                                    m.node, cells));
    }
    return {};
}

} // namespace

Result<void> MemoryDeviceDef::postParseCheckAll(const DomainDef &def)
{
    if (def.devices.memories.empty())
        return {};
    // the devices are part of <memory>; what remains is the initial memory, which may not be
    // empty
    unsigned long long hotplug = hotplugKiB(def);
    if (hotplug > def.memory.totalKiB)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Total size of memory devices exceeds the total memory size");
    if (hotplug == def.memory.totalKiB)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "Memory size must be specified via <memory> or in the <numa> configuration");
    return {};
}

Result<void> MemoryDeviceDef::validateAll(const DomainDef &def)
{
    VH_TRY(postParseCheckAll(def));
    for (const MemoryDeviceDef &m : def.devices.memories)
        VH_TRY(validateOne(m, def));
    return {};
}

namespace {
void sizeElement(xml::Writer &w, const char *name, unsigned long long kib)
{
    w.start(name).attr("unit", "KiB").text(std::to_string(kib)).end();
}
} // namespace

void MemoryDeviceDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("memory").attr("model", kMemoryModel.name(model));
    if (access != MemoryAccess::Default)
        w.attr("access", kMemoryAccess.name(access));
    if (discard)
        w.attr("discard", yesNo(*discard));
    if (!uuid.empty())
        w.element("uuid", uuid);

    bool hasNodemask = nodemask && !nodemask->empty();
    if (!path.empty() || hasNodemask || pagesizeKiB || alignsizeKiB || pmem) {
        w.start("source");
        if (!path.empty())
            w.element("path", path);
        if (hasNodemask)
            w.element("nodemask", nodemask->format());
        if (pagesizeKiB)
            sizeElement(w, "pagesize", pagesizeKiB);
        if (alignsizeKiB)
            sizeElement(w, "alignsize", alignsizeKiB);
        if (pmem)
            w.start("pmem").end();
        w.end();
    }

    w.start("target");
    sizeElement(w, "size", sizeKiB);
    if (node >= 0)
        w.element("node", std::to_string(node));
    if (labelSizeKiB) {
        w.start("label");
        sizeElement(w, "size", labelSizeKiB);
        w.end();
    }
    if (readonly)
        w.start("readonly").end();
    if (model == MemoryModel::VirtioMem) {
        if (blockKiB)
            sizeElement(w, "block", blockKiB);
        sizeElement(w, "requested", requestedKiB);
        if (currentKiB && !ctx.inactive())
            sizeElement(w, "current", currentKiB);
    }
    w.end();
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
