#include "conf/domain/sysinfo.h"

namespace vh::conf {

Result<SysinfoDef> SysinfoDef::parse(const TopLevel &top, const ParseContext &)
{
    SysinfoDef d;
    for (const xmlNode *n : top.all("sysinfo"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void SysinfoDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
