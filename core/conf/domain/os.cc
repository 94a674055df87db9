#include "conf/domain/os.h"

#include <cstring>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"

namespace vh::conf {

namespace {

enum class OsType { Hvm, Xen, Linux, Exe, Uml, Xenpvh, Last };
VH_ENUM_TABLE(kOsType, OsType, "hvm", "xen", "linux", "exe", "uml", "xenpvh");

enum class BootDev { Fd, Cdrom, Hd, Network, Last };
VH_ENUM_TABLE(kBootDev, BootDev, "fd", "cdrom", "hd", "network");

constexpr size_t kMaxBootDevs = 4;   // libvirt reads at most this many <boot dev=...>

const char *const kArches[] = {"alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
                               "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
                               "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le",
                               "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc",
                               "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb"};

bool knownArch(const std::string &a)
{
    for (const char *s : kArches)
        if (a == s)
            return true;
    return false;
}

// An element's text, or "" (libvirt reads empty text as absent).
std::string textOf(const xmlNode *n)
{
    return n ? xml::text(n) : std::string();
}

// The first <name> child of <os>.
const xmlNode *osChild(const xmlNode *os, const char *name)
{
    return os ? xml::child(os, name) : nullptr;
}

// libvirt's path clean-up of the ACPI table: runs of '/' become one (a leading "//" stays, as
// POSIX allows), and a trailing '/' goes.
std::string sanitizePath(const std::string &path)
{
    std::string out;
    size_t i = 0;
    if (path.size() >= 2 && path[0] == '/' && path[1] == '/' && (path.size() == 2 || path[2] != '/')) {
        out = "//";
        i = 2;
    }
    for (; i < path.size(); i++) {
        if (path[i] == '/' && i + 1 < path.size() && path[i + 1] == '/')
            continue;
        if (path[i] == '/' && i + 1 == path.size() && !out.empty())
            continue;
        out += path[i];
    }
    return out;
}

Error detail(const char *message)
{
    return Error::plain(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, message);
}

void parseKernel(OsDef &d, const xmlNode *os)
{
    d.kernel = textOf(osChild(os, "kernel"));
    d.initrd = textOf(osChild(os, "initrd"));
    d.cmdline = textOf(osChild(os, "cmdline"));
    d.dtb = textOf(osChild(os, "dtb"));
    d.root = textOf(osChild(os, "root"));
}

Result<void> parseFirmware(OsDef &d, const xmlNode *os)
{
    auto fw = xml::attr(os, "firmware");
    if (!fw || fw->empty())
        return {};
    auto v = kOsFirmware.parse(*fw);
    if (!v || *v == OsFirmware::None)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unknown firmware value %s", fw->c_str());
    d.firmware = *v;
    for (const xmlNode *f : xml::Children(os)) {
        if (!xml::is(f, "firmware"))
            continue;
        for (const xmlNode *c : xml::Children(f)) {
            if (!xml::is(c, "feature"))
                continue;
            Props p(c);
            auto name = p.enumeration("name", kFirmwareFeature, PROP_REQUIRED);
            if (!name)
                return std::move(name).error();
            auto enabled = p.yesNo("enabled", PROP_REQUIRED);
            if (!enabled)
                return std::move(enabled).error();
            if (!d.firmwareFeatures)
                d.firmwareFeatures.emplace();
            (*d.firmwareFeatures)[static_cast<size_t>(**name)] = **enabled;
        }
    }
    // enrolled keys are only of use with secure boot: asking for them asks for it
    if (d.firmwareFeatures) {
        auto &f = *d.firmwareFeatures;
        auto &secure = f[static_cast<size_t>(FirmwareFeature::SecureBoot)];
        if (f[static_cast<size_t>(FirmwareFeature::EnrolledKeys)] == true && !secure)
            secure = true;
    }
    return {};
}

Result<void> parseNvram(NvramDef &nv, const xmlNode *n)
{
    Props p(n);
    if (auto t = p.str("template")) {
        nv.templatePath = *t;
        nv.hasTemplate = true;
    }
    auto type = p.enumeration("type", kNvramStorage);
    if (!type)
        return std::move(type).error();
    if (!*type) {
        std::string path = xml::text(n);
        if (!path.empty()) {
            nv.type = NvramStorage::File;
            nv.path = std::move(path);
        }
        return {};
    }
    const xmlNode *source = xml::child(n, "source");
    if (!source)   // libvirt fails here without saying why
        return Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown");
    Props sp(source);
    switch (**type) {
    case NvramStorage::None:
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "unexpected disk type none");
    case NvramStorage::File:
        nv.path = sp.str("file").value_or("");
        break;
    case NvramStorage::Block:
        nv.path = sp.str("dev").value_or("");
        break;
    case NvramStorage::Dir:
        nv.path = sp.str("dir").value_or("");
        break;
    case NvramStorage::Volume:
        nv.pool = sp.str("pool").value_or("");
        nv.volume = sp.str("volume").value_or("");
        break;
    case NvramStorage::Network: {
        auto protocol = sp.str("protocol", PROP_REQUIRED);
        if (!protocol)
            return std::move(protocol).error();
        nv.rawSource = xml::reformat(source, 3);
        break;
    }
    default:
        nv.rawSource = xml::reformat(source, 3);
        break;
    }
    nv.type = **type;
    nv.newStyle = true;
    return {};
}

Result<void> parseLoader(OsDef &d, const xmlNode *os)
{
    const xmlNode *loaderNode = osChild(os, "loader");
    const xmlNode *nvramNode = osChild(os, "nvram");
    if (!loaderNode && !nvramNode)
        return {};
    LoaderDef &l = d.loader.emplace();
    if (loaderNode) {
        Props p(loaderNode);
        auto readonly = p.yesNo("readonly");
        if (!readonly)
            return std::move(readonly).error();
        l.readonly = *readonly;
        auto type = p.enumeration("type", kLoaderType, PROP_NONE_INVALID);
        if (!type)
            return std::move(type).error();
        l.type = type->value_or(LoaderType::None);
        std::string path = xml::text(loaderNode);
        if (!path.empty())
            l.path = std::move(path);
        auto secure = p.yesNo("secure");
        if (!secure)
            return std::move(secure).error();
        l.secure = *secure;
        auto stateless = p.yesNo("stateless");
        if (!stateless)
            return std::move(stateless).error();
        l.stateless = *stateless;
    }
    if (nvramNode)
        VH_TRY(parseNvram(l.nvram, nvramNode));
    return {};
}

Result<void> parseAcpi(OsDef &d, const xmlNode *os)
{
    std::vector<const xmlNode *> tables;
    for (const xmlNode *a : xml::Children(os))
        if (xml::is(a, "acpi"))
            for (const xmlNode *t : xml::Children(a))
                if (xml::is(t, "table"))
                    tables.push_back(t);
    if (tables.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Only one acpi table is supported");
    if (tables.empty())
        return {};
    auto type = xml::attr(tables[0], "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing acpi table type");
    if (*type != "slic")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Unknown acpi table type: %s", type->c_str());
    d.acpiSlic = sanitizePath(xml::text(tables[0]));
    return {};
}

Result<void> parseBootDevices(OsDef &d, const xmlNode *os)
{
    for (const xmlNode *c : xml::Children(os)) {
        if (!xml::is(c, "boot"))
            continue;
        if (d.boot.size() == kMaxBootDevs)
            break;
        auto dev = Props(c).enumeration("dev", kBootDev, PROP_REQUIRED);
        if (!dev)
            return std::move(dev).error();
        d.boot.emplace_back(kBootDev.name(**dev));
    }
    if (const xmlNode *n = osChild(os, "bootmenu")) {
        Props p(n);
        auto enable = p.yesNo("enable");
        if (!enable)
            return std::move(enable).error();
        d.bootmenu = *enable;
        if (d.bootmenu == true) {
            auto timeout = p.uint("timeout");
            if (!timeout)
                return std::move(timeout).error();
            d.bootmenuTimeout = *timeout;
        }
    }
    if (const xmlNode *n = osChild(os, "bios")) {
        Props p(n);
        if (auto serial = p.str("useserial"))
            d.biosUseserial = *serial == "yes";
        auto reboot = p.sint("rebootTimeout");
        if (!reboot)
            return std::move(reboot).error();
        d.biosRebootTimeout = *reboot;
    }
    return {};
}

// The content of an element's first node (libvirt reads <initarg> and <initenv> so).
const char *firstContent(const xmlNode *n)
{
    const xmlNode *first = n->children;
    if (!first || first->type == XML_ELEMENT_NODE || !first->content)
        return nullptr;
    return reinterpret_cast<const char *>(first->content);
}

Result<void> parseInit(OsDef &d, const xmlNode *os)
{
    d.init = textOf(osChild(os, "init"));
    d.cmdline = textOf(osChild(os, "cmdline"));
    d.initdir = textOf(osChild(os, "initdir"));
    d.inituser = textOf(osChild(os, "inituser"));
    d.initgroup = textOf(osChild(os, "initgroup"));
    for (const xmlNode *c : xml::Children(os)) {
        if (xml::is(c, "initarg")) {
            const char *arg = firstContent(c);
            if (!arg)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "No data supplied for <initarg> element");
            d.initargs.emplace_back(arg);
        }
    }
    for (const xmlNode *c : xml::Children(os)) {
        if (xml::is(c, "initenv")) {
            auto name = xml::attr(c, "name");
            if (!name)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "No name supplied for <initenv> element");
            const char *value = firstContent(c);
            if (!value)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "No value supplied for <initenv name='%s'> element",
                                     name->c_str());
            d.initenv.emplace_back(*name, value);
        }
    }
    return {};
}

} // namespace

Result<void> OsDef::parseCaps(const TopLevel &top, const ParseContext &)
{
    bootloader = textOf(top.first("bootloader"));
    bootloaderArgs = textOf(top.first("bootloader_args"));
    const xmlNode *os = top.first("os");
    const xmlNode *typeNode = osChild(os, "type");
    std::string osType = textOf(typeNode);
    machine = typeNode ? xml::attr(typeNode, "machine").value_or("") : "";
    std::string osArch = typeNode ? xml::attr(typeNode, "arch").value_or("") : "";
    if (osType.empty()) {
        if (bootloader.empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "an os <type> must be specified");
        osType = "xen";   // a bootloader alone means a Xen guest
    } else if (!kOsType.parse(osType)) {
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown OS type '%s'", osType.c_str());
    }
    // Xen's paravirtualized guests: 'linux' is the old name of 'xen'
    if (xml::attr(top.root(), "type") == std::optional<std::string>("xen") && (osType == "linux" || osType == "xen")) {
        osType = "xen";
        xenLinux = true;
    }
    type = std::move(osType);
    if (!osArch.empty() && !knownArch(osArch))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown architecture %s", osArch.c_str());
    arch = std::move(osArch);
    return {};
}

Result<void> OsDef::parseBoot(const TopLevel &top, const ParseContext &)
{
    const xmlNode *os = top.first("os");
    auto osType = kOsType.parse(type);
    switch (osType.value_or(OsType::Last)) {
    case OsType::Hvm:
        parseKernel(*this, os);
        if (!os)
            break;
        VH_TRY(parseFirmware(*this, os));
        VH_TRY(parseLoader(*this, os));
        VH_TRY(parseAcpi(*this, os));
        VH_TRY(parseBootDevices(*this, os));
        break;
    case OsType::Xen:
    case OsType::Xenpvh:
    case OsType::Uml:
        parseKernel(*this, os);
        if (os)
            VH_TRY(parseLoader(*this, os));
        break;
    case OsType::Exe:
        if (os)
            VH_TRY(parseInit(*this, os));
        break;
    case OsType::Linux:
    case OsType::Last:
        break;
    }
    return {};
}

Result<void> OsDef::parseSmbios(const TopLevel &top, const ParseContext &)
{
    const xmlNode *n = osChild(top.first("os"), "smbios");
    if (!n)
        return {};
    auto mode = xml::attr(n, "mode");
    if (!mode || mode->empty())
        return {};
    auto m = kSmbiosMode.parse(*mode);
    if (!m)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown smbios mode '%s'", mode->c_str());
    smbios = *m;
    return {};
}

Result<OsDef> OsDef::parse(const TopLevel &top, const ParseContext &ctx)
{
    OsDef d;
    VH_TRY(d.parseCaps(top, ctx));
    VH_TRY(d.parseBoot(top, ctx));
    VH_TRY(d.parseSmbios(top, ctx));
    return d;
}

void OsDef::postParseAll(DomainDef &def)
{
    if (def.os.loader && def.os.loader->path && def.os.loader->type == LoaderType::None)
        def.os.loader->type = LoaderType::Rom;
}

Result<void> OsDef::checkPostParse(const DomainDef &def)
{
    const OsDef &os = def.os;
    if (os.type == "exe" && os.init.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "init binary must be specified");
    if (os.firmwareFeatures) {
        const auto &f = *os.firmwareFeatures;
        if (f[static_cast<size_t>(FirmwareFeature::EnrolledKeys)] == true &&
            f[static_cast<size_t>(FirmwareFeature::SecureBoot)] == false)
            return detail("firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled");
    }
    return {};
}

Result<void> OsDef::validateAll(const DomainDef &def)
{
    const OsDef &os = def.os;
    if (const LoaderDef *l = os.loader ? &*os.loader : nullptr) {
        if (os.firmware != OsFirmware::None) {
            if (l->readonly)
                return detail("loader attribute 'readonly' cannot be specified when firmware autoselection is enabled");
            if (l->type != LoaderType::None)
                return detail("loader attribute 'type' cannot be specified when firmware autoselection is enabled");
            if (l->path)
                return detail("loader path cannot be specified when firmware autoselection is enabled");
            if (l->nvram.hasTemplate)
                return detail("nvram attribute 'template' cannot be specified when firmware autoselection is enabled");
            if (l->secure == false)
                return detail("loader attribute 'secure' cannot be specified when firmware autoselection is enabled");
        } else if (!l->path) {
            return detail("no loader path specified and firmware auto selection disabled");
        }
        if (l->stateless == true) {
            if (l->nvram.hasTemplate)
                return detail("NVRAM template is not permitted when loader is stateless");
            if (l->nvram.type != NvramStorage::None)
                return detail("NVRAM is not permitted when loader is stateless");
        }
    }
    if (os.bootmenuTimeout && *os.bootmenuTimeout > 65535)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "invalid value for boot menu timeout, must be in range [0,65535]");
    if (os.biosRebootTimeout && (*os.biosRebootTimeout < -1 || *os.biosRebootTimeout > 65535))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "invalid value for rebootTimeout, must be in range [-1,65535]");
    return {};
}

namespace {

void formatLoader(xml::Writer &w, const LoaderDef &l)
{
    if (l.readonly || l.secure || l.type != LoaderType::None || l.stateless || l.path) {
        w.start("loader");
        if (l.readonly)
            w.attr("readonly", yesNo(*l.readonly));
        if (l.secure)
            w.attr("secure", yesNo(*l.secure));
        if (l.type != LoaderType::None)
            w.attr("type", kLoaderType.name(l.type));
        if (l.stateless)
            w.attr("stateless", yesNo(*l.stateless));
        if (l.path)
            w.text(*l.path);
        w.end();
    }
    const NvramDef &nv = l.nvram;
    bool image = nv.type != NvramStorage::None;
    if (!nv.hasTemplate && !image)
        return;
    w.start("nvram");
    if (nv.hasTemplate)
        w.attr("template", nv.templatePath);
    if (image && !nv.newStyle) {
        w.text(nv.path);
    } else if (image) {
        w.attr("type", kNvramStorage.name(nv.type));
        switch (nv.type) {
        case NvramStorage::File:
        case NvramStorage::Block:
        case NvramStorage::Dir:
            if (!nv.path.empty())
                w.start("source")
                    .attr(nv.type == NvramStorage::File ? "file" : nv.type == NvramStorage::Block ? "dev" : "dir", nv.path)
                    .end();
            break;
        case NvramStorage::Volume:
            if (!nv.pool.empty() || !nv.volume.empty()) {
                w.start("source");
                if (!nv.pool.empty())
                    w.attr("pool", nv.pool);
                if (!nv.volume.empty())
                    w.attr("volume", nv.volume);
                w.end();
            }
            break;
        default:
            w.raw(nv.rawSource);
            break;
        }
    }
    w.end();
}

} // namespace

void OsDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!bootloader.empty())
        w.element("bootloader", bootloader);
    if (!bootloaderArgs.empty())
        w.element("bootloader_args", bootloaderArgs);
    w.start("os");
    if (firmware != OsFirmware::None)
        w.attr("firmware", kOsFirmware.name(firmware));
    w.start("type");
    if (!arch.empty())
        w.attr("arch", arch);
    if (!machine.empty())
        w.attr("machine", machine);
    w.text(xenLinux && type == "xen" ? "linux" : type).end();
    if (firmwareFeatures) {
        w.start("firmware");
        for (size_t i = 0; i < firmwareFeatures->size(); i++)
            if (const auto &f = (*firmwareFeatures)[i])
                w.start("feature").attr("enabled", yesNo(*f)).attr("name", kFirmwareFeature.names[i]).end();
        w.end();
    }
    if (!init.empty())
        w.element("init", init);
    for (const std::string &a : initargs)
        w.element("initarg", a);
    for (const auto &[name, value] : initenv)
        w.start("initenv").attr("name", name).text(value).end();
    if (!initdir.empty())
        w.element("initdir", initdir);
    if (!inituser.empty())
        w.element("inituser", inituser);
    if (!initgroup.empty())
        w.element("initgroup", initgroup);
    if (loader)
        formatLoader(w, *loader);
    if (!kernel.empty())
        w.element("kernel", kernel);
    if (!initrd.empty())
        w.element("initrd", initrd);
    if (!cmdline.empty())
        w.element("cmdline", cmdline);
    if (!dtb.empty())
        w.element("dtb", dtb);
    if (!root.empty())
        w.element("root", root);
    if (acpiSlic) {
        w.start("acpi");
        w.start("table").attr("type", "slic").text(*acpiSlic).end();
        w.end();
    }
    if (bootloader.empty()) {   // a bootloader decides how to boot
        for (const std::string &b : boot)
            w.start("boot").attr("dev", b).end();
        if (bootmenu) {
            w.start("bootmenu").attr("enable", yesNo(*bootmenu));
            if (bootmenuTimeout)
                w.attr("timeout", *bootmenuTimeout);
            w.end();
        }
        if (biosUseserial || biosRebootTimeout) {
            w.start("bios");
            if (biosUseserial)
                w.attr("useserial", yesNo(*biosUseserial));
            if (biosRebootTimeout)
                w.attr("rebootTimeout", *biosRebootTimeout);
            w.end();
        }
    }
    if (smbios != SmbiosMode::None)
        w.start("smbios").attr("mode", kSmbiosMode.name(smbios)).end();
    w.end();
}

} // namespace vh::conf
