#include "conf/domain/redirfilter.h"

#include "conf/domain/domain_def.h"

#include <cerrno>
#include <cstdlib>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

// "2.10" -> 0x0210; a one-digit minor counts in tenths ("2.1" is "2.10").
Result<int> usbVersion(const std::string &v)
{
    auto bad = [&] { return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Cannot parse USB device version %s", v.c_str()); };
    const char *p = v.c_str();
    while (isspace(static_cast<unsigned char>(*p)))
        p++;
    if (*p == '-')
        return bad();
    char *end = nullptr;
    errno = 0;
    unsigned long major = strtoul(p, &end, 10);
    if (errno || end == p || *end != '.')
        return bad();
    const char *m = end + 1;
    const char *q = m;
    while (isspace(static_cast<unsigned char>(*q)))
        q++;
    if (*q == '-')
        return bad();
    unsigned long minor = strtoul(m, &end, 10);
    if (errno || end == m || *end)
        return bad();
    if (major >= 100 || minor >= 100)
        return bad();
    if (end - q == 1)
        minor *= 10;
    return static_cast<int>((major / 10) << 12 | (major % 10) << 8 | (minor / 10) << 4 | (minor % 10));
}

} // namespace

Result<RedirfilterDef> RedirfilterDef::parse(const xmlNode *n, const ParseContext &)
{
    RedirfilterDef d;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "usbdev"))
            continue;
        RedirFilterUsbDev u;
        auto cls = propInt(c, "class", 0);
        if (!cls)
            return std::move(cls).error();
        u.usbClass = cls->value_or(-1);
        if (u.usbClass != -1 && (u.usbClass & ~0xff))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Invalid USB Class code 0x%x",
                                 static_cast<unsigned>(u.usbClass));
        auto vendor = propInt(c, "vendor", 0);
        if (!vendor)
            return std::move(vendor).error();
        u.vendor = vendor->value_or(-1);
        auto product = propInt(c, "product", 0);
        if (!product)
            return std::move(product).error();
        u.product = product->value_or(-1);
        if (auto version = xml::attr(c, "version"); version && *version != "-1") {
            auto v = usbVersion(*version);
            if (!v)
                return std::move(v).error();
            u.version = *v;
        }
        auto allow = Props(c).yesNo("allow", PROP_REQUIRED);
        if (!allow)
            return std::move(allow).error();
        u.allow = **allow;
        d.usbdevs.push_back(u);
    }
    return d;
}

void RedirfilterDef::postParseAll(DomainDef &)
{
}

Result<void> RedirfilterDef::validateAll(const DomainDef &def)
{
    if (def.devices.redirfilters.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "only one set of redirection filter rule is supported");
    return {};
}

void RedirfilterDef::format(xml::Writer &w, const FormatContext &) const
{
    if (usbdevs.empty())
        return;
    w.start("redirfilter").open();
    for (const RedirFilterUsbDev &u : usbdevs) {
        w.start("usbdev");
        if (u.usbClass >= 0)
            w.attr("class", strprintf("0x%02X", static_cast<unsigned>(u.usbClass)));
        if (u.vendor >= 0)
            w.attr("vendor", strprintf("0x%04X", static_cast<unsigned>(u.vendor)));
        if (u.product >= 0)
            w.attr("product", strprintf("0x%04X", static_cast<unsigned>(u.product)));
        if (u.version >= 0)
            w.attr("version", strprintf("%x.%02x", static_cast<unsigned>(u.version) >> 8, static_cast<unsigned>(u.version) & 0xff));
        w.attr("allow", yesNo(u.allow));
        w.end();
    }
    w.end();
}

} // namespace vh::conf
