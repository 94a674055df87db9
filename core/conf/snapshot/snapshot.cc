#include "conf/snapshot/snapshot.h"

#include <sys/stat.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "conf/xml.h"

namespace vh::conf {

namespace {

enum class StorageType { None, File, Block, Dir, Network, Volume, Nvme, VhostUser, Last };
VH_ENUM_TABLE(kStorageTypes, StorageType, "none", "file", "block", "dir", "network", "volume", "nvme", "vhostuser");

enum class StorageFormat { None, Raw, Dir, Bochs, Cloop, Dmg, Iso, Vpc, Vdi, Fat, Vhd, Ploop, Cow, Qcow, Qcow2, Qed, Vmdk, Last };
VH_ENUM_TABLE(kStorageFormats, StorageFormat, "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
              "ploop", "cow", "qcow", "qcow2", "qed", "vmdk");

enum class NetProtocol { None, Nbd, Rbd, Sheepdog, Gluster, Iscsi, Http, Https, Ftp, Ftps, Tftp, Ssh, Vxhs, Nfs, Last };
VH_ENUM_TABLE(kNetProtocols, NetProtocol, "none", "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps",
              "tftp", "ssh", "vxhs", "nfs");

enum class HostTransport { Tcp, Unix, Rdma, Last };
VH_ENUM_TABLE(kHostTransports, HostTransport, "tcp", "unix", "rdma");

Error snapErr(int code, const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, code, fmt, arg.c_str());
}

// libvirt reads these as string(./x): an empty element counts as absent.
std::string childString(const xmlNode *parent, const char *name)
{
    const xmlNode *n = xml::child(parent, name);
    return n ? xml::text(n) : std::string();
}

// ./driver/metadata_cache/max_size in bytes.
Result<unsigned long long> scaledBytes(const xmlNode *n, const char *xpath)
{
    std::string value = xml::text(n);
    auto v = xml::toULL(value);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "could not parse element %s", xpath);
    std::string unit = xml::attr(n, "unit").value_or("bytes");
    if (unit == "b" || unit == "B" || unit == "bytes")
        return *v;
    auto kib = xml::scaleToKiB(*v, unit);
    if (!kib)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
    return *kib * 1024;
}

Result<void> parseNetworkSource(const xmlNode *n, SnapshotStorageSource &src)
{
    Props p(n);
    auto proto = p.enumeration("protocol", kNetProtocols, PROP_REQUIRED | PROP_NONE_INVALID);
    if (!proto)
        return std::move(proto).error();
    src.protocol = kNetProtocols.name(**proto);
    src.path = xml::attr(n, "name").value_or("");
    if (src.path.empty() && **proto != NetProtocol::Nbd)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing name for disk source");
    auto tls = p.yesNo("tls");
    if (!tls)
        return std::move(tls).error();
    src.tls = *tls;
    src.query = xml::attr(n, "query").value_or("");
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "host")) {
            src.extra.push_back(xml::reformat(c, 0));
            continue;
        }
        SnapshotStorageSource::Host h;
        auto transport = xml::attr(c, "transport");
        HostTransport t = HostTransport::Tcp;
        if (transport) {
            auto parsed = kHostTransports.parse(*transport);
            if (!parsed)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown protocol transport type '%s'",
                                     transport->c_str());
            t = *parsed;
        }
        h.transport = kHostTransports.name(t);
        auto socket = xml::attr(c, "socket");
        if (t == HostTransport::Unix && !socket)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing socket for unix transport");
        if (t != HostTransport::Unix && socket)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "transport '%s' does not support socket attribute",
                                 transport ? transport->c_str() : "(null)");
        h.socket = socket.value_or("");
        if (t != HostTransport::Unix) {
            auto hname = xml::attr(c, "name");
            if (!hname)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing name for host");
            h.name = *hname;
            if (auto port = xml::attr(c, "port")) {
                auto v = xml::toULL(*port);
                if (!v || *v > 65535)
                    return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "failed to parse port number '%s'", port->c_str());
                h.port = static_cast<unsigned int>(*v);
            }
        }
        src.hosts.push_back(std::move(h));
    }
    return {};
}

Result<SnapshotDiskDef> parseDisk(const xmlNode *n)
{
    SnapshotDiskDef disk;
    Props p(n);
    auto name = xml::attr(n, "name");
    if (!name)
        return snapErr(VIR_ERR_INTERNAL_ERROR, "missing name from disk snapshot element");
    disk.name = *name;
    auto snapshot = p.enumeration("snapshot", kSnapshotLocations, PROP_NONE_INVALID);
    if (!snapshot)
        return std::move(snapshot).error();
    disk.snapshot = snapshot->value_or(SnapshotLocation::Default);
    auto type = p.enumeration("type", kStorageTypes, PROP_NONE_INVALID);
    if (!type)
        return std::move(type).error();
    StorageType t = type->value_or(StorageType::File);
    if (t == StorageType::Dir || t == StorageType::Volume)
        return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_XML_ERROR, "unsupported disk snapshot type '%s'",
                             std::string(kStorageTypes.name(t)).c_str());
    disk.src.type = kStorageTypes.name(t);

    if (const xmlNode *source = xml::child(n, "source")) {
        if (t == StorageType::Network) {
            auto r = parseNetworkSource(source, disk.src);
            if (!r)
                return std::move(r).error();
        } else {
            disk.src.path = xml::attr(source, t == StorageType::Block ? "dev" : "file").value_or("");
            for (const xmlNode *c : xml::Children(source))
                disk.src.extra.push_back(xml::reformat(c, 0));
        }
    }
    if (const xmlNode *driver = xml::child(n, "driver")) {
        if (auto format = xml::attr(driver, "type"); format && !format->empty()) {
            auto f = kStorageFormats.parse(*format);
            if (!f || *f == StorageFormat::None)
                return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "unknown disk snapshot driver '%s'", *format);
            disk.src.format = *format;
        }
        if (const xmlNode *cache = xml::child(driver, "metadata_cache"))
            if (const xmlNode *max = xml::child(cache, "max_size")) {
                auto bytes = scaledBytes(max, "./driver/metadata_cache/max_size");
                if (!bytes)
                    return std::move(bytes).error();
                disk.src.metadataCacheBytes = *bytes;
            }
    }
    if ((t == StorageType::File || t == StorageType::Block) && !disk.src.path.empty() && disk.src.path[0] != '/')
        return snapErr(VIR_ERR_XML_ERROR, "disk snapshot image path '%s' must be absolute", disk.src.path);
    if (disk.snapshot == SnapshotLocation::Default && (!disk.src.path.empty() || !disk.src.format.empty()))
        disk.snapshot = SnapshotLocation::External;
    return disk;
}

// A <domain> or <inactiveDomain> element read as a stored config (no validation).
Result<std::shared_ptr<DomainDef>> parseEmbeddedDomain(const xmlNode *n, const DomainXMLOptions &opts)
{
    unsigned flags = PARSE_INACTIVE | PARSE_SKIP_VALIDATE;
    if (xml::is(n, "domain")) {
        auto def = parseDomainNode(n, opts, flags);
        if (!def)
            return std::move(def).error();
        return std::shared_ptr<DomainDef>(std::move(*def));
    }
    // <inactiveDomain> is a domain under another name: read a copy named <domain>
    xml::Doc doc(xmlNewDoc(reinterpret_cast<const xmlChar *>("1.0")));
    xmlNode *copy = xmlDocCopyNode(const_cast<xmlNode *>(n), doc.get(), 1);
    xmlDocSetRootElement(doc.get(), copy);
    xmlNodeSetName(copy, reinterpret_cast<const xmlChar *>("domain"));
    auto def = parseDomainNode(copy, opts, flags);
    if (!def)
        return std::move(def).error();
    return std::shared_ptr<DomainDef>(std::move(*def));
}

// The domain formatted one level deeper, under the given root name, always as a config.
void formatEmbeddedDomain(xml::Writer &w, const DomainDef &dom, const char *root, unsigned flags)
{
    unsigned domFlags = VIR_DOMAIN_XML_INACTIVE;
    if (flags & SNAPSHOT_FORMAT_SECURE)
        domFlags |= VIR_DOMAIN_XML_SECURE;
    w.raw(formatDomain(dom, domFlags, w.depth(), root));
}

void formatDisk(xml::Writer &w, const SnapshotDiskDef &disk)
{
    w.start("disk").attr("name", disk.name);
    if (disk.snapshot != SnapshotLocation::Default)
        w.attr("snapshot", kSnapshotLocations.name(disk.snapshot));
    const SnapshotStorageSource &src = disk.src;
    if (src.path.empty() && src.format.empty()) {
        w.end();
        return;
    }
    w.attr("type", src.type);
    if (!src.format.empty() || src.metadataCacheBytes) {
        w.start("driver");
        if (!src.format.empty())
            w.attr("type", src.format);
        if (src.metadataCacheBytes)
            w.start("metadata_cache").start("max_size").attr("unit", "bytes").text(std::to_string(*src.metadataCacheBytes)).end().end();
        w.end();
    }
    bool network = src.type == "network";
    if (!src.path.empty() || network || !src.extra.empty()) {
        w.start("source");
        if (network) {
            w.attr("protocol", src.protocol);
            if (!src.path.empty())
                w.attr("name", src.path);
            if (src.tls)
                w.attr("tls", yesNo(*src.tls));
            if (!src.query.empty())
                w.attr("query", src.query);
            for (const SnapshotStorageSource::Host &h : src.hosts) {
                w.start("host");
                if (h.transport != "tcp")
                    w.attr("transport", h.transport);
                if (!h.name.empty())
                    w.attr("name", h.name);
                if (h.port)
                    w.attr("port", h.port);
                if (!h.socket.empty())
                    w.attr("socket", h.socket);
                w.end();
            }
        } else {
            w.attr(src.type == "block" ? "dev" : "file", src.path);
        }
        for (const std::string &e : src.extra)
            w.raw(xml::indented(e, w.depth()));
        w.end();
    }
    w.end();
}

bool isEmptySource(const DiskDef &d)
{
    return (d.type == "file" || d.type == "block" || d.type == "dir") && d.source.empty();
}

// New external images named after the domain's: "<image without suffix>.<snapshot name>".
Result<void> assignExternalNames(SnapshotDef &def)
{
    const auto &domDisks = def.domain->devices.disks;
    for (size_t i = 0; i < def.disks.size(); i++) {
        SnapshotDiskDef &disk = def.disks[i];
        if (disk.snapshot != SnapshotLocation::External || !disk.src.path.empty())
            continue;
        if (disk.src.type != "file")
            return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "cannot generate external snapshot name for disk '%s' on a '%s' device", disk.name.c_str(),
                                 disk.src.type.c_str());
        const std::string &orig = domDisks[i].source;
        if (orig.empty())
            return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "cannot generate external snapshot name for disk '%s' without source",
                           disk.name);
        struct stat sb;
        if (stat(orig.c_str(), &sb) < 0 || !S_ISREG(sb.st_mode))
            return snapErr(VIR_ERR_CONFIG_UNSUPPORTED,
                           "source for disk '%s' is not a regular file; refusing to generate external snapshot name", disk.name);
        std::string base = orig;
        size_t dot = base.rfind('.');
        if (dot != std::string::npos && base.find('/', dot) == std::string::npos)
            base.resize(dot);
        disk.src.path = base + "." + def.name;
        for (size_t j = 0; j < i; j++) {
            if (def.disks[j].src.path == disk.src.path)
                return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "cannot generate external snapshot name for disk '%s': collision with disk '%s'",
                                     disk.name.c_str(), def.disks[j].name.c_str());
        }
    }
    return {};
}

const DomainXMLOptions &genericOptions()
{
    static const DomainXMLOptions opts;
    return opts;
}

} // namespace

Result<std::unique_ptr<SnapshotDef>> parseSnapshot(std::string_view text, const DomainXMLOptions &opts, unsigned int flags)
{
    auto doc = xml::parse(text, "(domain_snapshot)", VIR_FROM_DOMAIN_SNAPSHOT);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "domainsnapshot"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'domainsnapshot', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<SnapshotDef>();
    bool redefine = !(flags & SNAPSHOT_PARSE_NEW);

    def->name = childString(root, "name");
    if (def->name.empty() && redefine)
        return snapErr(VIR_ERR_XML_ERROR, "a redefined snapshot must have a name");
    def->description = childString(root, "description");

    bool offline = flags & SNAPSHOT_PARSE_OFFLINE;
    if (redefine) {
        auto created = xml::toLL(childString(root, "creationTime"));
        if (!created)
            return snapErr(VIR_ERR_INTERNAL_ERROR, "missing creationTime from existing snapshot");
        def->creationTime = *created;
        if (const xmlNode *parent = xml::child(root, "parent"))
            def->parent = childString(parent, "name");
        std::string state = childString(root, "state");
        if (state.empty())
            return snapErr(VIR_ERR_XML_ERROR, "missing state from existing snapshot");
        auto s = kSnapshotStates.parse(state);
        if (!s || *s == SnapshotState::NoState)
            return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid state '%s' in domain snapshot XML", state);
        def->state = *s;
        offline = def->state == SnapshotState::Shutoff || def->state == SnapshotState::DiskSnapshot;

        // An older snapshot has only <domain><uuid/></domain>, without a type: no definition.
        const xmlNode *domain = xml::child(root, "domain");
        if (domain && xml::attr(domain, "type")) {
            auto dom = parseEmbeddedDomain(domain, opts);
            if (!dom)
                return std::move(dom).error();
            def->domain = std::move(*dom);
        }
        if (const xmlNode *inactive = xml::child(root, "inactiveDomain")) {
            auto dom = parseEmbeddedDomain(inactive, opts);
            if (!dom)
                return std::move(dom).error();
            def->inactiveDomain = std::move(*dom);
        }
    }

    if (const xmlNode *memory = xml::child(root, "memory")) {
        def->memoryFile = xml::attr(memory, "file").value_or("");
        auto location = Props(memory).enumeration("snapshot", kSnapshotLocations, PROP_NONE_INVALID);
        if (!location)
            return std::move(location).error();
        def->memory = location->value_or(SnapshotLocation::Default);
    }
    if (!def->memoryFile.empty()) {
        if (def->memoryFile[0] != '/')
            return snapErr(VIR_ERR_XML_ERROR, "memory snapshot file path (%s) must be absolute", def->memoryFile);
        if (def->memory == SnapshotLocation::Default)
            def->memory = SnapshotLocation::External;
        else if (def->memory != SnapshotLocation::External)
            return snapErr(VIR_ERR_XML_ERROR, "memory filename '%s' requires external snapshot", def->memoryFile);
    }
    if (def->memoryFile.empty() && def->memory == SnapshotLocation::External)
        return snapErr(VIR_ERR_XML_ERROR, "external memory snapshots require a filename");
    if (def->memory == SnapshotLocation::Manual)
        return snapErr(VIR_ERR_XML_ERROR, "'manual' memory snapshot mode not supported");
    if (offline && def->memory != SnapshotLocation::Default && def->memory != SnapshotLocation::No)
        return snapErr(VIR_ERR_XML_ERROR, "memory state cannot be saved with offline or disk-only snapshot");

    // every element under <disks> is a disk
    if (const xmlNode *disks = xml::child(root, "disks")) {
        for (const xmlNode *d : xml::Children(disks)) {
            auto disk = parseDisk(d);
            if (!disk)
                return std::move(disk).error();
            def->disks.push_back(std::move(*disk));
        }
    }

    if (flags & SNAPSHOT_PARSE_INTERNAL) {
        auto active = xml::toLL(childString(root, "active"));
        if (!active)
            return snapErr(VIR_ERR_XML_ERROR, "Could not find 'active' element");
        def->current = *active != 0;
    }

    if (redefine && !(flags & SNAPSHOT_PARSE_NO_ALIGN)) {
        auto r = prepareRedefinedSnapshot(*def);
        if (!r)
            return std::move(r).error();
    }
    return def;
}

Result<std::unique_ptr<SnapshotDef>> parseSnapshot(std::string_view text, unsigned int flags)
{
    return parseSnapshot(text, genericOptions(), flags);
}

bool snapshotIsExternal(const SnapshotDef &def)
{
    if (def.memory == SnapshotLocation::External)
        return true;
    for (const SnapshotDiskDef &d : def.disks)
        if (d.snapshot == SnapshotLocation::External)
            return true;
    return false;
}

Result<void> prepareRedefinedSnapshot(SnapshotDef &def)
{
    bool offline = def.state == SnapshotState::Shutoff || def.state == SnapshotState::DiskSnapshot;
    if (def.memory == SnapshotLocation::Default)
        def.memory = offline ? SnapshotLocation::No : SnapshotLocation::Internal;
    bool external = def.state == SnapshotState::DiskSnapshot || snapshotIsExternal(def);
    return alignSnapshotDisks(def, external ? SnapshotLocation::External : SnapshotLocation::Internal, !external);
}

Result<void> alignSnapshotDisks(SnapshotDef &def, SnapshotLocation location, bool uniformInternal)
{
    if (!def.domain)
        return snapErr(VIR_ERR_INTERNAL_ERROR, "missing domain in snapshot");
    const auto &domDisks = def.domain->devices.disks;
    if (def.disks.size() > domDisks.size())
        return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "too many disk snapshot requests for domain");
    if (domDisks.empty())
        return {};

    // each given disk to its domain disk, by target, else by image
    std::vector<SnapshotDiskDef *> byDomainDisk(domDisks.size(), nullptr);
    for (SnapshotDiskDef &disk : def.disks) {
        size_t idx = DiskDef::findByName(domDisks, disk.name);
        if (idx == domDisks.size())
            return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "no disk named '%s'", disk.name);
        if (byDomainDisk[idx])
            return snapErr(VIR_ERR_CONFIG_UNSUPPORTED, "disk '%s' specified twice", disk.name);
        byDomainDisk[idx] = &disk;

        bool skipped = isEmptySource(domDisks[idx]) || domDisks[idx].readonly;
        if (disk.snapshot == SnapshotLocation::Default) {
            disk.snapshot = location;
        } else if (uniformInternal && disk.snapshot != location && !skipped) {
            return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_CONFIG_UNSUPPORTED, "disk '%s' must use snapshot mode '%s'",
                                 disk.name.c_str(), std::string(kSnapshotLocations.name(location)).c_str());
        }
        if (!disk.src.path.empty() && disk.snapshot != SnapshotLocation::External)
            return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "file '%s' for disk '%s' requires use of external snapshot mode", disk.src.path.c_str(),
                                 disk.name.c_str());
        disk.name = domDisks[idx].targetDev;
    }

    std::vector<SnapshotDiskDef> aligned(domDisks.size());
    for (size_t i = 0; i < domDisks.size(); i++) {
        if (byDomainDisk[i]) {
            aligned[i] = std::move(*byDomainDisk[i]);
            continue;
        }
        SnapshotDiskDef &disk = aligned[i];
        disk.name = domDisks[i].targetDev;
        // empty and read-only drives are not snapshotted
        disk.snapshot = isEmptySource(domDisks[i]) || domDisks[i].readonly ? SnapshotLocation::No : location;
    }
    def.disks = std::move(aligned);
    return assignExternalNames(def);
}

std::string formatSnapshot(const SnapshotDef &def, unsigned int flags)
{
    xml::Writer w;
    w.start("domainsnapshot").open();
    w.element("name", def.name);
    if (!def.description.empty())
        w.element("description", def.description);
    if (def.state != SnapshotState::NoState)
        w.element("state", kSnapshotStates.name(def.state));
    if (!def.parent.empty())
        w.start("parent").element("name", def.parent).end();
    if (def.creationTime)
        w.element("creationTime", std::to_string(def.creationTime));
    if (def.memory != SnapshotLocation::Default) {
        w.start("memory").attr("snapshot", kSnapshotLocations.name(def.memory));
        if (!def.memoryFile.empty())
            w.attr("file", def.memoryFile);
        w.end();
    }
    if (!def.disks.empty()) {
        w.start("disks");
        for (const SnapshotDiskDef &disk : def.disks)
            formatDisk(w, disk);
        w.end();
    }
    if (def.domain)
        formatEmbeddedDomain(w, *def.domain, "domain", flags);
    if (def.inactiveDomain)
        formatEmbeddedDomain(w, *def.inactiveDomain, "inactiveDomain", flags);
    if (flags & SNAPSHOT_FORMAT_INTERNAL)
        w.element("active", def.current ? "1" : "0");
    w.end();
    return w.take();
}

} // namespace vh::conf
