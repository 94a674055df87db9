#include "conf/domain/domain_def.h"

#include <cstring>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

const char *const kVirtTypes[] = {"none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
                                  "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf"};
const char *const kOsTypes[] = {"hvm", "xen", "linux", "exe", "uml", "xenpvh"};
const char *const kArches[] = {"alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
                               "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
                               "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le",
                               "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc",
                               "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb"};
const char *const kBootDevs[] = {"fd", "cdrom", "hd", "network"};
const char *const kActions[] = {"destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart"};

template <size_t N>
bool oneOf(const std::string &v, const char *const (&set)[N])
{
    for (const char *s : set)
        if (v == s)
            return true;
    return false;
}

// <memory unit='...'>N</memory> and its siblings, in KiB.
Result<unsigned long long> parseMemory(const xmlNode *n, const char *name)
{
    std::string value = xml::text(n);
    auto v = xml::toULL(value);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute './%s[1]'",
                             value.c_str(), name);
    std::string unit = xml::attr(n, "unit").value_or("KiB");
    static const char *const known[] = {"b", "bytes", "k", "kib", "kb", "m", "mib", "mb", "g", "gib", "gb",
                                        "t", "tib", "tb", "p", "pib", "pb", "e", "eib", "eb"};
    std::string lower;
    for (char c : unit)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (!oneOf(lower, known))
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
    auto kib = xml::scaleToKiB(*v, unit);
    if (!kib || *kib > (1ull << 53) / 1024 * 1024)   // libvirt caps memory at what a double holds
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %s%s", value.c_str(), unit.c_str());
    return *kib;
}

Result<void> parseOs(const xmlNode *os, DomainDef &def)
{
    for (const xmlNode *c : xml::Children(os)) {
        if (xml::is(c, "type")) {
            def.os.type = xml::text(c);
            def.os.arch = xml::attr(c, "arch").value_or("");
            def.os.machine = xml::attr(c, "machine").value_or("");
        } else if (xml::is(c, "boot")) {
            std::string dev = xml::attr(c, "dev").value_or("");
            if (!oneOf(dev, kBootDevs))
                return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute 'dev' in element 'boot': '%s'.", dev.c_str());
            def.os.boot.push_back(dev);
        } else if (xml::is(c, "bootmenu")) {
            def.os.bootmenu = xml::attr(c, "enable").value_or("no") == "yes";
        } else if (xml::is(c, "kernel")) {
            def.os.kernel = xml::text(c);
        } else if (xml::is(c, "initrd")) {
            def.os.initrd = xml::text(c);
        } else if (xml::is(c, "cmdline")) {
            def.os.cmdline = xml::text(c);
        } else if (xml::is(c, "dtb")) {
            def.os.dtb = xml::text(c);
        } else if (xml::is(c, "init")) {
            def.os.init = xml::text(c);
        }
    }
    if (def.os.type.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "an os <type> must be specified");
    if (!oneOf(def.os.type, kOsTypes))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown OS type '%s'", def.os.type.c_str());
    if (!def.os.arch.empty() && !oneOf(def.os.arch, kArches))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown architecture %s", def.os.arch.c_str());
    return {};
}

Result<void> parseVcpu(const xmlNode *n, DomainDef &def)
{
    auto max = xml::toULL(xml::text(n));
    if (!max || *max > 0xffffffffull)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "maximum vcpus count must be an integer");
    def.maxVcpus = static_cast<unsigned int>(*max);
    def.vcpus = def.maxVcpus;
    if (auto cur = xml::attr(n, "current")) {
        auto v = xml::toULL(*cur);
        if (!v || *v > 0xffffffffull)
            return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                                 "Invalid value for attribute 'current' in element 'vcpu': '%s'. Expected non-negative integer value",
                                 cur->c_str());
        def.vcpus = static_cast<unsigned int>(*v);
    }
    def.vcpuPlacement = xml::attr(n, "placement").value_or("static");
    def.cpuset = xml::attr(n, "cpuset").value_or("");
    if (def.maxVcpus == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "CPU IDs in <numa> exceed the <vcpu> count");
    if (def.vcpus > def.maxVcpus)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "maximum vCPU count must not be less than current vCPU count");
    return {};
}

Result<void> parseDevices(const xmlNode *devices, DomainDef &def, unsigned flags)
{
    for (const xmlNode *c : xml::Children(devices)) {
        if (xml::is(c, "emulator")) {
            def.emulator = xml::text(c);
        } else if (xml::is(c, "disk")) {
            auto d = DiskDef::parse(c);
            if (!d)
                return std::move(d).error();
            def.disks.push_back(std::move(*d));
        } else if (xml::is(c, "interface")) {
            auto d = InterfaceDef::parse(c, flags & PARSE_INACTIVE);
            if (!d)
                return std::move(d).error();
            def.interfaces.push_back(std::move(*d));
        } else if (xml::is(c, "memballoon")) {
            auto d = MemballoonDef::parse(c);
            if (!d)
                return std::move(d).error();
            def.memballoon = std::move(*d);
        }
    }
    return {};
}

Result<std::unique_ptr<DomainDef>> parseXML(const xmlNode *root, unsigned flags)
{
    if (!xml::is(root, "domain"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'domain', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<DomainDef>();
    auto type = xml::attr(root, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing domain type attribute");
    if (!oneOf(*type, kVirtTypes))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "invalid domain type %s", type->c_str());
    def->virtType = *type;
    if (!(flags & PARSE_INACTIVE)) {
        if (auto id = xml::attr(root, "id"))
            if (auto v = xml::toLL(*id))
                def->id = static_cast<int>(*v);
    }
    // One walk collects the top-level elements; they are then read in libvirt's order, so
    // the first error reported for a document is the one libvirt reports.
    const xmlNode *name = nullptr, *uuid = nullptr, *title = nullptr, *description = nullptr,
                  *metadata = nullptr, *memory = nullptr, *currentMemory = nullptr, *vcpu = nullptr,
                  *os = nullptr, *features = nullptr, *clock = nullptr, *devices = nullptr;
    std::vector<const xmlNode *> lifecycle;
    for (const xmlNode *c : xml::Children(root)) {
        const char *n = reinterpret_cast<const char *>(c->name);
        const xmlNode **slot = !strcmp(n, "name") ? &name : !strcmp(n, "uuid") ? &uuid
                             : !strcmp(n, "title") ? &title : !strcmp(n, "description") ? &description
                             : !strcmp(n, "metadata") ? &metadata : !strcmp(n, "memory") ? &memory
                             : !strcmp(n, "currentMemory") ? &currentMemory : !strcmp(n, "vcpu") ? &vcpu
                             : !strcmp(n, "os") ? &os : !strcmp(n, "features") ? &features
                             : !strcmp(n, "clock") ? &clock : !strcmp(n, "devices") ? &devices : nullptr;
        if (slot) {
            if (!*slot)
                *slot = c;
        } else if (!strcmp(n, "on_poweroff") || !strcmp(n, "on_reboot") || !strcmp(n, "on_crash")) {
            lifecycle.push_back(c);
        }
    }

    if (name)
        def->name = xml::text(name);
    if (def->name.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_NAME);
    if (def->name.find('/') != std::string::npos)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "name %s cannot contain '/'", def->name.c_str());
    if (uuid) {
        if (!uuidParse(xml::text(uuid).c_str(), def->uuid))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
    } else {
        uuidGenerate(def->uuid);
    }
    if (title)
        def->title = xml::text(title);
    if (description)
        def->description = xml::text(description);
    if (metadata)
        VH_TRY(def->metadata.parse(metadata));
    if (!os)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "an os <type> must be specified");
    VH_TRY(parseOs(os, *def));
    if (memory) {
        auto m = parseMemory(memory, "memory");
        if (!m)
            return std::move(m).error();
        def->maxMemoryKiB = *m;
    }
    if (currentMemory) {
        auto m = parseMemory(currentMemory, "currentMemory");
        if (!m)
            return std::move(m).error();
        def->currentMemoryKiB = *m;
    }
    if (def->maxMemoryKiB == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Memory size must be specified via <memory> or in the <numa> configuration");
    if (vcpu)
        VH_TRY(parseVcpu(vcpu, *def));
    if (features) {
        for (const xmlNode *f : xml::Children(features)) {
            FeatureDef fd{reinterpret_cast<const char *>(f->name), {}};
            for (const xmlAttr *a = f->properties; a; a = a->next) {
                const char *an = reinterpret_cast<const char *>(a->name);
                fd.attrs.emplace_back(an, xml::attr(f, an).value_or(""));
            }
            def->features.push_back(std::move(fd));
        }
    }
    if (clock)
        def->clockOffset = xml::attr(clock, "offset").value_or("utc");
    for (const xmlNode *c : lifecycle) {
        std::string action = xml::text(c);
        const char *which = reinterpret_cast<const char *>(c->name);
        if (!oneOf(action, kActions))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown %s action: %s", which, action.c_str());
        if (action.rfind("coredump-", 0) == 0 && !xml::is(c, "on_crash"))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "Lifecycle event '%s' doesn't support '%s' action", which + 3, action.c_str());
        (xml::is(c, "on_poweroff") ? def->onPoweroff : xml::is(c, "on_reboot") ? def->onReboot : def->onCrash) = action;
    }
    if (devices)
        VH_TRY(parseDevices(devices, *def, flags));
    if (def->maxVcpus == 0)
        def->maxVcpus = def->vcpus = 1;
    return def;
}

// The defaults libvirt fills in for every driver.
void postParse(DomainDef &def, const DomainXMLOptions &opts)
{
    if (opts.devicesPostParse)
        opts.devicesPostParse(def);
    if (def.currentMemoryKiB == 0 || def.currentMemoryKiB > def.maxMemoryKiB)
        def.currentMemoryKiB = def.maxMemoryKiB;
    if (def.os.arch.empty())
        def.os.arch = opts.defaultArch;
    if (def.os.type == "hvm" && def.os.boot.empty())
        def.os.boot.push_back("hd");
    for (DiskDef &d : def.disks)
        d.postParse();
    for (InterfaceDef &i : def.interfaces)
        i.postParse();
}

} // namespace

Result<void> validateDomain(const DomainDef &def, const DomainXMLOptions &opts)
{
    if (opts.validate)
        VH_TRY(opts.validate(def));
    for (size_t i = 0; i < def.disks.size(); i++) {
        for (size_t j = i + 1; j < def.disks.size(); j++) {
            if (def.disks[i].targetDev == def.disks[j].targetDev)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "target '%s' duplicated for disk sources '%s' and '%s'",
                                     def.disks[i].targetDev.c_str(), def.disks[i].source.c_str(), def.disks[j].source.c_str());
        }
    }
    return {};
}

Result<std::unique_ptr<DomainDef>> parseDomainNode(const xmlNode *root, const DomainXMLOptions &opts, unsigned flags)
{
    auto def = parseXML(root, flags);
    if (!def)
        return def;
    postParse(**def, opts);
    if (!(flags & PARSE_SKIP_VALIDATE))
        VH_TRY(validateDomain(**def, opts));
    return def;
}

Result<std::unique_ptr<DomainDef>> parseDomain(std::string_view xmlText, const DomainXMLOptions &opts, unsigned flags)
{
    auto doc = xml::parse(xmlText, "(domain_definition)", VIR_FROM_DOMAIN);
    if (!doc)
        return std::move(doc).error();
    return parseDomainNode(xmlDocGetRootElement(doc->get()), opts, flags);
}

std::string formatDomain(const DomainDef &def, unsigned int xmlFlags)
{
    xml::Writer w;
    w.start("domain").attr("type", def.virtType);
    if (def.id >= 0 && !(xmlFlags & VIR_DOMAIN_XML_INACTIVE))
        w.attr("id", def.id);
    w.element("name", def.name);
    char uuid[VIR_UUID_STRING_BUFLEN];
    uuidFormat(def.uuid, uuid);
    w.element("uuid", uuid);
    if (!def.title.empty())
        w.element("title", def.title);
    if (!def.description.empty())
        w.element("description", def.description);
    if (!def.metadata.empty()) {
        w.start("metadata").open();
        for (const MetadataElement &m : def.metadata.elements)
            w.raw(m.formatted);
        w.end();
    }
    w.start("memory").attr("unit", "KiB").text(std::to_string(def.maxMemoryKiB)).end();
    w.start("currentMemory").attr("unit", "KiB").text(std::to_string(def.currentMemoryKiB)).end();
    w.start("vcpu").attr("placement", def.vcpuPlacement);
    if (!def.cpuset.empty())
        w.attr("cpuset", def.cpuset);
    if (def.vcpus != def.maxVcpus)
        w.attr("current", def.vcpus);
    w.text(std::to_string(def.maxVcpus)).end();

    w.start("os");
    w.start("type");
    if (!def.os.arch.empty())
        w.attr("arch", def.os.arch);
    if (!def.os.machine.empty())
        w.attr("machine", def.os.machine);
    w.text(def.os.type).end();
    if (!def.os.init.empty())
        w.element("init", def.os.init);
    if (!def.os.kernel.empty())
        w.element("kernel", def.os.kernel);
    if (!def.os.initrd.empty())
        w.element("initrd", def.os.initrd);
    if (!def.os.cmdline.empty())
        w.element("cmdline", def.os.cmdline);
    if (!def.os.dtb.empty())
        w.element("dtb", def.os.dtb);
    for (const std::string &b : def.os.boot)
        w.start("boot").attr("dev", b).end();
    if (def.os.bootmenu)
        w.start("bootmenu").attr("enable", *def.os.bootmenu ? "yes" : "no").end();
    w.end();

    if (!def.features.empty()) {
        w.start("features");
        for (const FeatureDef &f : def.features) {
            w.start(f.name);
            for (const auto &[k, v] : f.attrs)
                w.attr(k, v);
            w.end();
        }
        w.end();
    }
    w.start("clock").attr("offset", def.clockOffset).end();
    w.element("on_poweroff", def.onPoweroff);
    w.element("on_reboot", def.onReboot);
    w.element("on_crash", def.onCrash);

    w.start("devices").open();
    if (!def.emulator.empty())
        w.element("emulator", def.emulator);
    for (const DiskDef &d : def.disks)
        d.format(w);
    for (const InterfaceDef &i : def.interfaces)
        i.format(w);
    if (def.memballoon)
        def.memballoon->format(w);
    w.end();
    w.end();
    return w.take();
}

} // namespace vh::conf
