#include "conf/domain/os.h"

#include <libvirt/virterror.h>

#include "conf/props.h"

namespace vh::conf {

namespace {
const char *const kOsTypes[] = {"hvm", "xen", "linux", "exe", "uml", "xenpvh"};
const char *const kArches[] = {"alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
                               "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
                               "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le",
                               "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc",
                               "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb"};
const char *const kBootDevs[] = {"fd", "cdrom", "hd", "network"};

template <size_t N>
bool oneOf(const std::string &v, const char *const (&set)[N])
{
    for (const char *s : set)
        if (v == s)
            return true;
    return false;
}
} // namespace

Result<OsDef> OsDef::parse(const TopLevel &top, const ParseContext &)
{
    OsDef d;
    if (const xmlNode *n = top.first("bootloader"))
        d.bootloader = xml::text(n);
    if (const xmlNode *n = top.first("bootloader_args"))
        d.bootloaderArgs = xml::text(n);
    const xmlNode *os = top.first("os");
    if (!os)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "an os <type> must be specified");
    for (const xmlNode *c : xml::Children(os)) {
        if (xml::is(c, "type")) {
            d.type = xml::text(c);
            d.arch = xml::attr(c, "arch").value_or("");
            d.machine = xml::attr(c, "machine").value_or("");
        } else if (xml::is(c, "boot")) {
            std::string dev = xml::attr(c, "dev").value_or("");
            if (!oneOf(dev, kBootDevs))
                return Props(c).invalid("dev", dev, "");
            d.boot.push_back(dev);
        } else if (xml::is(c, "bootmenu")) {
            auto enable = Props(c).yesNo("enable");
            if (!enable)
                return std::move(enable).error();
            d.bootmenu = *enable;
        } else if (xml::is(c, "kernel")) {
            d.kernel = xml::text(c);
        } else if (xml::is(c, "initrd")) {
            d.initrd = xml::text(c);
        } else if (xml::is(c, "cmdline")) {
            d.cmdline = xml::text(c);
        } else if (xml::is(c, "dtb")) {
            d.dtb = xml::text(c);
        } else if (xml::is(c, "init")) {
            d.init = xml::text(c);
        } else {
            d.raw.push_back(xml::reformat(c, 2));
        }
    }
    if (d.type.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "an os <type> must be specified");
    if (!oneOf(d.type, kOsTypes))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown OS type '%s'", d.type.c_str());
    if (!d.arch.empty() && !oneOf(d.arch, kArches))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown architecture %s", d.arch.c_str());
    return d;
}

void OsDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!bootloader.empty())
        w.element("bootloader", bootloader);
    if (!bootloaderArgs.empty())
        w.element("bootloader_args", bootloaderArgs);
    w.start("os");
    w.start("type");
    if (!arch.empty())
        w.attr("arch", arch);
    if (!machine.empty())
        w.attr("machine", machine);
    w.text(type).end();
    if (!init.empty())
        w.element("init", init);
    for (const std::string &r : raw)
        w.raw(r);
    if (!kernel.empty())
        w.element("kernel", kernel);
    if (!initrd.empty())
        w.element("initrd", initrd);
    if (!cmdline.empty())
        w.element("cmdline", cmdline);
    if (!dtb.empty())
        w.element("dtb", dtb);
    for (const std::string &b : boot)
        w.start("boot").attr("dev", b).end();
    if (bootmenu)
        w.start("bootmenu").attr("enable", yesNo(*bootmenu)).end();
    w.end();
}

} // namespace vh::conf
