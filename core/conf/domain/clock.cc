#include "conf/domain/clock.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<ClockDef> ClockDef::parse(const TopLevel &top, const ParseContext &)
{
    ClockDef d;
    const xmlNode *n = top.first("clock");
    if (!n)
        return d;
    d.offset = xml::attr(n, "offset").value_or("utc");
    static const char *const offsets[] = {"utc", "localtime", "variable", "timezone", "absolute"};
    bool known = false;
    for (const char *o : offsets)
        known |= d.offset == o;
    if (!known)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown clock offset '%s'", d.offset.c_str());
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        std::string name = reinterpret_cast<const char *>(a->name);
        if (name != "offset")
            d.attrs.emplace_back(name, xml::attr(n, name.c_str()).value_or(""));
    }
    for (const xmlNode *c : xml::Children(n))
        d.raw.push_back(xml::reformat(c, 2));
    return d;
}

void ClockDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("clock").attr("offset", offset);
    for (const auto &[k, v] : attrs)
        w.attr(k, v);
    for (const std::string &r : raw)
        w.raw(r);
    w.end();
}

} // namespace vh::conf
