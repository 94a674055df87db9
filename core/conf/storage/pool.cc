#include "conf/storage/pool.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "util/uuid.h"

namespace vh::conf {

// ---- shared readers -------------------------------------------------------------------------

namespace storage {

std::optional<std::string> childAttr(const xmlNode *parent, const char *elem, const char *attr)
{
    for (const xmlNode *c : xml::Children(parent))
        if (xml::is(c, elem))
            if (auto v = xml::attr(c, attr))
                return nonEmpty(std::move(v));
    return std::nullopt;
}

std::string sanitizePath(const std::string &path)
{
    // a URI keeps its slashes: two of them may name another resource
    size_t scheme = path.find("://");
    if (scheme != std::string::npos && path.find('/') > scheme)
        return path;
    std::string out;
    out.reserve(path.size());
    size_t i = 0;
    // "//x" is a valid POSIX path of its own, "///x" is "/x"
    if (path.size() >= 2 && path[0] == '/' && path[1] == '/' && (path.size() == 2 || path[2] != '/')) {
        out = "//";
        i = 2;
    }
    while (i < path.size()) {
        if (path[i] != '/') {
            out += path[i++];
            continue;
        }
        while (i < path.size() && path[i] == '/')
            i++;
        if (!out.empty() && i == path.size())
            break;
        out += '/';
    }
    return out;
}

} // namespace storage

using storage::childAttr;
using storage::childString;
using storage::nonEmpty;

namespace {

// What a pool type's <source> holds (libvirt's per-type pool options).
enum SourceFlags : unsigned {
    SRC_HOST = 1u << 0,
    SRC_DEVICE = 1u << 1,
    SRC_DIR = 1u << 2,
    SRC_ADAPTER = 1u << 3,
    SRC_NAME = 1u << 4,
    SRC_INITIATOR_IQN = 1u << 5,
    SRC_NETWORK = 1u << 6,   // no target on the host
};

unsigned sourceFlags(PoolType t)
{
    switch (t) {
    case PoolType::Fs: return SRC_DEVICE;
    case PoolType::Netfs: return SRC_HOST | SRC_DIR;
    case PoolType::Logical: return SRC_NAME | SRC_DEVICE;
    case PoolType::Disk: return SRC_DEVICE;
    case PoolType::Iscsi: return SRC_HOST | SRC_DEVICE | SRC_INITIATOR_IQN;
    case PoolType::IscsiDirect: return SRC_HOST | SRC_DEVICE | SRC_NETWORK | SRC_INITIATOR_IQN;
    case PoolType::Scsi: return SRC_ADAPTER;
    case PoolType::Rbd: return SRC_HOST | SRC_NETWORK | SRC_NAME;
    case PoolType::Sheepdog: return SRC_HOST | SRC_NETWORK | SRC_NAME;
    case PoolType::Gluster: return SRC_HOST | SRC_NETWORK | SRC_NAME | SRC_DIR;
    case PoolType::Zfs: return SRC_NAME | SRC_DEVICE;
    case PoolType::Vstorage: return SRC_NAME;
    default: return 0;
    }
}

bool hasFormats(PoolType t)
{
    return t == PoolType::Fs || t == PoolType::Netfs || t == PoolType::Disk || t == PoolType::Logical;
}

int defaultFormat(PoolType t)
{
    switch (t) {
    case PoolType::Logical: return static_cast<int>(PoolLogicalFormat::Lvm2);
    default: return 0;   // auto (fs, netfs), unknown (disk)
    }
}

std::optional<int> parseFormat(PoolType t, const std::string &s)
{
    auto idx = [](auto e) { return e ? std::optional<int>(static_cast<int>(*e)) : std::nullopt; };
    switch (t) {
    case PoolType::Fs: return idx(kPoolFsFormat.parse(s));
    case PoolType::Netfs: return idx(kPoolNetfsFormat.parse(s));
    case PoolType::Disk: return idx(kPoolDiskFormat.parse(s));
    case PoolType::Logical: return idx(kPoolLogicalFormat.parse(s));
    default: return std::nullopt;
    }
}

Error poolError(int code, const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_STORAGE, code, fmt, arg.c_str());
}

// "Malformed wwn": 16 hex digits, optionally after "0x".
bool validWwn(const std::string &wwn)
{
    size_t start = wwn.rfind("0x", 0) == 0 ? 2 : 0;
    if (wwn.size() - start != 16)
        return false;
    for (size_t i = start; i < wwn.size(); i++)
        if (!isxdigit(static_cast<unsigned char>(wwn[i])))
            return false;
    return true;
}

Result<void> checkWwn(const std::optional<std::string> &wwn)
{
    if (wwn && !validWwn(*wwn))
        return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "Malformed wwn: %s", wwn->c_str());
    return {};
}

// An unsigned attribute of a PCI <address>, in C's notation (0x hex, 0 octal, decimal).
Result<unsigned int> pciAttr(const xmlNode *n, const char *name)
{
    auto v = xml::attr(n, name);
    if (!v)
        return 0u;
    const char *s = v->c_str();
    bool sign = *s == '-' || isspace(static_cast<unsigned char>(*s));
    char *end = nullptr;
    errno = 0;
    unsigned long long x = sign ? 0 : strtoull(s, &end, 0);
    if (sign || errno || !end || *end || end == s || x > 0xffffffffull)
        return Props(n).invalid(name, *v, "Expected non-negative integer value");
    return static_cast<unsigned int>(x);
}

} // namespace

// ---- permissions ----------------------------------------------------------------------------

Result<PoolPerms> PoolPerms::parse(const xmlNode *n, int errDomain)
{
    PoolPerms p;
    if (!n)
        return p;
    if (auto mode = childString(n, "mode")) {
        errno = 0;
        char *end = nullptr;
        long v = strtol(mode->c_str(), &end, 8);
        if (errno || *end || end == mode->c_str() || v < INT32_MIN || v > INT32_MAX || (v & ~0777))
            return Error::format(errDomain, VIR_ERR_XML_ERROR, "malformed octal mode");
        p.mode = static_cast<int>(v);
    }
    // owner and group: decimal integers; (uid_t)-1 is "unset"
    for (auto [elem, out] : {std::pair{"owner", &p.uid}, std::pair{"group", &p.gid}}) {
        const xmlNode *c = xml::child(n, elem);
        if (!c)
            continue;
        std::string text = storage::deepText(c);
        errno = 0;
        char *end = nullptr;
        long long v = strtoll(text.c_str(), &end, 10);
        if (errno || *end || end == text.c_str() || (static_cast<long long>(static_cast<unsigned int>(v)) != v && v != -1))
            return Error::format(errDomain, VIR_ERR_XML_ERROR, "malformed %s element", elem);
        *out = static_cast<unsigned int>(v);
    }
    p.label = childString(n, "label");
    return p;
}

void PoolPerms::format(xml::Writer &w) const
{
    if (empty())
        return;
    w.start("permissions");
    if (mode != -1) {
        char buf[16];
        snprintf(buf, sizeof(buf), "0%o", static_cast<unsigned>(mode));
        w.element("mode", buf);
    }
    if (uid != 0xffffffffu)
        w.element("owner", std::to_string(static_cast<int>(uid)));
    if (gid != 0xffffffffu)
        w.element("group", std::to_string(static_cast<int>(gid)));
    if (label)
        w.element("label", *label);
    w.end();
}

// ---- auth -----------------------------------------------------------------------------------

Result<PoolAuth> PoolAuth::parse(const xmlNode *n)
{
    PoolAuth a;
    auto type = xml::attr(n, "type");
    auto username = xml::attr(n, "username");
    if (!username)
        return poolError(VIR_ERR_XML_ERROR, "missing username for auth");
    a.username = std::move(*username);
    if (!type)
        return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "storage pool missing auth type");
    auto t = kPoolAuthType.parse(*type);
    if (!t)
        return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown auth type '%s'", *type);
    if (*t == PoolAuthType::None)
        return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "storage pool missing auth type");
    a.type = *t;
    const xmlNode *secret = xml::child(n, "secret");
    if (!secret)
        return poolError(VIR_ERR_XML_ERROR, "Missing <secret> element in auth");
    a.secretType = xml::attr(secret, "type");
    auto uuid = xml::attr(secret, "uuid");
    auto usage = xml::attr(secret, "usage");
    if (!uuid && !usage)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "missing secret uuid or usage attribute");
    if (uuid && usage)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "either secret uuid or usage expected");
    if (uuid) {
        if (!uuidParse(uuid->c_str(), a.uuid))
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "invalid secret uuid '%s'", uuid->c_str());
        a.hasUuid = true;
    } else {
        a.usage = std::move(*usage);
    }
    return a;
}

void PoolAuth::format(xml::Writer &w) const
{
    w.start("auth").attr("type", kPoolAuthType.name(type)).attr("username", username);
    w.start("secret");
    if (secretType)
        w.attr("type", *secretType);
    if (hasUuid)
        w.attr("uuid", uuidFormat(uuid));
    else
        w.attr("usage", usage);
    w.end();
    w.end();
}

// ---- adapter --------------------------------------------------------------------------------

Result<PoolAdapter> PoolAdapter::parse(const xmlNode *n)
{
    PoolAdapter a;
    Props p(n);
    auto type = p.enumeration("type", kPoolAdapterType, PROP_NONE_INVALID);
    if (!type)
        return std::move(type).error();
    if (!*type) {
        // the old form: <adapter name='host0'/> means a scsi_host
        if (xml::attr(n, "wwnn") || xml::attr(n, "wwpn") || xml::attr(n, "parent"))
            return poolError(VIR_ERR_XML_ERROR, "Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'");
        if ((a.name = xml::attr(n, "name")))
            a.type = PoolAdapterType::ScsiHost;
        return a;
    }
    a.type = **type;
    if (a.type == PoolAdapterType::ScsiHost) {
        a.name = xml::attr(n, "name");
        if (xml::child(n, "parentaddr")) {
            a.hasParentAddr = true;
            // the first <address> under any <parentaddr>, the first unique_id of them
            const xmlNode *address = nullptr;
            for (const xmlNode *c : xml::Children(n))
                if (xml::is(c, "parentaddr") && (address = xml::child(c, "address")))
                    break;
            if (!address)
                return poolError(VIR_ERR_XML_ERROR, "Missing scsi_host PCI address element");
            auto uid = childAttr(n, "parentaddr", "unique_id");
            auto v = uid ? xml::toLL(*uid) : std::nullopt;
            if (!v || *v < 0 || *v > INT32_MAX)
                return poolError(VIR_ERR_XML_ERROR, "Missing or invalid scsi adapter 'unique_id' value");
            a.uniqueId = static_cast<unsigned int>(*v);
            unsigned int *fields[] = {&a.pciDomain, &a.pciBus, &a.pciSlot, &a.pciFunction};
            const char *names[] = {"domain", "bus", "slot", "function"};
            for (int i = 0; i < 4; i++) {
                auto f = pciAttr(address, names[i]);
                if (!f)
                    return std::move(f).error();
                *fields[i] = *f;
            }
            if (a.pciBus > 0xff)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address bus='0x%x', must be <= 0xFF", a.pciBus);
            if (a.pciSlot > 0x1f)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address slot='0x%x', must be <= 0x1F", a.pciSlot);
            if (a.pciFunction > 7)
                return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "Invalid PCI address function=0x%x, must be <= 7", a.pciFunction);
        }
    } else {
        a.parent = xml::attr(n, "parent");
        auto managed = p.yesNo("managed");
        if (!managed)
            return std::move(managed).error();
        a.managed = *managed;
        a.parentWwnn = xml::attr(n, "parent_wwnn");
        a.parentWwpn = xml::attr(n, "parent_wwpn");
        a.parentFabricWwn = xml::attr(n, "parent_fabric_wwn");
        a.wwnn = xml::attr(n, "wwnn");
        a.wwpn = xml::attr(n, "wwpn");
    }
    return a;
}

Result<void> PoolAdapter::validate() const
{
    switch (type) {
    case PoolAdapterType::Default:
        return poolError(VIR_ERR_XML_ERROR, "missing storage pool source adapter");
    case PoolAdapterType::ScsiHost:
        if (!name && !hasParentAddr)
            return poolError(VIR_ERR_XML_ERROR, "Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
        if (name && hasParentAddr)
            return poolError(VIR_ERR_XML_ERROR, "Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
        return {};
    default:
        break;
    }
    if (!wwnn || !wwpn)
        return poolError(VIR_ERR_XML_ERROR, "'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
    VH_TRY(checkWwn(wwnn));
    VH_TRY(checkWwn(wwpn));
    if (parentWwnn && !parentWwpn)
        return poolError(VIR_ERR_XML_ERROR, "when providing parent_wwnn='%s', the parent_wwpn must also be provided", *parentWwnn);
    if (!parentWwnn && parentWwpn)
        return poolError(VIR_ERR_XML_ERROR, "when providing parent_wwpn='%s', the parent_wwnn must also be provided", *parentWwpn);
    VH_TRY(checkWwn(parentWwnn));
    VH_TRY(checkWwn(parentWwpn));
    VH_TRY(checkWwn(parentFabricWwn));
    return {};
}

void PoolAdapter::format(xml::Writer &w) const
{
    if (type == PoolAdapterType::Default)
        return;
    w.start("adapter").attr("type", kPoolAdapterType.name(type));
    if (type == PoolAdapterType::FcHost) {
        if (parent)
            w.attr("parent", *parent);
        if (parentWwnn)
            w.attr("parent_wwnn", *parentWwnn);
        if (parentWwpn)
            w.attr("parent_wwpn", *parentWwpn);
        if (parentFabricWwn)
            w.attr("parent_fabric_wwn", *parentFabricWwn);
        if (managed)
            w.attr("managed", yesNo(*managed));
        if (wwnn)
            w.attr("wwnn", *wwnn);
        if (wwpn)
            w.attr("wwpn", *wwpn);
    } else if (name) {
        w.attr("name", *name);
    } else if (hasParentAddr) {
        w.start("parentaddr").attr("unique_id", uniqueId);
        char buf[16];
        w.start("address");
        snprintf(buf, sizeof(buf), "0x%04x", pciDomain);
        w.attr("domain", buf);
        snprintf(buf, sizeof(buf), "0x%02x", pciBus);
        w.attr("bus", buf);
        snprintf(buf, sizeof(buf), "0x%02x", pciSlot);
        w.attr("slot", buf);
        snprintf(buf, sizeof(buf), "0x%x", pciFunction);
        w.attr("function", buf);
        w.end();
        w.end();
    }
    w.end();
}

// ---- the pool -------------------------------------------------------------------------------

const char *storagePoolFormatName(PoolType type, int format)
{
    switch (type) {
    case PoolType::Fs: return format < static_cast<int>(PoolFsFormat::Last) ? kPoolFsFormat.names[format].data() : nullptr;
    case PoolType::Netfs: return format < static_cast<int>(PoolNetfsFormat::Last) ? kPoolNetfsFormat.names[format].data() : nullptr;
    case PoolType::Disk: return format < static_cast<int>(PoolDiskFormat::Last) ? kPoolDiskFormat.names[format].data() : nullptr;
    case PoolType::Logical: return format < static_cast<int>(PoolLogicalFormat::Last) ? kPoolLogicalFormat.names[format].data() : nullptr;
    default: return nullptr;
    }
}

namespace {

constexpr const char *kFsNamespace = "http://libvirt.org/schemas/storagepool/fs/1.0";
constexpr const char *kRbdNamespace = "http://libvirt.org/schemas/storagepool/rbd/1.0";

bool inNamespace(const xmlNode *n, const char *uri, const char *name)
{
    return n->ns && n->ns->href && xmlStrEqual(n->ns->href, reinterpret_cast<const xmlChar *>(uri)) && xml::is(n, name);
}

Result<void> parseSource(PoolSource &src, PoolType type, const xmlNode *n)
{
    src.name = childString(n, "name");
    if (type == PoolType::Rbd && !src.name)
        return poolError(VIR_ERR_XML_ERROR, "element 'name' is mandatory for RBD pool");
    if (hasFormats(type)) {
        auto format = childAttr(n, "format", "type");
        if (!format) {
            src.format = defaultFormat(type);
        } else {
            auto f = parseFormat(type, *format);
            if (!f)
                return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown pool format type %s", *format);
            src.format = *f;
        }
    }
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "host"))
            continue;
        PoolSourceHost h;
        auto name = xml::attr(c, "name");
        if (!name)
            return poolError(VIR_ERR_XML_ERROR, "missing storage pool host name");
        h.name = std::move(*name);
        auto port = Props(c).sint("port");
        if (!port)
            return std::move(port).error();
        h.port = port->value_or(0);
        src.hosts.push_back(std::move(h));
    }
    if (const xmlNode *initiator = xml::child(n, "initiator"))
        src.initiatorIqn = childAttr(initiator, "iqn", "name");
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "device"))
            continue;
        PoolSourceDevice d;
        auto path = xml::attr(c, "path");
        if (!path)
            return poolError(VIR_ERR_XML_ERROR, "missing storage pool source device path");
        d.path = std::move(*path);
        auto sep = Props(c).yesNo("part_separator");
        if (!sep)
            return std::move(sep).error();
        d.partSeparator = *sep;
        src.devices.push_back(std::move(d));
    }
    src.dir = childAttr(n, "dir", "path");
    if (type == PoolType::Gluster && !src.dir)
        src.dir = "/";   // the volume's root
    if (const xmlNode *adapter = xml::child(n, "adapter")) {
        auto a = PoolAdapter::parse(adapter);
        if (!a)
            return std::move(a).error();
        src.adapter = std::move(*a);
    }
    if (const xmlNode *auth = xml::child(n, "auth")) {
        auto a = PoolAuth::parse(auth);
        if (!a)
            return std::move(a).error();
        src.auth = std::move(*a);
    }
    if ((src.protocolVer = childAttr(n, "protocol", "ver"))) {
        // checked against the NFS format numbers whatever the pool type (as libvirt does)
        if (src.format != static_cast<int>(PoolNetfsFormat::Nfs) && src.format != static_cast<int>(PoolNetfsFormat::Auto)) {
            const char *name = src.format < static_cast<int>(PoolNetfsFormat::Last) ? kPoolNetfsFormat.names[src.format].data() : "(null)";
            return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "storage pool protocol ver unsupported for pool type '%s'", name);
        }
    }
    src.vendor = childAttr(n, "vendor", "name");
    src.product = childAttr(n, "product", "name");
    return {};
}

// The backend namespaces, read only for the pool types whose backend owns them.
Result<void> parseNamespaces(StoragePoolDef &def, const xmlNode *root)
{
    bool fs = def.type == PoolType::Fs || def.type == PoolType::Netfs;
    bool rbd = def.type == PoolType::Rbd;
    if (!fs && !rbd)
        return {};
    for (const xmlNode *c : xml::Children(root)) {
        if (fs && inNamespace(c, kFsNamespace, "mount_opts")) {
            for (const xmlNode *o : xml::Children(c)) {
                if (!inNamespace(o, kFsNamespace, "option"))
                    continue;
                auto name = xml::attr(o, "name");
                if (!name)
                    return poolError(VIR_ERR_XML_ERROR, "no fs mount option name specified");
                def.mountOpts.push_back(std::move(*name));
            }
        } else if (rbd && inNamespace(c, kRbdNamespace, "config_opts")) {
            for (const xmlNode *o : xml::Children(c)) {
                if (!inNamespace(o, kRbdNamespace, "option"))
                    continue;
                auto name = xml::attr(o, "name");
                if (!name)
                    return poolError(VIR_ERR_XML_ERROR, "no rbd option name specified");
                if (name->empty())
                    return poolError(VIR_ERR_XML_ERROR, "empty rbd option name specified");
                auto value = xml::attr(o, "value");
                if (!value)
                    return poolError(VIR_ERR_XML_ERROR, "no rbd option value specified for name '%s'", *name);
                def.rbdConfigOpts.emplace_back(std::move(*name), std::move(*value));
            }
        }
    }
    return {};
}

} // namespace

Result<std::unique_ptr<StoragePoolDef>> parseStoragePool(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(storage_pool_definition)", VIR_FROM_STORAGE);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "pool"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'pool', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<StoragePoolDef>();
    auto type = Props(root).enumeration("type", kPoolType, PROP_REQUIRED);
    if (!type)
        return std::move(type).error();
    def->type = **type;
    unsigned flags = sourceFlags(def->type);

    if (const xmlNode *source = xml::child(root, "source"))
        VH_TRY(parseSource(def->source, def->type, source));
    else
        def->source.format = defaultFormat(def->type);

    auto name = childString(root, "name");
    if (!name && (flags & SRC_NAME))
        name = def->source.name;
    if (!name)
        return poolError(VIR_ERR_XML_ERROR, "missing pool source name element");
    if (name->find('/') != std::string::npos)
        return poolError(VIR_ERR_XML_ERROR, "name %s cannot contain '/'", *name);
    def->name = std::move(*name);

    if (auto uuid = childString(root, "uuid")) {
        if (!uuidParse(uuid->c_str(), def->uuid))
            return poolError(VIR_ERR_XML_ERROR, "malformed uuid element");
    } else {
        uuidGenerate(def->uuid);
    }

    if (const xmlNode *features = xml::child(root, "features")) {
        if (const xmlNode *cow = xml::child(features, "cow")) {
            auto state = Props(cow).yesNo("state");
            if (!state)
                return std::move(state).error();
            if (*state && def->type != PoolType::Fs && def->type != PoolType::Dir)
                return poolError(VIR_ERR_NO_SUPPORT, "cow feature may only be used for 'fs' and 'dir' pools");
            def->cow = *state;
        }
    }

    if ((flags & SRC_HOST) && def->source.hosts.empty())
        return poolError(VIR_ERR_XML_ERROR, "missing storage pool source host name");
    if ((flags & SRC_DIR) && !def->source.dir)
        return poolError(VIR_ERR_XML_ERROR, "missing storage pool source path");
    if ((flags & SRC_NAME) && !def->source.name)
        def->source.name = def->name;   // the source is named after the pool
    if (flags & SRC_ADAPTER)
        VH_TRY(def->source.adapter.validate());
    if (flags == SRC_DEVICE && def->source.devices.empty())
        return poolError(VIR_ERR_XML_ERROR, "missing storage pool source device name");

    if (!(flags & SRC_NETWORK)) {
        const xmlNode *target = xml::child(root, "target");
        std::optional<std::string> path;
        if (def->type == PoolType::Logical)
            path = "/dev/" + *def->source.name;
        else if (def->type == PoolType::Zfs)
            path = "/dev/zvol/" + *def->source.name;
        else if (!(path = target ? childString(target, "path") : std::nullopt))
            return poolError(VIR_ERR_XML_ERROR, "missing storage pool target path");
        def->targetPath = storage::sanitizePath(*path);
        auto perms = PoolPerms::parse(target ? xml::child(target, "permissions") : nullptr, VIR_FROM_STORAGE);
        if (!perms)
            return std::move(perms).error();
        def->targetPerms = std::move(*perms);
    }

    if (def->type == PoolType::IscsiDirect && !def->source.initiatorIqn)
        return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "missing initiator IQN");

    if (const xmlNode *refresh = xml::child(root, "refresh")) {
        if (auto alloc = childAttr(refresh, "volume", "allocation")) {
            auto a = kVolRefreshAllocation.parse(*alloc);
            if (!a)
                return poolError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown storage pool volume refresh allocation type %s", *alloc);
            def->refreshAllocation = *a;
        }
    }

    VH_TRY(parseNamespaces(*def, root));
    return def;
}

namespace {

void formatSource(xml::Writer &w, const StoragePoolDef &def)
{
    const PoolSource &src = def.source;
    unsigned flags = sourceFlags(def.type);
    w.start("source").open();
    if (flags & SRC_HOST) {
        for (const auto &h : src.hosts) {
            w.start("host").attr("name", h.name);
            if (h.port)
                w.attr("port", h.port);
            w.end();
        }
    }
    if (flags & SRC_DEVICE) {
        for (const auto &d : src.devices) {
            w.start("device").attr("path", d.path);
            if (d.partSeparator)
                w.attr("part_separator", yesNo(*d.partSeparator));
            w.end();
        }
    }
    if ((flags & SRC_DIR) && src.dir)
        w.start("dir").attr("path", *src.dir).end();
    if (flags & SRC_ADAPTER)
        src.adapter.format(w);
    if ((flags & SRC_NAME) && src.name)
        w.element("name", *src.name);
    if ((flags & SRC_INITIATOR_IQN) && src.initiatorIqn)
        w.start("initiator").start("iqn").attr("name", *src.initiatorIqn).end().end();
    if (const char *format = storagePoolFormatName(def.type, src.format))
        w.start("format").attr("type", format).end();
    if (src.auth)
        src.auth->format(w);
    if (src.protocolVer)
        w.start("protocol").attr("ver", *src.protocolVer).end();
    if (src.vendor)
        w.start("vendor").attr("name", *src.vendor).end();
    if (src.product)
        w.start("product").attr("name", *src.product).end();
    w.end();
}

} // namespace

std::string formatStoragePool(const StoragePoolDef &def, unsigned int)
{
    xml::Writer w;
    w.start("pool").attr("type", kPoolType.name(def.type));
    if (!def.mountOpts.empty())
        w.attr("xmlns:fs", kFsNamespace);
    if (!def.rbdConfigOpts.empty())
        w.attr("xmlns:rbd", kRbdNamespace);
    w.element("name", def.name);
    w.element("uuid", uuidFormat(def.uuid));
    w.start("capacity").attr("unit", "bytes").text(std::to_string(def.capacity)).end();
    w.start("allocation").attr("unit", "bytes").text(std::to_string(def.allocation)).end();
    w.start("available").attr("unit", "bytes").text(std::to_string(def.available)).end();
    if (def.cow)
        w.start("features").start("cow").attr("state", yesNo(*def.cow)).end().end();
    formatSource(w, def);
    if (!(sourceFlags(def.type) & SRC_NETWORK)) {
        w.start("target");
        if (def.targetPath)
            w.element("path", *def.targetPath);
        def.targetPerms.format(w);
        w.end();
    }
    if (def.refreshAllocation)
        w.start("refresh").start("volume").attr("allocation", kVolRefreshAllocation.name(*def.refreshAllocation)).end().end();
    if (!def.mountOpts.empty()) {
        w.start("fs:mount_opts");
        for (const auto &o : def.mountOpts)
            w.start("fs:option").attr("name", o).end();
        w.end();
    }
    if (!def.rbdConfigOpts.empty()) {
        w.start("rbd:config_opts");
        for (const auto &[name, value] : def.rbdConfigOpts)
            w.start("rbd:option").attr("name", name).attr("value", value).end();
        w.end();
    }
    w.end();
    return w.take();
}

} // namespace vh::conf
