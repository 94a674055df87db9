#include "conf/domain/disk.h"

#include "conf/domain/domain_def.h"

#include <cstring>

#include <libvirt/virterror.h>

#include "util/uuid.h"

#define TRY_SET(lhs, expr)                           \
    do {                                             \
        auto try_set_ = (expr);                      \
        if (!try_set_)                               \
            return std::move(try_set_).error();      \
        lhs = std::move(*try_set_);                  \
    } while (0)

namespace vh::conf {

namespace {

// ---- value sets ----------------------------------------------------------------------------

enum class DiskDevice { Disk, Cdrom, Floppy, Lun, Last };
VH_ENUM_TABLE(kDiskDevice, DiskDevice, "disk", "cdrom", "floppy", "lun");
enum class DiskModel { Default, Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kDiskModel, DiskModel, "default", "virtio", "virtio-transitional", "virtio-non-transitional");
enum class DiskSnapshot { Default, No, Internal, External, Manual, Last };
VH_ENUM_TABLE(kDiskSnapshot, DiskSnapshot, "default", "no", "internal", "external", "manual");
enum class DiskSgio { Default, Filtered, Unfiltered, Last };
VH_ENUM_TABLE(kDiskSgio, DiskSgio, "default", "filtered", "unfiltered");
enum class DiskStartupPolicy { Default, Mandatory, Requisite, Optional, Last };
VH_ENUM_TABLE(kDiskStartupPolicy, DiskStartupPolicy, "default", "mandatory", "requisite", "optional");
enum class DiskCache { Default, None, Writethrough, Writeback, Directsync, Unsafe, Last };
VH_ENUM_TABLE(kDiskCache, DiskCache, "default", "none", "writethrough", "writeback", "directsync", "unsafe");
enum class DiskErrorPolicy { Default, Stop, Report, Ignore, Enospace, Last };
VH_ENUM_TABLE(kDiskErrorPolicy, DiskErrorPolicy, "default", "stop", "report", "ignore", "enospace");
enum class DiskIo { Default, Native, Threads, IoUring, Last };
VH_ENUM_TABLE(kDiskIo, DiskIo, "default", "native", "threads", "io_uring");
enum class DiskDiscard { Default, Unmap, Ignore, Last };
VH_ENUM_TABLE(kDiskDiscard, DiskDiscard, "default", "unmap", "ignore");
enum class DiskDetectZeroes { Default, Off, On, Unmap, Last };
VH_ENUM_TABLE(kDiskDetectZeroes, DiskDetectZeroes, "default", "off", "on", "unmap");
enum class DiskTray { Closed, Open, Last };
VH_ENUM_TABLE(kDiskTray, DiskTray, "closed", "open");
enum class DiskTrans { Default, None, Auto, Lba, Last };
VH_ENUM_TABLE(kDiskTrans, DiskTrans, "default", "none", "auto", "lba");
enum class DiskFormat { None, Raw, Dir, Bochs, Cloop, Dmg, Iso, Vpc, Vdi, Fat, Vhd, Ploop, Cow, Qcow, Qcow2, Qed, Vmdk, Last };
VH_ENUM_TABLE(kDiskFormat, DiskFormat, "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
              "ploop", "cow", "qcow", "qcow2", "qed", "vmdk");
enum class DiskHostTransport { Tcp, Unix, Rdma, Last };
VH_ENUM_TABLE(kDiskHostTransport, DiskHostTransport, "tcp", "unix", "rdma");
enum class DiskAuthType { None, Chap, Ceph, Last };
VH_ENUM_TABLE(kDiskAuthType, DiskAuthType, "none", "chap", "ceph");
enum class DiskSecretUsage { None, Volume, Ceph, Iscsi, Tls, Vtpm, Last };
VH_ENUM_TABLE(kDiskSecretUsage, DiskSecretUsage, "none", "volume", "ceph", "iscsi", "tls", "vtpm");
enum class DiskEncFormat { Default, Qcow, Luks, Luks2, LuksAny, Last };
VH_ENUM_TABLE(kDiskEncFormat, DiskEncFormat, "default", "qcow", "luks", "luks2", "luks-any");
enum class DiskEncEngine { Default, Qemu, Librbd, Last };
VH_ENUM_TABLE(kDiskEncEngine, DiskEncEngine, "default", "qemu", "librbd");
enum class DiskEncSecret { Passphrase, Last };
VH_ENUM_TABLE(kDiskEncSecret, DiskEncSecret, "passphrase");
enum class DiskPoolMode { Default, Host, Direct, Last };
VH_ENUM_TABLE(kDiskPoolMode, DiskPoolMode, "default", "host", "direct");
enum class DiskBlockJob { None, Pull, Copy, Commit, ActiveCommit, Backup, Last };
VH_ENUM_TABLE(kDiskBlockJob, DiskBlockJob, "", "pull", "copy", "commit", "active-commit", "backup");
enum class DiskMirrorState { None, Yes, Abort, Pivot, Last };
VH_ENUM_TABLE(kDiskMirrorState, DiskMirrorState, "", "yes", "abort", "pivot");

// The iotune elements, in libvirt's order of printing.
const char *const kIotuneFields[DiskIotune::kCount] = {
    "total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec", "read_iops_sec", "write_iops_sec",
    "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max", "total_iops_sec_max", "read_iops_sec_max",
    "write_iops_sec_max", "size_iops_sec", "total_bytes_sec_max_length", "read_bytes_sec_max_length",
    "write_bytes_sec_max_length", "total_iops_sec_max_length", "read_iops_sec_max_length", "write_iops_sec_max_length"};

unsigned int defaultPort(DiskProtocol p)
{
    switch (p) {
    case DiskProtocol::Nbd: return 10809;
    case DiskProtocol::Sheepdog: return 7000;
    case DiskProtocol::Gluster: return 24007;
    case DiskProtocol::Iscsi: return 3260;
    case DiskProtocol::Http: return 80;
    case DiskProtocol::Https: return 443;
    case DiskProtocol::Ftp: return 21;
    case DiskProtocol::Ftps: return 990;
    case DiskProtocol::Tftp: return 69;
    case DiskProtocol::Ssh: return 22;
    case DiskProtocol::Vxhs: return 9999;
    default: return 0;
    }
}

// An enumerated attribute kept as its name; the value at index 0 ("default") is dropped, or
// refused with PROP_NONE_INVALID.
template <class E, size_t N>
Result<void> enumAttr(const xmlNode *n, const char *name, const EnumTable<E, N> &table, unsigned flags, std::string &out)
{
    auto v = Props(n).enumeration(name, table, flags);
    if (!v)
        return std::move(v).error();
    if (*v && static_cast<size_t>(**v) != 0)
        out = std::string(table.name(**v));
    return {};
}

// ---- parse: the parts of a source ----------------------------------------------------------

Result<DiskSourceHost> parseHost(const xmlNode *h)
{
    DiskSourceHost host;
    auto transport = xml::attr(h, "transport");
    DiskHostTransport t = DiskHostTransport::Tcp;
    if (transport) {
        auto v = kDiskHostTransport.parse(*transport);
        if (!v)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown protocol transport type '%s'",
                                 transport->c_str());
        t = *v;
    }
    auto socket = xml::attr(h, "socket");
    if (t == DiskHostTransport::Unix) {
        if (!socket)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing socket for unix transport");
        host.socket = *socket;
        host.transport = "unix";
        return host;
    }
    if (socket)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "transport '%s' does not support socket attribute",
                             transport ? transport->c_str() : "(null)");
    auto name = xml::attr(h, "name");
    if (!name)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing name for host");
    host.name = *name;
    if (t == DiskHostTransport::Rdma)
        host.transport = "rdma";
    if (auto port = xml::attr(h, "port")) {
        auto v = parseULL(*port, 10);
        if (!v)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "failed to parse port number '%s'", port->c_str());
        if (*v > 65535)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "port '%s' out of range", port->c_str());
        host.port = static_cast<unsigned int>(*v);
    }
    return host;
}

// <secret type= uuid=|usage=/> of auth and encryption (virSecretLookupParseSecret).
Result<void> parseSecretLookup(const xmlNode *s, std::string &uuid, std::string &usage)
{
    auto u = xml::attr(s, "uuid");
    auto g = xml::attr(s, "usage");
    if ((u && g) || (!u && !g))
        return Error::make(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "either secret uuid or usage expected");
    if (u) {
        unsigned char raw[16];
        if (!uuidParse(u->c_str(), raw))
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "invalid secret uuid '%s'", u->c_str());
        uuid = uuidFormat(raw);
    } else {
        usage = *g;
    }
    return {};
}

void formatSecretLookup(xml::Writer &w, const std::string &uuid, const std::string &usage)
{
    if (!uuid.empty())
        w.attr("uuid", uuid);
    else
        w.attr("usage", usage);
}

Result<DiskAuth> parseAuth(const xmlNode *n)
{
    DiskAuth a;
    auto user = xml::attr(n, "username");
    if (!user || user->empty())
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "missing username for auth");
    a.username = *user;
    if (auto type = xml::attr(n, "type"); type && !type->empty()) {
        auto t = kDiskAuthType.parse(*type);
        if (!t)
            return Error::format(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED, "unknown auth type '%s'", type->c_str());
        if (*t != DiskAuthType::None)
            a.authType = *type;
    }
    const xmlNode *secret = xml::child(n, "secret");
    if (!secret)
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "Missing <secret> element in auth");
    a.secretType = xml::attr(secret, "type");
    VH_TRY(parseSecretLookup(secret, a.uuid, a.usage));
    return a;
}

void formatAuth(xml::Writer &w, const DiskAuth &a)
{
    w.start("auth");
    if (!a.authType.empty())
        w.attr("type", a.authType);
    w.attr("username", a.username);
    w.start("secret");
    if (a.secretType)
        w.attr("type", *a.secretType);
    formatSecretLookup(w, a.uuid, a.usage);
    w.end();
    w.end();
}

Result<DiskEncryption> parseEncryption(const xmlNode *n)
{
    DiskEncryption e;
    auto format = xml::attr(n, "format");
    if (!format)
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "unknown volume encryption format");
    if (!kDiskEncFormat.parse(*format))
        return Error::format(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume encryption format type %s",
                             format->c_str());
    e.format = *format;
    VH_TRY(enumAttr(n, "engine", kDiskEncEngine, PROP_NONE_INVALID, e.engine));
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "secret")) {
            DiskEncryptionSecret s;
            auto type = xml::attr(c, "type");
            if (!type)
                return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "unknown volume encryption secret type");
            if (!kDiskEncSecret.parse(*type))
                return Error::format(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume encryption secret type %s",
                                     type->c_str());
            s.type = *type;
            VH_TRY(parseSecretLookup(c, s.uuid, s.usage));
            e.secrets.push_back(std::move(s));
        } else if (xml::is(c, "cipher")) {
            e.cipher = true;
        } else if (xml::is(c, "ivgen")) {
            e.ivgen = true;
        }
    }
    return e;
}

void formatEncryption(xml::Writer &w, const DiskEncryption &e)
{
    w.start("encryption").attr("format", e.format);
    if (!e.engine.empty())
        w.attr("engine", e.engine);
    w.open();
    for (const DiskEncryptionSecret &s : e.secrets) {
        w.start("secret").attr("type", s.type);
        formatSecretLookup(w, s.uuid, s.usage);
        w.end();
    }
    w.end();
}

Result<DiskReservations> parseReservations(const xmlNode *n)
{
    DiskReservations r;
    std::optional<bool> managed;
    TRY_SET(managed, Props(n).yesNo("managed", PROP_REQUIRED));
    r.managed = *managed;
    const xmlNode *src = xml::child(n, "source");
    auto type = src ? xml::attr(src, "type") : std::nullopt;
    auto path = src ? xml::attr(src, "path") : std::nullopt;
    auto mode = src ? xml::attr(src, "mode") : std::nullopt;
    if (!r.managed || type || path || mode) {
        if (!type)
            return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "missing connection type for <reservations/>");
        if (!path)
            return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "missing path for <reservations/>");
        if (!mode)
            return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "missing connection mode for <reservations/>");
    }
    if (type && *type != "unix")
        return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "unsupported connection type for <reservations/>: %s",
                             type->c_str());
    if (mode && *mode != "client")
        return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "unsupported connection mode for <reservations/>: %s",
                             mode->c_str());
    r.path = path.value_or("");
    return r;
}

// Cookie names are HTTP tokens; values may be quoted and hold no blanks, quotes, commas,
// semicolons or backslashes.
Result<void> checkCookie(const DiskCookie &c)
{
    static const char badName[] = " ()<>@,;:\\\"/[]?={}\t";
    for (char ch : c.name)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f || strchr(badName, ch))
            return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "cookie name '%s' contains invalid characters",
                                 c.name.c_str());
    std::string_view v = c.value;
    if (!v.empty() && v.front() == '"') {
        if (v.size() < 2 || v.back() != '"')
            return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "value of cookie '%s' contains invalid characters",
                                 c.name.c_str());
        v = v.substr(1, v.size() - 2);
    }
    for (char ch : v)
        if (static_cast<unsigned char>(ch) < 0x21 || ch == 0x7f || ch == '"' || ch == ',' || ch == ';' || ch == '\\')
            return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "value of cookie '%s' contains invalid characters",
                                 c.name.c_str());
    return {};
}

Result<void> parseCookies(const xmlNode *n, DiskSource &s)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "cookie"))
            continue;
        auto name = xml::attr(c, "name");
        if (!name)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing cookie name");
        s.cookies.push_back({*name, xml::text(c)});
    }
    for (size_t i = 0; i < s.cookies.size(); i++) {
        if (s.cookies[i].name.empty())
            return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "cookie name must not be empty");
        VH_TRY(checkCookie(s.cookies[i]));
        for (size_t j = 0; j < i; j++)
            if (s.cookies[j].name == s.cookies[i].name)
                return Error::format(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "duplicate cookie '%s'", s.cookies[i].name.c_str());
    }
    return {};
}

Result<void> parseNetwork(const xmlNode *n, DiskSource &s, std::string &path)
{
    std::optional<DiskProtocol> proto;
    TRY_SET(proto, Props(n).enumeration("protocol", kDiskProtocol, PROP_REQUIRED));
    s.protocol = *proto;
    auto name = xml::attr(n, "name");
    if (!name && s.protocol != DiskProtocol::Nbd)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing name for disk source");
    TRY_SET(s.tls, Props(n).yesNo("tls"));
    s.tlsHostname = xml::attr(n, "tlsHostname");
    path = name.value_or("");
    if (name && (s.protocol == DiskProtocol::Gluster || s.protocol == DiskProtocol::Rbd)) {
        auto slash = path.find('/');
        if (slash == std::string::npos || slash == 0)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "can't split path '%s' into pool name and image name",
                                 path.c_str());
        s.volume = path.substr(0, slash);
        path = path.substr(slash + 1);
    }
    if (name && s.protocol == DiskProtocol::Iscsi && path.find('/') == std::string::npos)
        path += "/0";
    if (s.protocol == DiskProtocol::Http || s.protocol == DiskProtocol::Https)
        s.query = xml::attr(n, "query");
    bool web = s.protocol == DiskProtocol::Http || s.protocol == DiskProtocol::Https || s.protocol == DiskProtocol::Ftp ||
               s.protocol == DiskProtocol::Ftps;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "host")) {
            DiskSourceHost h;
            TRY_SET(h, parseHost(c));
            if (h.transport.empty() && !h.port)
                h.port = defaultPort(s.protocol);
            s.hosts.push_back(std::move(h));
        }
    }
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "snapshot") && !s.snapshot) {
            if (auto v = xml::attr(c, "name"); v && !v->empty())
                s.snapshot = v;
        } else if (xml::is(c, "config") && !s.configFile) {
            if (auto v = xml::attr(c, "file"); v && !v->empty())
                s.configFile = v;
        } else if (xml::is(c, "initiator") && !s.initiatorIqn) {
            if (const xmlNode *iqn = xml::child(c, "iqn"))
                if (auto v = xml::attr(iqn, "name"); v && !v->empty())
                    s.initiatorIqn = v;
        }
    }
    if (s.protocol == DiskProtocol::Https || s.protocol == DiskProtocol::Ftps)
        if (const xmlNode *ssl = xml::child(n, "ssl"))
            TRY_SET(s.sslVerify, Props(ssl).yesNo("verify"));
    if (s.protocol == DiskProtocol::Http || s.protocol == DiskProtocol::Https)
        if (const xmlNode *cookies = xml::child(n, "cookies"))
            VH_TRY(parseCookies(cookies, s));
    if (web) {
        const xmlNode *ra = xml::child(n, "readahead");
        const xmlNode *to = xml::child(n, "timeout");
        auto ras = ra ? xml::attr(ra, "size") : std::nullopt;
        auto tos = to ? xml::attr(to, "seconds") : std::nullopt;
        std::optional<unsigned long long> rav, tov;
        if (ras && !ras->empty() && !(rav = parseULL(*ras, 10)))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid readahead size or timeout");
        if (tos && !tos->empty() && !(tov = parseULL(*tos, 10)))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid readahead size or timeout");
        s.readahead = rav.value_or(0);
        s.timeout = tov.value_or(0);
    }
    if (s.protocol == DiskProtocol::Nfs) {
        if (const xmlNode *id = xml::child(n, "identity")) {
            s.nfsUser = xml::attr(id, "user");
            s.nfsGroup = xml::attr(id, "group");
        }
    }
    return {};
}

Result<void> parseNvme(const xmlNode *n, DiskSource &s)
{
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'type' attribute to disk source");
    if (*type != "pci")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unsupported source type '%s'", type->c_str());
    auto ns = xml::attr(n, "namespace");
    if (!ns)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'namespace' attribute to disk source");
    auto v = parseULL(*ns, 10);
    if (!v)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "malformed namespace '%s'", ns->c_str());
    s.nvmeNamespace = *v;
    TRY_SET(s.nvmeManaged, Props(n).yesNo("managed"));
    const xmlNode *addr = xml::child(n, "address");
    if (!addr)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "NVMe disk source is missing address");
    TRY_SET(s.nvmeAddress, PciDeviceAddress::parse(addr));
    return {};
}

Result<void> parseVhostUser(const xmlNode *n, DiskSource &s, std::string &path)
{
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'type' attribute for vhostuser disk source");
    if (*type != "unix")
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid 'type' attribute for vhostuser disk source");
    auto p = xml::attr(n, "path");
    if (!p)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'path' attribute for vhostuser disk source");
    path = *p;
    if (const xmlNode *r = xml::child(n, "reconnect")) {
        TRY_SET(s.reconnect, Props(r).yesNo("enabled", PROP_REQUIRED));
        if (*s.reconnect) {
            std::optional<unsigned int> timeout;
            TRY_SET(timeout, propUInt(r, "timeout", 10, PROP_REQUIRED));
            s.reconnectTimeout = *timeout;
        }
    }
    return {};
}

Result<void> parseSlices(const xmlNode *n, DiskSource &s)
{
    const xmlNode *slices = xml::child(n, "slices");
    if (!slices)
        return {};
    for (const xmlNode *c : xml::Children(slices)) {
        if (!xml::is(c, "slice") || xml::attr(c, "type").value_or("") != "storage" || s.slice)
            continue;
        auto offset = xml::attr(c, "offset");
        auto size = xml::attr(c, "size");
        if (!offset || !size)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing offset or size attribute of slice");
        auto o = parseULL(*offset, 10);
        if (!o)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "malformed value '%s' of 'offset' attribute of slice",
                                 offset->c_str());
        auto z = parseULL(*size, 10);
        if (!z)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "malformed value '%s' of 'size' attribute of slice",
                                 size->c_str());
        s.slice = std::make_pair(*o, *z);
    }
    return {};
}

// A <source> (or a mirror's) for a storage type: its path goes to `path`, the rest to s.
Result<void> parseSource(const xmlNode *n, DiskSourceType type, const ParseContext &ctx, DiskSource &s, std::string &path)
{
    switch (type) {
    case DiskSourceType::File:
        path = xml::attr(n, "file").value_or("");
        s.fdgroup = xml::attr(n, "fdgroup");
        break;
    case DiskSourceType::Block:
        path = xml::attr(n, "dev").value_or("");
        break;
    case DiskSourceType::Dir:
        path = xml::attr(n, "dir").value_or("");
        break;
    case DiskSourceType::Network:
        VH_TRY(parseNetwork(n, s, path));
        break;
    case DiskSourceType::Volume: {
        auto pool = xml::attr(n, "pool");
        auto vol = xml::attr(n, "volume");
        if (!pool && !vol)
            break;
        if (!pool || !vol)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                               "'pool' and 'volume' must be specified together for 'pool' type source");
        s.pool = *pool;
        s.poolVolume = *vol;
        if (auto mode = xml::attr(n, "mode")) {
            auto m = kDiskPoolMode.parse(*mode);
            if (!m || *m == DiskPoolMode::Default)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown source mode '%s' for volume type disk",
                                     mode->c_str());
            s.poolMode = *mode;
        }
        break;
    }
    case DiskSourceType::Nvme:
        VH_TRY(parseNvme(n, s));
        break;
    case DiskSourceType::VhostUser:
        VH_TRY(parseVhostUser(n, s, path));
        break;
    default:
        break;
    }
    if (const xmlNode *a = xml::child(n, "auth"))
        TRY_SET(s.auth, parseAuth(a));
    if (const xmlNode *e = xml::child(n, "encryption"))
        TRY_SET(s.encryption, parseEncryption(e));
    if (const xmlNode *r = xml::child(n, "reservations"))
        TRY_SET(s.reservations, parseReservations(r));
    TRY_SET(s.seclabels, DeviceSeclabel::parseAll(n, ctx));
    VH_TRY(parseSlices(n, s));
    if (!ctx.inactive()) {
        std::optional<unsigned int> index;
        TRY_SET(index, propUInt(n, "index", 10));
        s.index = index.value_or(0);
    }
    return {};
}

// A size element scaled to bytes (<max_size unit='KiB'>), libvirt's virDomainParseScaledValue.
Result<unsigned long long> scaledBytes(const xmlNode *n, const std::string &xpath)
{
    std::string value = xml::text(n);
    auto v = parseULL(value, 10);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'", value.c_str(),
                             xpath.c_str());
    std::string unit = xml::attr(n, "unit").value_or("");
    std::string lower;
    for (char c : unit)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    unsigned long long scale = 1;
    if (!(lower.empty() || lower == "b" || lower == "byte" || lower == "bytes")) {
        static const char letters[] = "kmgtpe";
        const char *p = strchr(letters, lower[0]);
        bool si = lower.size() == 2 && lower[1] == 'b';
        bool iec = lower.size() == 1 || (lower.size() == 3 && lower[1] == 'i' && lower[2] == 'b');
        if (!p || !lower[0] || (!si && !iec))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
        for (long i = 0; i <= p - letters; i++)
            scale *= si ? 1000 : 1024;
    }
    if (*v && scale > ~0ull / *v)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %s%s", value.c_str(), unit.c_str());
    return *v * scale;
}

Result<unsigned long long> metadataCache(const xmlNode *parent)
{
    const xmlNode *mc = xml::child(parent, "metadata_cache");
    const xmlNode *max = mc ? xml::child(mc, "max_size") : nullptr;
    if (!max)
        return 0ull;
    return scaledBytes(max, "./metadata_cache/max_size");
}

Result<void> parseBacking(const xmlNode *disk, const ParseContext &ctx, DiskBackingChain &chain)
{
    const xmlNode *n = xml::child(disk, "backingStore");
    while (n) {
        auto type = xml::attr(n, "type");
        if (!type) {
            chain.terminated = true;   // <backingStore/>: the chain ends here
            return {};
        }
        const xmlNode *format = xml::child(n, "format");
        auto fmt = format ? xml::attr(format, "type") : std::nullopt;
        if (!fmt || fmt->empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing disk backing store format");
        const xmlNode *source = xml::child(n, "source");
        if (!source)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing disk backing store source");
        DiskSource layer;
        auto t = kDiskSourceType.parse(*type);
        if (!t || *t == DiskSourceType::None)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown storage source type '%s'", type->c_str());
        layer.type = *t;
        auto f = kDiskFormat.parse(*fmt);
        if (!f || *f == DiskFormat::None)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown storage source format '%s'", fmt->c_str());
        layer.format = *fmt;
        if (!ctx.inactive()) {
            if (auto idx = xml::attr(n, "index")) {
                auto v = parseULL(*idx, 10);
                if (!v || *v > 0xffffffffull)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid storage source index '%s'", idx->c_str());
                layer.index = static_cast<unsigned int>(*v);
            }
        }
        TRY_SET(layer.metadataCacheMaxSize, metadataCache(format));
        VH_TRY(parseSource(source, layer.type, ctx, layer, layer.path));
        chain.layers.push_back(std::move(layer));
        n = xml::child(n, "backingStore");
    }
    return {};
}

Result<void> parseDriver(const xmlNode *n, DiskDef &d)
{
    if (auto name = xml::attr(n, "name")) {
        d.driverName = *name;
        d.driverNameSet = true;
    }
    VH_TRY(enumAttr(n, "cache", kDiskCache, 0, d.cache));
    VH_TRY(enumAttr(n, "error_policy", kDiskErrorPolicy, PROP_NONE_INVALID, d.errorPolicy));
    VH_TRY(enumAttr(n, "rerror_policy", kDiskErrorPolicy, PROP_NONE_INVALID, d.rerrorPolicy));
    VH_TRY(enumAttr(n, "io", kDiskIo, PROP_NONE_INVALID, d.io));
    Props p(n);
    TRY_SET(d.ioeventfd, p.onOff("ioeventfd"));
    TRY_SET(d.eventIdx, p.onOff("event_idx"));
    TRY_SET(d.copyOnRead, p.onOff("copy_on_read"));
    VH_TRY(enumAttr(n, "discard", kDiskDiscard, PROP_NONE_INVALID, d.discard));
    std::optional<unsigned int> v;
    TRY_SET(v, propUInt(n, "iothread", 10, PROP_NONZERO));
    d.iothread = v.value_or(0);
    VH_TRY(enumAttr(n, "detect_zeroes", kDiskDetectZeroes, PROP_NONE_INVALID, d.detectZeroes));
    TRY_SET(v, propUInt(n, "queues", 10));
    d.queues = v.value_or(0);
    TRY_SET(v, propUInt(n, "queue_size", 10));
    d.queueSize = v.value_or(0);
    TRY_SET(d.virtio, VirtioOptions::parse(n));
    if (auto type = xml::attr(n, "type")) {
        if (*type == "aio") {
            d.driverType = "raw";    // Xen's old name
        } else {
            auto f = kDiskFormat.parse(*type);
            if (!f || *f == DiskFormat::None)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown driver format value '%s'", type->c_str());
            d.driverType = *type;
        }
    }
    TRY_SET(d.src.metadataCacheMaxSize, metadataCache(n));
    return {};
}

Result<void> parseIotune(const xmlNode *n, DiskIotune &t)
{
    for (size_t i = 0; i < DiskIotune::kCount; i++) {
        for (const xmlNode *c : xml::Children(n)) {
            if (!xml::is(c, kIotuneFields[i]))
                continue;
            std::string v = xml::text(c);
            if (!v.empty()) {
                auto num = parseULL(v, 10);
                if (!num)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "disk iotune field '%s' must be an integer",
                                         kIotuneFields[i]);
                t.values[i] = *num;
            }
            break;
        }
    }
    if (auto g = xml::childText(n, "group_name"); g && !g->empty())
        t.groupName = g;
    // total_X and read_X/write_X exclude each other: bytes_sec, iops_sec and their _max
    static const std::pair<size_t, const char *> totals[] = {
        {0, "bytes_sec"}, {3, "iops_sec"}, {6, "bytes_sec_max"}, {9, "iops_sec_max"}};
    for (auto [total, what] : totals)
        if (t.values[total] && (t.values[total + 1] || t.values[total + 2]))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "total and read/write %s cannot be set at the same time", what);
    return {};
}

bool printable(const std::string &s)
{
    for (char c : s)
        if (!isprint(static_cast<unsigned char>(c)))
            return false;
    return true;
}

bool validWWN(const std::string &s)
{
    std::string_view v = s;
    if (v.rfind("0x", 0) == 0)
        v.remove_prefix(2);
    if (v.size() != 16)
        return false;
    for (char c : v)
        if (!isxdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

Result<DiskMirror> parseMirror(const xmlNode *n, const ParseContext &ctx)
{
    DiskMirror m;
    if (auto job = xml::attr(n, "job")) {
        auto j = kDiskBlockJob.parse(*job);
        if (!j || *j == DiskBlockJob::None)
            return Props(n).invalid("job", *job, "");
        m.job = *job;
    }
    std::optional<std::string> format;
    if (auto type = xml::attr(n, "type")) {
        auto t = kDiskSourceType.parse(*type);
        if (!t || *t == DiskSourceType::None)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown mirror backing store type '%s'", type->c_str());
        m.src.type = *t;
        if (const xmlNode *f = xml::child(n, "format"))
            format = xml::attr(f, "type");
        const xmlNode *source = xml::child(n, "source");
        if (!source)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "mirror requires source element");
        VH_TRY(parseSource(source, m.src.type, ctx, m.src, m.src.path));
    } else {
        m.src.type = DiskSourceType::File;
        auto file = xml::attr(n, "file");
        if (!file)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "mirror requires file name");
        if (m.job != "copy" && m.job != "active-commit")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "mirror without type only supported by copy job");
        m.src.path = *file;
        format = xml::attr(n, "format");
    }
    if (format) {
        auto f = kDiskFormat.parse(*format);
        if (!f || *f == DiskFormat::None)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown mirror format value '%s'", format->c_str());
        m.src.format = *format;
    }
    if (auto ready = xml::attr(n, "ready")) {
        auto r = kDiskMirrorState.parse(*ready);
        if (!r || *r == DiskMirrorState::None)
            return Props(n).invalid("ready", *ready, "");
        m.ready = *ready;
    }
    VH_TRY(parseBacking(n, ctx, m.backing));
    return m;
}

} // namespace

size_t DiskDef::findByName(const std::vector<DiskDef> &disks, const std::string &name)
{
    for (size_t i = 0; i < disks.size(); i++)
        if (disks[i].targetDev == name)
            return i;
    for (size_t i = 0; i < disks.size(); i++)
        if (!disks[i].source.empty() && disks[i].source == name)
            return i;
    return disks.size();
}

int DiskDef::nameToIndex(std::string_view name)
{
    static const char *const prefixes[] = {"fd", "hd", "vd", "sd", "xvd", "ubd"};
    size_t pos = std::string_view::npos;
    for (const char *p : prefixes) {
        if (name.rfind(p, 0) == 0) {
            pos = strlen(p);
            break;
        }
    }
    if (pos == std::string_view::npos)
        return -1;
    long idx = 0;
    size_t i = 0;
    for (; pos < name.size() && name[pos] >= 'a' && name[pos] <= 'z'; pos++, i++) {
        idx = (idx + (i < 1 ? 0 : 1)) * 26;
        idx += name[pos] - 'a';
        if (idx > 0x7fffffff)
            return -1;
    }
    if (i == 0)
        return -1;
    for (; pos < name.size(); pos++)
        if (name[pos] < '0' || name[pos] > '9')
            return -1;
    return static_cast<int>(idx);
}

const char *DiskIotune::field(size_t i)
{
    return kIotuneFields[i];
}

bool DiskIotune::empty() const
{
    if (groupName)
        return false;
    for (unsigned long long v : values)
        if (v)
            return false;
    return true;
}

// ---- parse ---------------------------------------------------------------------------------

Result<DiskDef> DiskDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    DiskDef d;
    Props p(n);
    std::optional<DiskSourceType> type;
    TRY_SET(type, p.enumeration("type", kDiskSourceType, PROP_NONE_INVALID));
    DiskSourceType stype = type.value_or(DiskSourceType::File);
    std::optional<DiskDevice> device;
    TRY_SET(device, p.enumeration("device", kDiskDevice));
    d.device = std::string(kDiskDevice.name(device.value_or(DiskDevice::Disk)));
    VH_TRY(enumAttr(n, "model", kDiskModel, 0, d.model));
    VH_TRY(enumAttr(n, "snapshot", kDiskSnapshot, PROP_NONE_INVALID, d.snapshot));
    TRY_SET(d.rawio, p.yesNo("rawio"));
    VH_TRY(enumAttr(n, "sgio", kDiskSgio, PROP_NONE_INVALID, d.sgio));

    const xmlNode *source = nullptr, *target = nullptr, *geometry = nullptr, *blockio = nullptr, *driver = nullptr,
                  *mirror = nullptr, *auth = nullptr, *iotune = nullptr, *encryption = nullptr, *transient = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        const xmlNode **slot = xml::is(c, "source")       ? &source
                               : xml::is(c, "target")     ? &target
                               : xml::is(c, "geometry")   ? &geometry
                               : xml::is(c, "blockio")    ? &blockio
                               : xml::is(c, "driver")     ? &driver
                               : xml::is(c, "mirror")     ? &mirror
                               : xml::is(c, "auth")       ? &auth
                               : xml::is(c, "iotune")     ? &iotune
                               : xml::is(c, "encryption") ? &encryption
                               : xml::is(c, "transient")  ? &transient
                                                          : nullptr;
        if (slot && !*slot)
            *slot = c;
        if (xml::is(c, "readonly"))
            d.readonly = true;
        else if (xml::is(c, "shareable"))
            d.shareable = true;
        else if (xml::is(c, "backenddomain") && !d.backendDomain)
            d.backendDomain = xml::attr(c, "name");
        else if (xml::is(c, "serial") && !d.serial)
            d.serial = xml::text(c);
        else if (xml::is(c, "wwn") && !d.wwn)
            d.wwn = xml::text(c);
        else if (xml::is(c, "vendor") && !d.vendor)
            d.vendor = xml::text(c);
        else if (xml::is(c, "product") && !d.product)
            d.product = xml::text(c);
    }
    for (auto *s : {&d.serial, &d.wwn, &d.vendor, &d.product, &d.backendDomain})
        if (*s && (*s)->empty())
            s->reset();

    std::optional<DiskAuth> diskAuth;
    if (auth)
        TRY_SET(diskAuth, parseAuth(auth));
    std::optional<DiskEncryption> diskEnc;
    if (encryption)
        TRY_SET(diskEnc, parseEncryption(encryption));

    if (source) {
        VH_TRY(parseSource(source, stype, ctx, d.src, d.source));
        if (diskAuth && d.src.auth)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "an <auth> definition already found for disk source");
        if (diskEnc && d.src.encryption)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "an <encryption> definition already found for disk source");
        VH_TRY(enumAttr(source, "startupPolicy", kDiskStartupPolicy, PROP_NONE_INVALID, d.startupPolicy));
    } else {
        stype = DiskSourceType::File;   // no source: an empty drive
    }
    d.type = std::string(kDiskSourceType.name(stype));
    if (diskAuth) {
        d.src.auth = std::move(diskAuth);
        d.authInDisk = true;
    }
    if (diskEnc) {
        d.src.encryption = std::move(diskEnc);
        d.encryptionInDisk = true;
    }

    if (target) {
        d.targetDev = xml::attr(target, "dev").value_or("");
        std::optional<DiskBus> bus;
        TRY_SET(bus, Props(target).enumeration("bus", kDiskBus));
        if (bus && *bus != DiskBus::None)
            d.targetBus = std::string(kDiskBus.name(*bus));
        std::optional<DiskTray> tray;
        TRY_SET(tray, Props(target).enumeration("tray", kDiskTray));
        d.trayOpen = tray == DiskTray::Open;
        TRY_SET(d.removable, Props(target).onOff("removable"));
        std::optional<unsigned int> rate;
        TRY_SET(rate, propUInt(target, "rotation_rate", 10));
        d.rotationRate = rate.value_or(0);
    }
    if (geometry) {
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(geometry, "cyls", 10));
        d.cyls = v.value_or(0);
        TRY_SET(v, propUInt(geometry, "heads", 10));
        d.heads = v.value_or(0);
        TRY_SET(v, propUInt(geometry, "secs", 10));
        d.secs = v.value_or(0);
        VH_TRY(enumAttr(geometry, "trans", kDiskTrans, PROP_NONE_INVALID, d.geometryTrans));
    }
    if (blockio) {
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(blockio, "logical_block_size", 10));
        d.logicalBlockSize = v.value_or(0);
        TRY_SET(v, propUInt(blockio, "physical_block_size", 10));
        d.physicalBlockSize = v.value_or(0);
    }
    if (driver)
        VH_TRY(parseDriver(driver, d));
    if (mirror && !ctx.inactive())
        TRY_SET(d.mirror, parseMirror(mirror, ctx));
    if (iotune)
        VH_TRY(parseIotune(iotune, d.iotune));
    if (d.wwn && !validWWN(*d.wwn))
        return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "Malformed wwn: %s", d.wwn->c_str());
    if (d.vendor && !printable(*d.vendor))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "disk vendor is not printable string");
    if (d.product && !printable(*d.product))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "disk product is not printable string");
    if (transient) {
        d.transient = true;
        std::optional<bool> share;
        TRY_SET(share, Props(transient).yesNo("shareBacking"));
        d.transientShareBacking = share.value_or(false);
    }
    if (!target || !xml::attr(target, "dev")) {
        if (!d.src.pool.empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_TARGET,
                               strprintf("pool = '%s', volume = '%s'", d.src.pool.c_str(), d.src.poolVolume.c_str()));
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_TARGET, d.source);
    }
    TRY_SET(d.info, DeviceInfo::parse(n, ctx, INFO_BOOT));
    VH_TRY(parseBacking(n, ctx, d.backing));
    return d;
}

// ---- post-parse ----------------------------------------------------------------------------

namespace {

// libvirt keeps disks ordered as it inserts them: after the last disk on the same bus whose
// index is lower, before the first with a higher one (the bus as written: none when absent).
void insertionOrder(std::vector<DiskDef> &disks)
{
    std::vector<DiskDef> out;
    out.reserve(disks.size());
    for (DiskDef &d : disks) {
        int idx = DiskDef::nameToIndex(d.targetDev);
        long at = -1;
        for (long i = static_cast<long>(out.size()) - 1; i >= 0; i--) {
            if (out[i].targetBus != d.targetBus)
                continue;
            if (DiskDef::nameToIndex(out[i].targetDev) > idx)
                at = i;
            else if (at == -1)
                at = i + 1;
        }
        if (at == -1)
            out.push_back(std::move(d));
        else
            out.insert(out.begin() + at, std::move(d));
    }
    disks = std::move(out);
}

// The drive address libvirt derives from the target name (narrow SCSI: 7 units a controller).
void assignDriveAddress(const DomainDef &def, DiskDef &d, int idx)
{
    if (d.targetBus == "scsi") {
        unsigned controller = idx / 7, unit = idx % 7;
        for (const HostdevDef &h : def.devices.hostdevs) {
            const DeviceAddress &a = h.info.address;
            if (h.isScsi() && a.type == AddressType::Drive && a.controller == controller && a.bus == 0 && a.target == 0 &&
                a.unit == unit) {
                d.postParseError = Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                                 "using disk target name '%s' conflicts with SCSI host device address "
                                                 "controller='%u' bus='%u' target='%u' unit='%u",
                                                 d.targetDev.c_str(), controller, 0u, 0u, unit);
                return;
            }
        }
    }
    DeviceAddress &a = d.info.address;
    auto drive = [&](unsigned controller, unsigned bus, unsigned unit) {
        a.type = AddressType::Drive;
        a.controller = controller;
        a.bus = bus;
        a.target = 0;
        a.unit = unit;
    };
    if (d.targetBus == "scsi")
        drive(idx / 7, 0, idx % 7);
    else if (d.targetBus == "ide")
        drive(idx / 4, (idx % 4) / 2, idx % 2);
    else if (d.targetBus == "sata")
        drive(idx / 6, 0, idx % 6);
    else if (d.targetBus == "fdc")
        drive(idx / 2, 0, idx % 2);
}

} // namespace

void DiskDef::postParseAll(DomainDef &def)
{
    auto &disks = def.devices.disks;
    insertionOrder(disks);
    for (DiskDef &d : disks) {
        if (d.targetDev.rfind("ioemu:", 0) == 0)
            d.targetDev.erase(0, 6);    // Xen's old prefix
        if (d.device == "cdrom")
            d.readonly = true;
        if (d.targetBus.empty()) {
            d.targetBus = "ide";
            if (d.device == "floppy") {
                d.targetBus = "fdc";
            } else {
                static const std::pair<const char *, const char *> prefixes[] = {
                    {"hd", "ide"}, {"sd", "scsi"}, {"vd", "virtio"}, {"xvd", "xen"}, {"ubd", "uml"},
                };
                for (auto [prefix, bus] : prefixes) {
                    if (d.targetDev.rfind(prefix, 0) == 0) {
                        d.targetBus = bus;
                        break;
                    }
                }
            }
        }
        if (d.snapshot.empty() && d.type == "vhostuser")
            d.snapshot = "no";
        if (d.type == "nvme" && !d.src.nvmeManaged)
            d.src.nvmeManaged = true;
        if (d.info.address.empty()) {
            // Beyond three letters ("sdzzz", index 18277) a name would call for an implicit
            // controller for every seven of hundreds of thousands of disks: libvirt takes
            // hours over such a document; virthub calls the name unknown.
            constexpr int kMaxNamedIndex = 26 + 26 * 26 + 26 * 26 * 26 - 1;
            int idx = nameToIndex(d.targetDev);
            if (idx > kMaxNamedIndex)
                idx = -1;
            if (idx >= 0)
                assignDriveAddress(def, d, idx);
            else if (!d.postParseError)
                d.postParseError = Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                                 "Unknown disk name '%s' and no address specified", d.targetDev.c_str());
        }
    }
}

// ---- validate ------------------------------------------------------------------------------

namespace {

Result<void> validateAuth(const DiskDef &d)
{
    if (!d.src.auth || d.type != "network")
        return {};
    const DiskAuth &a = *d.src.auth;
    auto usage = a.secretType ? kDiskSecretUsage.parse(*a.secretType) : std::nullopt;
    if (!usage)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown secret type '%s'",
                             a.secretType ? a.secretType->c_str() : "<null>");
    DiskSecretUsage expected = DiskSecretUsage::None;
    if (d.src.protocol == DiskProtocol::Iscsi)
        expected = DiskSecretUsage::Iscsi;
    else if (d.src.protocol == DiskProtocol::Rbd)
        expected = DiskSecretUsage::Ceph;
    if (expected != DiskSecretUsage::None && *usage != expected)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "invalid secret type '%s'", a.secretType->c_str());
    return {};
}

bool addressFitsBus(const std::string &bus, AddressType t)
{
    if (t == AddressType::None)
        return true;
    if (bus == "ide" || bus == "fdc" || bus == "scsi" || bus == "sata")
        return t == AddressType::Drive;
    if (bus == "usb")
        return t == AddressType::Usb;
    return true;
}

Result<void> validateDisk(const DiskDef &d)
{
    bool empty = (d.type == "file" || d.type == "block" || d.type == "dir") && d.source.empty();
    if (d.type == "network" && d.src.protocol == DiskProtocol::None)
        empty = true;
    if (!d.startupPolicy.empty()) {
        if (d.type == "network")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "disk startupPolicy '%s' is not allowed for disk of '%s' type",
                                 d.startupPolicy.c_str(), d.type.c_str());
        if (d.device != "cdrom" && d.device != "floppy" && d.startupPolicy == "requisite")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "disk startupPolicy 'requisite' is allowed only for cdrom or floppy");
    }
    if (empty && d.device == "disk")
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_SOURCE, d.targetDev);
    if (d.device == "lun") {
        if (d.type == "network") {
            if (d.src.protocol != DiskProtocol::Iscsi)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk device='lun' is not supported for protocol='%s'",
                                     std::string(kDiskProtocol.name(d.src.protocol)).c_str());
        } else if (d.type != "block" && d.type != "volume") {
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk device='lun' is only valid for block type disk source");
        }
    } else {
        if (d.src.reservations)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "<reservations/> allowed only for lun devices");
        if (d.rawio)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "rawio can be used only with device='lun'");
        if (!d.sgio.empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "sgio can be used only with device='lun'");
    }
    if (d.sgio == "unfiltered")
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unfiltered sgio is no longer supported");
    if (d.device == "floppy") {
        if (d.targetBus != "fdc")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid bus type '%s' for floppy disk",
                                 d.targetBus.c_str());
        if (d.targetDev.rfind("fd", 0) != 0)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid floppy device name: %s", d.targetDev.c_str());
    } else {
        if (d.targetBus == "fdc")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid bus type '%s' for disk", d.targetBus.c_str());
        if (d.device != "cdrom" && d.targetDev.rfind("fd", 0) == 0)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid harddisk device name: %s", d.targetDev.c_str());
    }
    if (d.trayOpen && d.device != "cdrom" && d.device != "floppy")
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "tray is only valid for cdrom and floppy");
    if (d.removable && d.targetBus != "usb")
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "removable is only valid for usb disks");
    if (d.targetBus != "virtio") {
        if (d.eventIdx)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk event_idx mode supported only for virtio bus");
        if (d.ioeventfd)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk ioeventfd mode supported only for virtio bus");
        if (d.queues)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "queues attribute in disk driver element is only supported by virtio-blk");
        if (!d.model.empty())
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk model '%s' not supported for bus '%s'",
                                 d.model.c_str(), d.targetBus.c_str());
    }
    if (d.rerrorPolicy == "enospace")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid disk read error policy: '%s'",
                             d.rerrorPolicy.c_str());
    if (d.vendor && d.vendor->size() > 8)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk vendor is more than 8 characters");
    if (d.product && d.product->size() > 16)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "disk product is more than 16 characters");
    if (d.type == "vhostuser") {
        if (d.targetBus != "virtio")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "vhostuser disk supports only virtio bus");
        if (d.readonly)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "readonly is not supported with vhostuser disk");
    }
    if (d.src.encryption && d.src.encryption->cipher)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "supplying <cipher> for domain disk definition is unnecessary");
    if (d.src.encryption && d.src.encryption->ivgen)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "supplying the <ivgen> for a domain is unnecessary");
    if (d.type == "nvme" && d.src.nvmeNamespace == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "NVMe namespace can't be zero");
    VH_TRY(validateAuth(d));
    if (!addressFitsBus(d.targetBus, d.info.address.type))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                             "Invalid address type '%s' for the disk '%s' with the bus type '%s'",
                             std::string(kAddressType.name(d.info.address.type)).c_str(), d.targetDev.c_str(), d.targetBus.c_str());
    if (d.src.fdgroup)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "driver does not support FD passing for disk '%s'",
                             d.targetDev.c_str());
    return {};
}

} // namespace

Result<void> DiskDef::validateAll(const DomainDef &def)
{
    const auto &disks = def.devices.disks;
    for (const DiskDef &d : disks)
        if (d.postParseError)
            return *d.postParseError;
    for (const DiskDef &d : disks)
        VH_TRY(validateDisk(d));
    for (size_t i = 0; i < disks.size(); i++) {
        for (size_t j = i + 1; j < disks.size(); j++) {
            if (disks[i].targetDev == disks[j].targetDev)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "target '%s' duplicated for disk sources '%s' and '%s'",
                                     disks[i].targetDev.c_str(), disks[i].source.empty() ? "<null>" : disks[i].source.c_str(),
                                     disks[j].source.empty() ? "<null>" : disks[j].source.c_str());
        }
    }
    for (size_t i = 0; i < disks.size(); i++) {
        const DeviceAddress &a = disks[i].info.address;
        if (a.type != AddressType::Drive)
            continue;
        for (size_t j = i + 1; j < disks.size(); j++) {
            if (disks[j].targetBus == disks[i].targetBus && disks[j].info.address == a)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "Found duplicate drive address for disk with target name '%s' controller='%u' bus='%u' "
                                     "target='%u' unit='%u'",
                                     disks[i].targetDev.c_str(), a.controller, a.bus, a.target, a.unit);
        }
    }
    return {};
}

// ---- format --------------------------------------------------------------------------------

namespace {

// Whether a source has anything to write (libvirt leaves out an empty <source/>).
bool sourceHasContent(const DiskSource &s, DiskSourceType type, const std::string &path, const std::string &startupPolicy,
                      bool skipAuth, bool skipEnc)
{
    switch (type) {
    case DiskSourceType::File:
        if (!path.empty() || s.fdgroup)
            return true;
        break;
    case DiskSourceType::Block:
    case DiskSourceType::Dir:
        if (!path.empty())
            return true;
        break;
    case DiskSourceType::Volume:
        if (!s.pool.empty())
            return true;
        break;
    default:
        return true;
    }
    bool labels = false;
    for (const DeviceSeclabel &l : s.seclabels)
        labels |= !(l.relabel && !l.label && !l.labelskip);
    return !startupPolicy.empty() || s.index || s.slice || labels || (s.auth && !skipAuth && type != DiskSourceType::Volume) ||
           (s.encryption && !skipEnc) || s.reservations;
}

void formatNetworkChildren(xml::Writer &w, const DiskSource &s, const FormatContext &ctx)
{
    for (const DiskSourceHost &h : s.hosts) {
        w.start("host");
        if (!h.name.empty())
            w.attr("name", h.name);
        if (h.port)
            w.attr("port", h.port);
        if (!h.transport.empty())
            w.attr("transport", h.transport);
        if (!h.socket.empty())
            w.attr("socket", h.socket);
        w.end();
    }
    if (s.snapshot)
        w.start("snapshot").attr("name", *s.snapshot).end();
    if (s.configFile)
        w.start("config").attr("file", *s.configFile).end();
    if (s.initiatorIqn) {
        w.start("initiator").open();
        w.start("iqn").attr("name", *s.initiatorIqn).end();
        w.end();
    }
    if (s.sslVerify)
        w.start("ssl").attr("verify", yesNo(*s.sslVerify)).end();
    if (!s.cookies.empty() && ctx.secure()) {
        w.start("cookies").open();
        for (const DiskCookie &c : s.cookies)
            w.start("cookie").attr("name", c.name).text(c.value).end();
        w.end();
    }
    if (s.readahead)
        w.start("readahead").attr("size", s.readahead).end();
    if (s.timeout)
        w.start("timeout").attr("seconds", s.timeout).end();
    if (s.protocol == DiskProtocol::Nfs && (s.nfsUser || s.nfsGroup)) {
        w.start("identity");
        if (s.nfsUser)
            w.attr("user", *s.nfsUser);
        if (s.nfsGroup)
            w.attr("group", *s.nfsGroup);
        w.end();
    }
}

void formatSource(xml::Writer &w, const DiskSource &s, DiskSourceType type, const std::string &path,
                  const std::string &startupPolicy, bool skipAuth, bool skipEnc, const FormatContext &ctx)
{
    if (!sourceHasContent(s, type, path, startupPolicy, skipAuth, skipEnc))
        return;
    w.start("source");
    switch (type) {
    case DiskSourceType::File:
        if (!path.empty())
            w.attr("file", path);
        if (s.fdgroup)
            w.attr("fdgroup", *s.fdgroup);
        break;
    case DiskSourceType::Block:
        if (!path.empty())
            w.attr("dev", path);
        break;
    case DiskSourceType::Dir:
        if (!path.empty())
            w.attr("dir", path);
        break;
    case DiskSourceType::Network:
        w.attr("protocol", kDiskProtocol.name(s.protocol));
        if (!s.volume.empty())
            w.attr("name", s.volume + "/" + path);
        else if (!path.empty())
            w.attr("name", path);
        if (s.query)
            w.attr("query", *s.query);
        if (s.tls)
            w.attr("tls", yesNo(*s.tls));
        if (s.tlsHostname)
            w.attr("tlsHostname", *s.tlsHostname);
        break;
    case DiskSourceType::Volume:
        if (!s.pool.empty()) {
            w.attr("pool", s.pool).attr("volume", s.poolVolume);
            if (!s.poolMode.empty())
                w.attr("mode", s.poolMode);
        }
        break;
    case DiskSourceType::Nvme:
        w.attr("type", "pci").attr("managed", yesNo(s.nvmeManaged.value_or(true)));
        w.attr("namespace", s.nvmeNamespace);
        break;
    case DiskSourceType::VhostUser:
        w.attr("type", "unix").attr("path", path);
        break;
    default:
        break;
    }
    if (!startupPolicy.empty() && type != DiskSourceType::Network)
        w.attr("startupPolicy", startupPolicy);
    if (s.index)
        w.attr("index", s.index);
    if (type == DiskSourceType::Network) {
        formatNetworkChildren(w, s, ctx);
    } else if (type == DiskSourceType::Nvme) {
        w.start("address");
        s.nvmeAddress.formatAttrs(w);
        w.end();
    } else if (type == DiskSourceType::VhostUser && s.reconnect) {
        w.start("reconnect").attr("enabled", yesNo(*s.reconnect));
        if (*s.reconnect)
            w.attr("timeout", s.reconnectTimeout);
        w.end();
    }
    if (s.slice) {
        w.start("slices").open();
        w.start("slice").attr("type", "storage").attr("offset", s.slice->first).attr("size", s.slice->second).end();
        w.end();
    }
    if (type != DiskSourceType::Network)
        DeviceSeclabel::formatAll(w, s.seclabels);
    if (s.auth && !skipAuth && type != DiskSourceType::Volume)
        formatAuth(w, *s.auth);
    if (s.encryption && !skipEnc)
        formatEncryption(w, *s.encryption);
    if (s.reservations) {
        w.start("reservations").attr("managed", yesNo(s.reservations->managed));
        if (!s.reservations->managed || !s.reservations->path.empty())
            w.start("source").attr("type", "unix").attr("path", s.reservations->path).attr("mode", "client").end();
        w.end();
    }
    w.end();
}

void formatBacking(xml::Writer &w, const DiskBackingChain &chain, size_t from, const FormatContext &ctx)
{
    if (from >= chain.layers.size()) {
        if (chain.terminated)
            w.start("backingStore").end();
        return;
    }
    const DiskSource &l = chain.layers[from];
    w.start("backingStore").attr("type", kDiskSourceType.name(l.type));
    if (l.index)
        w.attr("index", l.index);
    w.start("format").attr("type", l.format);
    if (l.metadataCacheMaxSize) {
        w.start("metadata_cache").open();
        w.start("max_size").attr("unit", "bytes").text(std::to_string(l.metadataCacheMaxSize)).end();
        w.end();
    }
    w.end();
    formatSource(w, l, l.type, l.path, "", false, false, ctx);
    formatBacking(w, chain, from + 1, ctx);
    w.end();
}

void formatMirror(xml::Writer &w, const DiskMirror &m, const FormatContext &ctx)
{
    w.start("mirror").attr("type", kDiskSourceType.name(m.src.type));
    if (m.src.type == DiskSourceType::File && m.job == "copy") {
        w.attr("file", m.src.path);
        if (!m.src.format.empty())
            w.attr("format", m.src.format);
    }
    w.attr("job", m.job);
    if (!m.ready.empty())
        w.attr("ready", m.ready);
    w.open();
    if (!m.src.format.empty())
        w.start("format").attr("type", m.src.format).end();
    formatSource(w, m.src, m.src.type, m.src.path, "", false, false, ctx);
    formatBacking(w, m.backing, 0, ctx);
    w.end();
}

} // namespace

void DiskDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    DiskSourceType stype = kDiskSourceType.parse(type).value_or(DiskSourceType::File);
    w.start("disk").attr("type", type).attr("device", device);
    if (!model.empty())
        w.attr("model", model);
    if (rawio)
        w.attr("rawio", yesNo(*rawio));
    if (!sgio.empty())
        w.attr("sgio", sgio);
    if (!snapshot.empty() && !(snapshot == "no" && readonly))
        w.attr("snapshot", snapshot);

    bool driverAttrs = !driverName.empty() || driverNameSet || !driverType.empty() || !cache.empty() || !errorPolicy.empty() ||
                       !rerrorPolicy.empty() || !io.empty() || ioeventfd || eventIdx || copyOnRead || !discard.empty() ||
                       iothread || !detectZeroes.empty() || queues || queueSize || !virtio.empty();
    if (driverAttrs || src.metadataCacheMaxSize) {
        w.start("driver");
        if (!driverName.empty() || driverNameSet)
            w.attr("name", driverName);
        if (!driverType.empty())
            w.attr("type", driverType);
        if (!cache.empty())
            w.attr("cache", cache);
        if (!errorPolicy.empty())
            w.attr("error_policy", errorPolicy);
        if (!rerrorPolicy.empty())
            w.attr("rerror_policy", rerrorPolicy);
        if (!io.empty())
            w.attr("io", io);
        if (ioeventfd)
            w.attr("ioeventfd", onOff(*ioeventfd));
        if (eventIdx)
            w.attr("event_idx", onOff(*eventIdx));
        if (copyOnRead)
            w.attr("copy_on_read", onOff(*copyOnRead));
        if (!discard.empty())
            w.attr("discard", discard);
        if (iothread)
            w.attr("iothread", iothread);
        if (!detectZeroes.empty())
            w.attr("detect_zeroes", detectZeroes);
        if (queues)
            w.attr("queues", queues);
        if (queueSize)
            w.attr("queue_size", queueSize);
        virtio.formatAttrs(w);
        if (src.metadataCacheMaxSize) {
            w.start("metadata_cache").open();
            w.start("max_size").attr("unit", "bytes").text(std::to_string(src.metadataCacheMaxSize)).end();
            w.end();
        }
        w.end();
    }
    if (src.auth && authInDisk)
        formatAuth(w, *src.auth);
    formatSource(w, src, stype, source, startupPolicy, authInDisk, encryptionInDisk, ctx);
    formatBacking(w, backing, 0, ctx);
    if (backendDomain)
        w.start("backenddomain").attr("name", *backendDomain).end();
    if (cyls && heads && secs) {
        w.start("geometry").attr("cyls", cyls).attr("heads", heads).attr("secs", secs);
        if (!geometryTrans.empty())
            w.attr("trans", geometryTrans);
        w.end();
    }
    if (logicalBlockSize || physicalBlockSize) {
        w.start("blockio");
        if (logicalBlockSize)
            w.attr("logical_block_size", logicalBlockSize);
        if (physicalBlockSize)
            w.attr("physical_block_size", physicalBlockSize);
        w.end();
    }
    if (mirror && !ctx.inactive())
        formatMirror(w, *mirror, ctx);
    w.start("target").attr("dev", targetDev);
    if (!targetBus.empty())
        w.attr("bus", targetBus);
    if ((device == "floppy" || device == "cdrom") && trayOpen)
        w.attr("tray", "open");
    if (targetBus == "usb" && removable)
        w.attr("removable", onOff(*removable));
    if (rotationRate)
        w.attr("rotation_rate", rotationRate);
    w.end();
    if (!iotune.empty()) {
        w.start("iotune").open();
        for (size_t i = 0; i < DiskIotune::kCount; i++) {
            if (iotune.values[i])
                w.element(kIotuneFields[i], std::to_string(iotune.values[i]));
            if (i == DiskIotune::kGroupNameAfter && iotune.groupName)
                w.element("group_name", *iotune.groupName);
        }
        w.end();
    }
    if (readonly)
        w.start("readonly").end();
    if (shareable)
        w.start("shareable").end();
    if (transient) {
        w.start("transient");
        if (transientShareBacking)
            w.attr("shareBacking", "yes");
        w.end();
    }
    if (serial)
        w.element("serial", *serial);
    if (wwn)
        w.element("wwn", *wwn);
    if (vendor)
        w.element("vendor", *vendor);
    if (product)
        w.element("product", *product);
    if (src.encryption && encryptionInDisk)
        formatEncryption(w, *src.encryption);
    info.format(w, ctx, true, false);
    w.end();
}

} // namespace vh::conf
