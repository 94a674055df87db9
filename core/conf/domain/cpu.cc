#include "conf/domain/cpu.h"

namespace vh::conf {

Result<CpuDef> CpuDef::parse(const TopLevel &top, const ParseContext &)
{
    CpuDef d;
    for (const xmlNode *n : top.all("cpu"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void CpuDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
