#include "conf/capabilities/domaincaps.h"

#include <libvirt/virterror.h>

#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

namespace {

VH_ENUM_TABLE(kDevices, DomainCapsDevice, "disk", "graphics", "video", "hostdev", "rng", "filesystem", "tpm", "redirdev",
              "channel", "crypto");
VH_ENUM_TABLE(kSimpleFeatures, DomainCapsSimple, "vmcoreinfo", "genid", "backingStoreInput", "backup", "s390-pv",
              "async-teardown");
VH_ENUM_TABLE(kCpuModes, DomainCapsCpuModeName, "host-passthrough", "maximum", "host-model", "custom");

enum class Usable { Unknown, Yes, No, Last };
VH_ENUM_TABLE(kUsable, Usable, "unknown", "yes", "no");

const char *name(const xmlNode *n) { return reinterpret_cast<const char *>(n->name); }

Error unknownElement(const xmlNode *n, const char *where)
{
    return Error::format(VIR_FROM_CAPABILITIES, VIR_ERR_XML_ERROR, "unknown element '%s' in '%s'", name(n), where);
}

Result<std::optional<bool>> supported(const xmlNode *n)
{
    return Props(n).yesNo("supported", PROP_REQUIRED);
}

Result<DomainCapsEnum> parseEnum(const xmlNode *n)
{
    DomainCapsEnum e;
    auto ename = Props(n).str("name", PROP_REQUIRED);
    if (!ename)
        return std::move(ename).error();
    e.name = **ename;
    for (const xmlNode *v : xml::Children(n)) {
        if (!xml::is(v, "value"))
            return unknownElement(v, "enum");
        e.values.push_back(xml::text(v));
    }
    return e;
}

// supported= and <enum> children.
Result<DomainCapsItem> parseItem(const xmlNode *n)
{
    DomainCapsItem item;
    auto s = supported(n);
    if (!s)
        return std::move(s).error();
    item.supported = *s;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "enum"))
            return unknownElement(c, name(n));
        auto e = parseEnum(c);
        if (!e)
            return std::move(e).error();
        item.enums.push_back(std::move(*e));
    }
    return item;
}

Result<DomainCapsOS> parseOS(const xmlNode *n)
{
    DomainCapsOS os;
    auto s = supported(n);
    if (!s)
        return std::move(s).error();
    os.supported = *s;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "enum")) {
            auto e = parseEnum(c);
            if (!e)
                return std::move(e).error();
            os.enums.push_back(std::move(*e));
        } else if (xml::is(c, "loader")) {
            DomainCapsLoader loader;
            auto ls = supported(c);
            if (!ls)
                return std::move(ls).error();
            loader.supported = *ls;
            for (const xmlNode *l : xml::Children(c)) {
                if (xml::is(l, "value")) {
                    loader.values.push_back(xml::text(l));
                } else if (xml::is(l, "enum")) {
                    auto e = parseEnum(l);
                    if (!e)
                        return std::move(e).error();
                    loader.enums.push_back(std::move(*e));
                } else {
                    return unknownElement(l, "loader");
                }
            }
            os.loader = std::move(loader);
        } else {
            return unknownElement(c, "os");
        }
    }
    return os;
}

Result<void> parseCpu(const xmlNode *n, DomainCapsDef &def)
{
    def.hasCpu = true;
    for (const xmlNode *m : xml::Children(n)) {
        if (!xml::is(m, "mode"))
            return unknownElement(m, "cpu");
        Props p(m);
        auto mode = p.enumeration("name", kCpuModes, PROP_REQUIRED);
        if (!mode)
            return std::move(mode).error();
        auto s = supported(m);
        if (!s)
            return std::move(s).error();
        DomainCapsCpuMode cm;
        cm.supported = **s;
        for (const xmlNode *c : xml::Children(m)) {
            Props cp(c);
            if (xml::is(c, "enum")) {
                auto e = parseEnum(c);
                if (!e)
                    return std::move(e).error();
                cm.enums.push_back(std::move(*e));
            } else if (xml::is(c, "model") && **mode == DomainCapsCpuModeName::Custom) {
                DomainCapsCpuModel model;
                model.name = xml::text(c);
                auto usable = cp.enumeration("usable", kUsable, PROP_REQUIRED);
                if (!usable)
                    return std::move(usable).error();
                model.usable = kUsable.name(**usable);
                auto deprecated = cp.yesNo("deprecated");
                if (!deprecated)
                    return std::move(deprecated).error();
                model.deprecated = deprecated->value_or(false);
                model.vendor = cp.str("vendor").value_or("");
                cm.models.push_back(std::move(model));
            } else if (xml::is(c, "model")) {
                cm.model = xml::text(c);
                cm.fallback = cp.str("fallback").value_or("");
                cm.vendorId = cp.str("vendor_id").value_or("");
            } else if (xml::is(c, "vendor")) {
                cm.vendor = xml::text(c);
            } else if (xml::is(c, "feature")) {
                auto policy = cp.str("policy", PROP_REQUIRED);
                if (!policy)
                    return std::move(policy).error();
                auto fname = cp.str("name", PROP_REQUIRED);
                if (!fname)
                    return std::move(fname).error();
                cm.features.push_back({**policy, **fname});
            } else {
                return unknownElement(c, "mode");
            }
        }
        def.cpuModes[static_cast<size_t>(**mode)] = std::move(cm);
    }
    return {};
}

Result<DomainCapsSev> parseSev(const xmlNode *n)
{
    DomainCapsSev sev;
    auto s = supported(n);
    if (!s)
        return std::move(s).error();
    sev.supported = **s;
    for (const xmlNode *c : xml::Children(n)) {
        bool known = xml::is(c, "cbitpos") || xml::is(c, "reducedPhysBits") || xml::is(c, "maxGuests") || xml::is(c, "maxESGuests");
        if (!known)
            return unknownElement(c, "sev");
        auto v = elementULL(c, std::string("./features/sev/") + name(c));
        if (!v)
            return std::move(v).error();
        if (xml::is(c, "cbitpos"))
            sev.cbitpos = static_cast<int>(*v);
        else if (xml::is(c, "reducedPhysBits"))
            sev.reducedPhysBits = static_cast<int>(*v);
        else if (xml::is(c, "maxGuests"))
            sev.maxGuests = static_cast<unsigned int>(*v);
        else
            sev.maxESGuests = static_cast<unsigned int>(*v);
    }
    return sev;
}

Result<DomainCapsSgx> parseSgx(const xmlNode *n)
{
    DomainCapsSgx sgx;
    auto s = supported(n);
    if (!s)
        return std::move(s).error();
    sgx.supported = **s;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "flc")) {
            std::string v = xml::text(c);
            if (v != "yes" && v != "no")
                return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'",
                                     v.c_str(), "./features/sgx/flc");
            sgx.flc = v == "yes";
        } else if (xml::is(c, "epc_size")) {
            auto kib = elementKiB(c, "./features/sgx/epc_size");
            if (!kib)
                return std::move(kib).error();
            sgx.epcSizeKiB = *kib;
        } else if (xml::is(c, "sections")) {
            sgx.sections.emplace();
            for (const xmlNode *sec : xml::Children(c)) {
                if (!xml::is(sec, "section"))
                    return unknownElement(sec, "sections");
                Props sp(sec);
                auto node = sp.sint("node", PROP_REQUIRED);
                if (!node)
                    return std::move(node).error();
                auto size = sp.ull("size", PROP_REQUIRED);
                if (!size)
                    return std::move(size).error();
                auto kib = xml::scaleToKiB(**size, sp.str("unit").value_or("KiB"));
                if (!kib)
                    return sp.invalid("unit", sp.str("unit").value_or(""), "");
                sgx.sections->push_back({**node, *kib});
            }
        } else {
            return unknownElement(c, "sgx");
        }
    }
    return sgx;
}

Result<void> parseFeatures(const xmlNode *n, DomainCapsDef &def)
{
    def.hasFeatures = true;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "gic") || xml::is(c, "hyperv")) {
            auto item = parseItem(c);
            if (!item)
                return std::move(item).error();
            (xml::is(c, "gic") ? def.gic : def.hyperv) = std::move(*item);
        } else if (xml::is(c, "sev")) {
            auto sev = parseSev(c);
            if (!sev)
                return std::move(sev).error();
            def.sev = std::move(*sev);
        } else if (xml::is(c, "sgx")) {
            auto sgx = parseSgx(c);
            if (!sgx)
                return std::move(sgx).error();
            def.sgx = std::move(*sgx);
        } else if (auto simple = kSimpleFeatures.parse(name(c))) {
            auto s = supported(c);
            if (!s)
                return std::move(s).error();
            def.simple[static_cast<size_t>(*simple)] = **s;
        } else {
            return unknownElement(c, "features");
        }
    }
    return {};
}

void formatEnums(xml::Writer &w, const std::vector<DomainCapsEnum> &enums)
{
    for (const DomainCapsEnum &e : enums) {
        w.start("enum").attr("name", e.name);
        for (const std::string &v : e.values)
            w.element("value", v);
        w.end();
    }
}

// <name supported='no'/>, or <name supported='yes'> with its enums.
void formatItem(xml::Writer &w, std::string_view elem, const std::optional<DomainCapsItem> &item)
{
    if (!item || !item->supported)
        return;
    w.start(elem).attr("supported", yesNo(*item->supported));
    if (*item->supported) {
        w.open();
        formatEnums(w, item->enums);
    }
    w.end();
}

void formatCpu(xml::Writer &w, const DomainCapsDef &def)
{
    w.start("cpu").open();
    for (size_t i = 0; i < kCpuModes.size(); i++) {
        const auto &mode = def.cpuModes[i];
        if (!mode)
            continue;
        auto which = static_cast<DomainCapsCpuModeName>(i);
        w.start("mode").attr("name", kCpuModes.names[i]).attr("supported", yesNo(mode->supported));
        if (!mode->supported || (which == DomainCapsCpuModeName::Custom && mode->models.empty())) {
            w.end();
            continue;
        }
        w.open();
        formatEnums(w, mode->enums);
        if (!mode->model.empty()) {
            w.start("model");
            if (!mode->fallback.empty())
                w.attr("fallback", mode->fallback);
            if (!mode->vendorId.empty())
                w.attr("vendor_id", mode->vendorId);
            w.text(mode->model).end();
        }
        if (!mode->vendor.empty())
            w.element("vendor", mode->vendor);
        for (const DomainCapsCpuFeature &f : mode->features)
            w.start("feature").attr("policy", f.policy).attr("name", f.name).end();
        for (const DomainCapsCpuModel &m : mode->models) {
            w.start("model").attr("usable", m.usable);
            if (m.deprecated)
                w.attr("deprecated", "yes");
            if (!m.vendor.empty())
                w.attr("vendor", m.vendor);
            w.text(m.name).end();
        }
        w.end();
    }
    w.end();
}

void formatFeatures(xml::Writer &w, const DomainCapsDef &def)
{
    w.start("features").open();
    formatItem(w, "gic", def.gic);
    for (size_t i = 0; i < kSimpleFeatures.size(); i++)
        if (def.simple[i])
            w.start(kSimpleFeatures.names[i]).attr("supported", yesNo(*def.simple[i])).end();
    if (def.sev) {
        w.start("sev").attr("supported", yesNo(def.sev->supported));
        if (def.sev->supported) {
            w.element("cbitpos", std::to_string(def.sev->cbitpos));
            w.element("reducedPhysBits", std::to_string(def.sev->reducedPhysBits));
            if (def.sev->maxGuests)
                w.element("maxGuests", std::to_string(*def.sev->maxGuests));
            if (def.sev->maxESGuests)
                w.element("maxESGuests", std::to_string(*def.sev->maxESGuests));
        }
        w.end();
    }
    if (def.sgx) {
        w.start("sgx").attr("supported", yesNo(def.sgx->supported));
        if (def.sgx->supported) {
            if (def.sgx->flc)
                w.element("flc", yesNo(*def.sgx->flc));
            w.start("epc_size").attr("unit", "KiB").text(std::to_string(def.sgx->epcSizeKiB)).end();
            if (def.sgx->sections) {
                w.start("sections");
                for (const DomainCapsSgx::Section &s : *def.sgx->sections)
                    w.start("section").attr("node", s.node).attr("size", s.sizeKiB).attr("unit", "KiB").end();
                w.end();
            }
        }
        w.end();
    }
    formatItem(w, "hyperv", def.hyperv);
    w.end();
}

} // namespace

Result<std::unique_ptr<DomainCapsDef>> parseDomainCaps(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(domainCapabilities_definition)", VIR_FROM_XML);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "domainCapabilities"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'domainCapabilities', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<DomainCapsDef>();
    for (const xmlNode *c : xml::Children(root)) {
        if (xml::is(c, "path")) {
            def->path = xml::text(c);
        } else if (xml::is(c, "domain")) {
            def->domain = xml::text(c);
        } else if (xml::is(c, "machine")) {
            def->machine = xml::text(c);
        } else if (xml::is(c, "arch")) {
            def->arch = xml::text(c);
        } else if (xml::is(c, "vcpu")) {
            auto max = Props(c).sint("max", PROP_REQUIRED);
            if (!max)
                return std::move(max).error();
            def->maxVcpus = **max;
        } else if (xml::is(c, "iothreads")) {
            auto s = supported(c);
            if (!s)
                return std::move(s).error();
            def->iothreads = *s;
        } else if (xml::is(c, "os")) {
            auto os = parseOS(c);
            if (!os)
                return std::move(os).error();
            def->os = std::move(*os);
        } else if (xml::is(c, "cpu")) {
            auto r = parseCpu(c, *def);
            if (!r)
                return std::move(r).error();
        } else if (xml::is(c, "memoryBacking")) {
            auto item = parseItem(c);
            if (!item)
                return std::move(item).error();
            def->memoryBacking = std::move(*item);
        } else if (xml::is(c, "devices")) {
            def->hasDevices = true;
            for (const xmlNode *d : xml::Children(c)) {
                auto which = kDevices.parse(name(d));
                if (!which)
                    return unknownElement(d, "devices");
                auto item = parseItem(d);
                if (!item)
                    return std::move(item).error();
                def->devices[static_cast<size_t>(*which)] = std::move(*item);
            }
        } else if (xml::is(c, "features")) {
            auto r = parseFeatures(c, *def);
            if (!r)
                return std::move(r).error();
        } else {
            return unknownElement(c, "domainCapabilities");
        }
    }
    return def;
}

std::string formatDomainCaps(const DomainCapsDef &def, unsigned int)
{
    xml::Writer w;
    w.start("domainCapabilities").open();
    w.element("path", def.path);
    w.element("domain", def.domain);
    if (!def.machine.empty())
        w.element("machine", def.machine);
    w.element("arch", def.arch);
    if (def.maxVcpus)
        w.start("vcpu").attr("max", *def.maxVcpus).end();
    if (def.iothreads)
        w.start("iothreads").attr("supported", yesNo(*def.iothreads)).end();
    if (def.os) {
        bool yes = def.os->supported.value_or(false);
        w.start("os").attr("supported", yesNo(yes));
        if (yes) {
            w.open();
            formatEnums(w, def.os->enums);
            if (def.os->loader && def.os->loader->supported) {
                const DomainCapsLoader &l = *def.os->loader;
                w.start("loader").attr("supported", yesNo(*l.supported));
                if (*l.supported) {
                    w.open();
                    for (const std::string &v : l.values)
                        w.element("value", v);
                    formatEnums(w, l.enums);
                }
                w.end();
            }
        }
        w.end();
    }
    if (def.hasCpu)
        formatCpu(w, def);
    formatItem(w, "memoryBacking", def.memoryBacking);
    if (def.hasDevices) {
        w.start("devices").open();
        for (size_t i = 0; i < kDevices.size(); i++)
            formatItem(w, kDevices.names[i], def.devices[i]);
        w.end();
    }
    if (def.hasFeatures)
        formatFeatures(w, def);
    w.end();
    return w.take();
}

} // namespace vh::conf
