#include "conf/domain/domain_def.h"
#include "conf/schema.h"

#include <cstring>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/props.h"
#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

const char *const kVirtTypes[] = {"none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
                                  "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf"};

// Reads a section, leaving the first error in err.
template <class T>
Result<void> section(T &out, const TopLevel &top, const ParseContext &ctx)
{
    auto r = T::parse(top, ctx);
    if (!r)
        return std::move(r).error();
    out = std::move(*r);
    return {};
}

Result<void> parseIdentity(const xmlNode *root, const TopLevel &top, const ParseContext &ctx, DomainDef &def)
{
    if (!(ctx.flags & PARSE_INACTIVE)) {
        if (auto id = xml::attr(root, "id"))
            if (auto v = xml::toLL(*id))
                def.id = static_cast<int>(*v);
    }
    if (const xmlNode *n = top.first("name"))
        def.name = xml::text(n);
    if (def.name.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_NAME);
    if (def.name.find('/') != std::string::npos)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "name %s cannot contain '/'", def.name.c_str());
    if (const xmlNode *n = top.first("uuid")) {
        if (!uuidParse(xml::text(n).c_str(), def.uuid))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
    } else {
        uuidGenerate(def.uuid);
    }
    if (const xmlNode *n = top.first("genid")) {
        std::string g = xml::text(n);
        unsigned char raw[VIR_UUID_BUFLEN];
        if (!g.empty() && !uuidParse(g.c_str(), raw))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "malformed genid element");
        if (g.empty())
            uuidGenerate(raw);     // <genid/> asks for a new one
        def.genid = uuidFormat(raw);
    }
    if (const xmlNode *n = top.first("title"))
        def.title = xml::text(n);
    if (const xmlNode *n = top.first("description"))
        def.description = xml::text(n);
    if (const xmlNode *n = top.first("metadata"))
        VH_TRY(def.metadata.parse(n));
    return {};
}

// Top-level elements of the namespaces the driver keeps.
void parseNamespaces(const xmlNode *root, const ParseContext &ctx, DomainDef &def)
{
    if (!ctx.opts)
        return;
    for (const auto &[prefix, uri] : ctx.opts->namespaces) {
        NamespaceData ns{prefix, uri, {}};
        for (const xmlNode *c : xml::Children(root))
            if (c->ns && c->ns->href && uri == reinterpret_cast<const char *>(c->ns->href))
                ns.elements.push_back(xml::reformat(c, 1));
        if (!ns.elements.empty())
            def.namespaces.push_back(std::move(ns));
    }
}

Result<std::unique_ptr<DomainDef>> parseXML(const xmlNode *root, const ParseContext &ctx)
{
    if (!xml::is(root, "domain"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'domain', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<DomainDef>();
    auto type = xml::attr(root, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing domain type attribute");
    bool known = false;
    for (const char *t : kVirtTypes)
        known |= *type == t;
    if (!known)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "invalid domain type %s", type->c_str());
    def->virtType = *type;

    // Sections in the order libvirt reads them, so the first error is the one it reports.
    TopLevel top(root);
    VH_TRY(parseIdentity(root, top, ctx, *def));
    VH_TRY(def->os.parseCaps(top, ctx));
    VH_TRY(def->security.parseSeclabels(top, ctx));
    VH_TRY(section(def->memory, top, ctx));
    VH_TRY(section(def->blkiotune, top, ctx));
    VH_TRY(section(def->memtune, top, ctx));
    VH_TRY(section(def->memoryBacking, top, ctx));
    VH_TRY(section(def->vcpu, top, ctx));
    VH_TRY(section(def->iothreads, top, ctx));
    VH_TRY(section(def->cputune, top, ctx));
    VH_TRY(section(def->cpu, top, ctx));
    VH_TRY(section(def->numatune, top, ctx));
    VH_TRY(section(def->resource, top, ctx));
    VH_TRY(section(def->features, top, ctx));
    VH_TRY(section(def->lifecycle, top, ctx));
    VH_TRY(section(def->pm, top, ctx));
    VH_TRY(section(def->perf, top, ctx));
    VH_TRY(section(def->clock, top, ctx));
    VH_TRY(def->os.parseBoot(top, ctx));
    auto devices = DevicesDef::parse(top.first("devices"), ctx);
    if (!devices)
        return std::move(devices).error();
    def->devices = std::move(*devices);
    VH_TRY(def->security.parseLaunchSecurity(top, ctx));
    VH_TRY(section(def->idmap, top, ctx));
    VH_TRY(section(def->sysinfo, top, ctx));
    VH_TRY(def->os.parseSmbios(top, ctx));
    VH_TRY(def->security.parseKeywrap(top, ctx));
    parseNamespaces(root, ctx, *def);
    return def;
}

// The defaults libvirt fills in for every driver, around the driver's hooks.
void postParse(DomainDef &def, const DomainXMLOptions &opts)
{
    if (opts.postParse)
        opts.postParse(def);
    if (opts.devicesPostParse)
        opts.devicesPostParse(def);
    VcpuDef::postParseAll(def);
    MemoryDef::postParseAll(def);
    if (def.os.arch.empty())
        def.os.arch = opts.defaultArch;
    bool deviceBoot = false;
    def.devices.forEach([&](auto *d) { deviceBoot |= d->info.bootIndex != 0; });
    if (def.os.type == "hvm" && def.os.boot.empty() && def.os.bootloader.empty() && !deviceBoot)
        def.os.boot.push_back("hd");
    OsDef::postParseAll(def);
    SysinfoDef::postParseAll(def);
    DevicesDef::postParse(def);
    if (opts.assignAddresses)
        opts.assignAddresses(def);
}

} // namespace

Result<void> validateDomain(const DomainDef &def, const DomainXMLOptions &opts)
{
    // what libvirt's post-parse refuses comes first, then the driver's rules, then the generic ones
    VH_TRY(VcpuDef::postParseCheckAll(def));
    VH_TRY(MemoryDef::postParseCheckAll(def));
    VH_TRY(CpuDef::postParseCheckAll(def));
    VH_TRY(OsDef::checkPostParse(def));
    if (def.os.type == "hvm")
        VH_TRY(DeviceInfo::validateBootOrder(def));
    if (opts.validate)
        VH_TRY(opts.validate(def));
    VH_TRY(ClockDef::validateAll(def));
    VH_TRY(DevicesDef::validate(def));
    VH_TRY(DeviceInfo::validateAliases(def));
    VH_TRY(CpuDef::validateAll(def));
    VH_TRY(MemoryDef::validateAll(def));
    VH_TRY(ResourceDef::validateAll(def));
    VH_TRY(CpuTuneDef::validateAll(def));
    VH_TRY(BlkioTuneDef::validateAll(def));
    VH_TRY(IothreadsDef::validateAll(def));
    VH_TRY(LifecycleDef::validateAll(def));
    VH_TRY(OsDef::validateAll(def));
    VH_TRY(IdmapDef::validateAll(def));
    return {};
}

Result<std::unique_ptr<DomainDef>> parseDomainNode(const xmlNode *root, const DomainXMLOptions &opts, unsigned flags)
{
    ParseContext ctx{flags, &opts};
    auto def = parseXML(root, ctx);
    if (!def)
        return def;
    postParse(**def, opts);
    if (!(flags & PARSE_SKIP_VALIDATE))
        VH_TRY(validateDomain(**def, opts));
    return def;
}

Result<std::unique_ptr<DomainDef>> parseDomain(std::string_view xmlText, const DomainXMLOptions &opts, unsigned flags)
{
    if (flags & PARSE_VALIDATE_SCHEMA) {
        // the schema sees the document as written, before any part of the model reads it
        auto doc = xml::parse(xmlText, "(domain_definition)", VIR_FROM_DOMAIN);
        if (!doc)
            return std::move(doc).error();
        VH_TRY(schema::validate(doc->get(), "domain", VIR_FROM_XML));
        return parseDomainNode(xmlDocGetRootElement(doc->get()), opts, flags);
    }
    auto tree = xml::read(xmlText, "(domain_definition)", VIR_FROM_DOMAIN);
    if (!tree)
        return std::move(tree).error();
    return parseDomainNode(tree->root(), opts, flags);
}

std::string formatDomain(const DomainDef &def, unsigned int xmlFlags, int depth, const char *root)
{
    FormatContext ctx{xmlFlags};
    xml::Writer w(depth);
    w.start(root).attr("type", def.virtType);
    if (def.id >= 0 && !ctx.inactive())
        w.attr("id", def.id);
    for (const NamespaceData &ns : def.namespaces)
        w.attr("xmlns:" + ns.prefix, ns.uri);
    w.element("name", def.name);
    char uuid[VIR_UUID_STRING_BUFLEN];
    uuidFormat(def.uuid, uuid);
    w.element("uuid", uuid);
    if (def.genid)
        w.element("genid", *def.genid);
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
    def.memory.format(w, ctx);
    def.blkiotune.format(w, ctx);
    def.memtune.format(w, ctx);
    def.memoryBacking.format(w, ctx);
    def.vcpu.format(w, ctx);
    def.iothreads.format(w, ctx);
    def.cputune.format(w, ctx);
    def.numatune.format(w, ctx);
    def.resource.format(w, ctx);
    def.sysinfo.format(w, ctx);
    def.os.format(w, ctx);
    def.idmap.format(w, ctx);
    def.features.format(w, ctx);
    def.cpu.format(w, ctx);
    def.clock.format(w, ctx);
    def.lifecycle.format(w, ctx);
    def.pm.format(w, ctx);
    def.perf.format(w, ctx);
    def.devices.format(w, ctx);
    def.security.format(w, ctx);
    for (const NamespaceData &ns : def.namespaces)
        for (const std::string &e : ns.elements)
            w.raw(e);
    w.end();
    return w.take();
}

} // namespace vh::conf
