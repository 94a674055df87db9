#include "conf/checkpoint/checkpoint.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "conf/xml.h"

namespace vh::conf {

namespace {

Error cpErr(int code, const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_DOMAIN_CHECKPOINT, code, fmt, arg.c_str());
}

// libvirt reads these as string(./x): an empty element counts as absent.
std::string childString(const xmlNode *parent, const char *name)
{
    const xmlNode *n = xml::child(parent, name);
    return n ? xml::text(n) : std::string();
}

Result<CheckpointDiskDef> parseDisk(const xmlNode *n)
{
    CheckpointDiskDef disk;
    auto name = xml::attr(n, "name");
    if (!name)
        return cpErr(VIR_ERR_INTERNAL_ERROR, "missing name from disk checkpoint element");
    disk.name = *name;
    auto type = Props(n).enumeration("checkpoint", kCheckpointTypes, PROP_NONE_INVALID);
    if (!type)
        return std::move(type).error();
    disk.type = type->value_or(CheckpointType::Default);
    disk.bitmap = xml::attr(n, "bitmap").value_or("");
    return disk;
}

bool emptyOrReadonly(const DiskDef &d)
{
    return ((d.type == "file" || d.type == "block" || d.type == "dir") && d.source.empty()) || d.readonly;
}

// The domain one level deeper, always as a config.
void formatDomainInside(xml::Writer &w, const DomainDef &dom, unsigned flags)
{
    unsigned domFlags = VIR_DOMAIN_XML_INACTIVE;
    if (flags & CHECKPOINT_FORMAT_SECURE)
        domFlags |= VIR_DOMAIN_XML_SECURE;
    w.raw(formatDomain(dom, domFlags, w.depth()));
}

const DomainXMLOptions &genericOptions()
{
    static const DomainXMLOptions opts;
    return opts;
}

} // namespace

Result<std::unique_ptr<CheckpointDef>> parseCheckpoint(std::string_view text, const DomainXMLOptions &opts, unsigned int flags)
{
    auto doc = xml::parse(text, "(domain_checkpoint)", VIR_FROM_DOMAIN_CHECKPOINT);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "domaincheckpoint"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'domaincheckpoint', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<CheckpointDef>();
    bool redefine = !(flags & CHECKPOINT_PARSE_NEW);

    def->name = childString(root, "name");
    if (def->name.empty() && redefine)
        return cpErr(VIR_ERR_XML_ERROR, "a redefined checkpoint must have a name");
    def->description = childString(root, "description");
    if (redefine) {
        auto created = xml::toLL(childString(root, "creationTime"));
        if (!created)
            return cpErr(VIR_ERR_INTERNAL_ERROR, "missing creationTime from existing checkpoint");
        def->creationTime = *created;
        if (const xmlNode *parent = xml::child(root, "parent"))
            def->parent = childString(parent, "name");
        if (const xmlNode *domain = xml::child(root, "domain")) {
            auto dom = parseDomainNode(domain, opts, PARSE_INACTIVE | PARSE_SKIP_VALIDATE);
            if (!dom)
                return std::move(dom).error();
            def->domain = std::shared_ptr<DomainDef>(std::move(*dom));
        }
    }
    // every element under <disks> is a disk
    if (const xmlNode *disks = xml::child(root, "disks")) {
        for (const xmlNode *d : xml::Children(disks)) {
            auto disk = parseDisk(d);
            if (!disk)
                return std::move(disk).error();
            def->disks.push_back(std::move(*disk));
        }
    }
    if (redefine && def->domain && !(flags & CHECKPOINT_PARSE_NO_ALIGN)) {
        auto r = alignCheckpointDisks(*def);
        if (!r)
            return std::move(r).error();
    }
    return def;
}

Result<std::unique_ptr<CheckpointDef>> parseCheckpoint(std::string_view text, unsigned int flags)
{
    return parseCheckpoint(text, genericOptions(), flags);
}

Result<void> alignCheckpointDisks(CheckpointDef &def)
{
    if (!def.domain)
        return cpErr(VIR_ERR_INTERNAL_ERROR, "missing domain in checkpoint");
    const auto &domDisks = def.domain->devices.disks;
    if (def.disks.size() > domDisks.size())
        return cpErr(VIR_ERR_CONFIG_UNSUPPORTED, "too many disk checkpoint requests for domain");
    if (domDisks.empty())
        return cpErr(VIR_ERR_CONFIG_UNSUPPORTED, "domain must have at least one disk to perform checkpoints");
    CheckpointType fallback = def.disks.empty() ? CheckpointType::Bitmap : CheckpointType::No;

    std::vector<CheckpointDiskDef *> byDomainDisk(domDisks.size(), nullptr);
    for (CheckpointDiskDef &disk : def.disks) {
        size_t idx = DiskDef::findByName(domDisks, disk.name);
        if (idx == domDisks.size())
            return cpErr(VIR_ERR_CONFIG_UNSUPPORTED, "no disk named '%s'", disk.name);
        if (byDomainDisk[idx])
            return cpErr(VIR_ERR_CONFIG_UNSUPPORTED, "disk '%s' specified twice", disk.name);
        byDomainDisk[idx] = &disk;
        if (disk.type == CheckpointType::Default)
            disk.type = CheckpointType::Bitmap;
        if (disk.type == CheckpointType::Bitmap && emptyOrReadonly(domDisks[idx]))
            return cpErr(VIR_ERR_CONFIG_UNSUPPORTED, "disk '%s' is empty or readonly", disk.name);
        disk.name = domDisks[idx].targetDev;
    }

    std::vector<CheckpointDiskDef> aligned(domDisks.size());
    for (size_t i = 0; i < domDisks.size(); i++) {
        if (byDomainDisk[i]) {
            aligned[i] = std::move(*byDomainDisk[i]);
        } else {
            aligned[i].name = domDisks[i].targetDev;
            aligned[i].type = emptyOrReadonly(domDisks[i]) ? CheckpointType::No : fallback;
        }
        if (aligned[i].type == CheckpointType::Bitmap && aligned[i].bitmap.empty())
            aligned[i].bitmap = def.name;
    }
    def.disks = std::move(aligned);
    return {};
}

std::string formatCheckpoint(const CheckpointDef &def, unsigned int flags)
{
    xml::Writer w;
    w.start("domaincheckpoint").open();
    w.element("name", def.name);
    if (!def.description.empty())
        w.element("description", def.description);
    if (!def.parent.empty())
        w.start("parent").element("name", def.parent).end();
    if (def.creationTime)
        w.element("creationTime", std::to_string(def.creationTime));
    if (!def.disks.empty()) {
        w.start("disks");
        for (const CheckpointDiskDef &disk : def.disks) {
            w.start("disk").attr("name", disk.name);
            if (disk.type != CheckpointType::Default)
                w.attr("checkpoint", kCheckpointTypes.name(disk.type));
            if (!disk.bitmap.empty())
                w.attr("bitmap", disk.bitmap);
            if ((flags & CHECKPOINT_FORMAT_SIZE) && disk.sizeValid)
                w.attr("size", disk.size);
            w.end();
        }
        w.end();
    }
    if (def.domain && !(flags & CHECKPOINT_FORMAT_NO_DOMAIN))
        formatDomainInside(w, *def.domain, flags);
    w.end();
    return w.take();
}

} // namespace vh::conf
