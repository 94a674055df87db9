#include "conf/domain/idmap.h"

namespace vh::conf {

Result<IdmapDef> IdmapDef::parse(const TopLevel &top, const ParseContext &)
{
    IdmapDef d;
    for (const xmlNode *n : top.all("idmap"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void IdmapDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
