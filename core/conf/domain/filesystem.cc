#include "conf/domain/filesystem.h"

#include "conf/domain/domain_def.h"

#include <cstring>

#include <libvirt/virterror.h>

#define TRY_SET(lhs, expr)                           \
    do {                                             \
        auto try_set_ = (expr);                      \
        if (!try_set_)                               \
            return std::move(try_set_).error();      \
        lhs = std::move(*try_set_);                  \
    } while (0)

namespace vh::conf {

namespace {

enum class FsType { Mount, Block, File, Template, Ram, Bind, Volume, Last };
VH_ENUM_TABLE(kFsType, FsType, "mount", "block", "file", "template", "ram", "bind", "volume");
enum class FsAccessMode { Passthrough, Mapped, Squash, Last };
VH_ENUM_TABLE(kFsAccessMode, FsAccessMode, "passthrough", "mapped", "squash");
enum class FsModel { Default, Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kFsModel, FsModel, "default", "virtio", "virtio-transitional", "virtio-non-transitional");
enum class FsMultidevs { Default, Remap, Forbid, Warn, Last };
VH_ENUM_TABLE(kFsMultidevs, FsMultidevs, "default", "remap", "forbid", "warn");
enum class FsDriver { Default, Path, Handle, Loop, Nbd, Ploop, Virtiofs, Last };
VH_ENUM_TABLE(kFsDriver, FsDriver, "default", "path", "handle", "loop", "nbd", "ploop", "virtiofs");
enum class FsWrpolicy { Default, Immediate, Last };
VH_ENUM_TABLE(kFsWrpolicy, FsWrpolicy, "default", "immediate");
enum class FsCacheMode { Default, None, Always, Last };
VH_ENUM_TABLE(kFsCacheMode, FsCacheMode, "default", "none", "always");
enum class FsSandboxMode { Default, Namespace, Chroot, Last };
VH_ENUM_TABLE(kFsSandboxMode, FsSandboxMode, "default", "namespace", "chroot");

const char *const kStorageFormats[] = {"raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop",
                                       "cow", "qcow", "qcow2", "qed", "vmdk"};

template <class E, size_t N>
Result<void> enumAttr(const xmlNode *n, const char *name, const EnumTable<E, N> &table, std::string &out)
{
    auto v = Props(n).enumeration(name, table);
    if (!v)
        return std::move(v).error();
    if (*v && static_cast<size_t>(**v) != 0)
        out = std::string(table.name(**v));
    return {};
}

// A value scaled by a unit (bytes by default); libvirt's virScaleInteger.
Result<unsigned long long> scale(unsigned long long v, const std::string &value, const std::string &unit,
                                 unsigned long long defaultScale)
{
    std::string lower;
    for (char c : unit)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    unsigned long long s = defaultScale;
    if (lower.empty()) {
        s = defaultScale;
    } else if (lower == "b" || lower == "byte" || lower == "bytes") {
        s = 1;
    } else {
        static const char letters[] = "kmgtpe";
        const char *p = strchr(letters, lower[0]);
        bool si = lower.size() == 2 && lower[1] == 'b';
        bool iec = lower.size() == 1 || (lower.size() == 3 && lower[1] == 'i' && lower[2] == 'b');
        if (!p || (!si && !iec))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
        s = 1;
        for (long i = 0; i <= p - letters; i++)
            s *= si ? 1000 : 1024;
    }
    if (v && s > ~0ull / v)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %s%s", value.c_str(), unit.c_str());
    return v * s;
}

Result<unsigned long long> spaceLimit(const xmlNode *n, const char *xpath)
{
    std::string value = xml::text(n);
    auto v = parseULL(value, 10);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'", value.c_str(),
                             xpath);
    return scale(*v, value, xml::attr(n, "unit").value_or(""), 1);
}

Result<void> parseBinary(const xmlNode *b, FilesystemDef &d)
{
    d.binaryPath = xml::attr(b, "path").value_or("");
    TRY_SET(d.xattr, Props(b).onOff("xattr"));
    for (const xmlNode *c : xml::Children(b)) {
        if (xml::is(c, "cache")) {
            VH_TRY(enumAttr(c, "mode", kFsCacheMode, d.cacheMode));
        } else if (xml::is(c, "sandbox")) {
            VH_TRY(enumAttr(c, "mode", kFsSandboxMode, d.sandboxMode));
        } else if (xml::is(c, "lock")) {
            TRY_SET(d.lockPosix, Props(c).onOff("posix"));
            TRY_SET(d.lockFlock, Props(c).onOff("flock"));
        } else if (xml::is(c, "thread_pool")) {
            if (auto size = xml::attr(c, "size")) {
                errno = 0;
                char *end = nullptr;
                long long v = strtoll(size->c_str(), &end, 10);
                if (size->empty() || errno || *end || v < INT32_MIN || v > INT32_MAX)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "cannot parse thread pool size '%s' for virtiofs",
                                         size->c_str());
                d.threadPoolSize = static_cast<int>(v);
            }
        }
    }
    return {};
}

} // namespace

Result<FilesystemDef> FilesystemDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    FilesystemDef d;
    Props p(n);
    std::optional<FsType> type;
    TRY_SET(type, p.enumeration("type", kFsType));
    d.type = std::string(kFsType.name(type.value_or(FsType::Mount)));
    std::optional<FsAccessMode> mode;
    TRY_SET(mode, p.enumeration("accessmode", kFsAccessMode));
    if (mode)
        d.accessmode = std::string(kFsAccessMode.name(*mode));
    std::optional<unsigned int> m;
    TRY_SET(m, propUInt(n, "fmode", 8));
    d.fmode = m.value_or(0);
    if (d.fmode > 0777)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid fmode: '0%o'", d.fmode);
    TRY_SET(m, propUInt(n, "dmode", 8));
    d.dmode = m.value_or(0);
    if (d.dmode > 0777)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid dmode: '0%o'", d.dmode);
    VH_TRY(enumAttr(n, "model", kFsModel, d.model));
    VH_TRY(enumAttr(n, "multidevs", kFsMultidevs, d.multidevs));

    const xmlNode *source = nullptr, *target = nullptr, *driver = nullptr, *binary = nullptr, *hard = nullptr, *soft = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        const xmlNode **slot = xml::is(c, "source")             ? &source
                               : xml::is(c, "target")           ? &target
                               : xml::is(c, "driver")           ? &driver
                               : xml::is(c, "binary")           ? &binary
                               : xml::is(c, "space_hard_limit") ? &hard
                               : xml::is(c, "space_soft_limit") ? &soft
                                                                : nullptr;
        if (slot && !*slot)
            *slot = c;
        if (xml::is(c, "readonly"))
            d.readonly = true;
    }
    std::optional<std::string> src;
    if (source) {
        switch (type.value_or(FsType::Mount)) {
        case FsType::Mount:
        case FsType::Bind:
            src = xml::attr(source, "dir");
            if (auto sock = xml::attr(source, "socket"))
                d.socket = *sock;
            break;
        case FsType::Block:
            src = xml::attr(source, "dev");
            break;
        case FsType::File:
            src = xml::attr(source, "file");
            break;
        case FsType::Template:
            src = xml::attr(source, "name");
            break;
        case FsType::Ram: {
            auto usage = xml::attr(source, "usage");
            if (!usage)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'usage' attribute for RAM filesystem");
            auto v = parseULL(*usage, 10);
            if (!v)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "cannot parse usage '%s' for RAM filesystem", usage->c_str());
            unsigned long long bytes;
            TRY_SET(bytes, scale(*v, *usage, xml::attr(source, "units").value_or(""), 1024));
            d.usageKiB = bytes / 1024;
            break;
        }
        case FsType::Volume:
            d.pool = xml::attr(source, "pool").value_or("");
            d.volume = xml::attr(source, "volume").value_or("");
            break;
        default:
            break;
        }
    }
    std::optional<std::string> tgt = target ? xml::attr(target, "dir") : std::nullopt;
    if (driver) {
        std::optional<FsDriver> drv;
        TRY_SET(drv, Props(driver).enumeration("type", kFsDriver));
        if (drv && *drv != FsDriver::Default)
            d.driverType = std::string(kFsDriver.name(*drv));
        if (auto format = xml::attr(driver, "format")) {
            bool known = false;
            for (const char *f : kStorageFormats)
                known |= *format == f;
            if (!known)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown driver format value '%s'", format->c_str());
            d.driverFormat = *format;
        }
        VH_TRY(enumAttr(driver, "wrpolicy", kFsWrpolicy, d.wrpolicy));
        if (auto queue = xml::attr(driver, "queue")) {
            auto v = parseULL(*queue, 10);
            if (!v)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "cannot parse queue size '%s' for virtiofs", queue->c_str());
            d.queue = *v;
        }
        TRY_SET(d.virtio, VirtioOptions::parse(driver));
    }
    if (binary)
        VH_TRY(parseBinary(binary, d));
    if (!src && d.type != "ram" && d.type != "volume" && d.socket.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_SOURCE, tgt.value_or(""));
    if (!tgt)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_TARGET, src.value_or(""));
    d.source = src.value_or("");
    d.target = *tgt;
    if (hard)
        TRY_SET(d.spaceHardLimit, spaceLimit(hard, "./space_hard_limit[1]"));
    if (soft)
        TRY_SET(d.spaceSoftLimit, spaceLimit(soft, "./space_soft_limit[1]"));
    TRY_SET(d.info, DeviceInfo::parse(n, ctx, INFO_BOOT));
    return d;
}

void FilesystemDef::postParseAll(DomainDef &def)
{
    for (FilesystemDef &f : def.devices.filesystems)
        if (f.accessmode.empty() && f.socket.empty())
            f.accessmode = "passthrough";
}

Result<void> FilesystemDef::validateAll(const DomainDef &def)
{
    for (const FilesystemDef &f : def.devices.filesystems)
        if (f.info.bootIndex && f.driverType != "virtiofs")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "boot order is only supported for virtiofs");
    return {};
}

void FilesystemDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("filesystem").attr("type", type);
    if (!accessmode.empty())
        w.attr("accessmode", accessmode);
    if (!model.empty())
        w.attr("model", model);
    if (!multidevs.empty())
        w.attr("multidevs", multidevs);
    if (fmode)
        w.attr("fmode", strprintf("%04o", fmode));
    if (dmode)
        w.attr("dmode", strprintf("%04o", dmode));
    if (!driverType.empty() || !virtio.empty()) {
        w.start("driver");
        if (!driverType.empty()) {
            w.attr("type", driverType);
            if (!driverFormat.empty())
                w.attr("format", driverFormat);
            if (!wrpolicy.empty())
                w.attr("wrpolicy", wrpolicy);
            if (queue)
                w.attr("queue", queue);
        }
        virtio.formatAttrs(w);
        w.end();
    }
    if (driverType == "virtiofs") {
        bool lock = lockPosix || lockFlock;
        bool children = !cacheMode.empty() || !sandboxMode.empty() || lock || threadPoolSize >= 0;
        if (!binaryPath.empty() || xattr || children) {
            w.start("binary");
            if (!binaryPath.empty())
                w.attr("path", binaryPath);
            if (xattr)
                w.attr("xattr", onOff(*xattr));
            if (!cacheMode.empty())
                w.start("cache").attr("mode", cacheMode).end();
            if (!sandboxMode.empty())
                w.start("sandbox").attr("mode", sandboxMode).end();
            if (lock) {
                w.start("lock");
                if (lockPosix)
                    w.attr("posix", onOff(*lockPosix));
                if (lockFlock)
                    w.attr("flock", onOff(*lockFlock));
                w.end();
            }
            if (threadPoolSize >= 0)
                w.start("thread_pool").attr("size", threadPoolSize).end();
            w.end();
        }
    }
    w.start("source");
    if (type == "mount" || type == "bind") {
        if (!socket.empty())
            w.attr("socket", socket);
        else
            w.attr("dir", source);
    } else if (type == "block") {
        w.attr("dev", source);
    } else if (type == "file") {
        w.attr("file", source);
    } else if (type == "template") {
        w.attr("name", source);
    } else if (type == "ram") {
        w.attr("usage", usageKiB).attr("units", "KiB");
    } else if (type == "volume") {
        w.attr("pool", pool).attr("volume", volume);
    }
    w.end();
    w.start("target").attr("dir", target).end();
    if (readonly)
        w.start("readonly").end();
    info.format(w, ctx, true, false);
    if (spaceHardLimit)
        w.start("space_hard_limit").attr("unit", "bytes").text(std::to_string(spaceHardLimit)).end();
    if (spaceSoftLimit)
        w.start("space_soft_limit").attr("unit", "bytes").text(std::to_string(spaceSoftLimit)).end();
    w.end();
}

} // namespace vh::conf
