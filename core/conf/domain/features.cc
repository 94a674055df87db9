#include "conf/domain/features.h"

namespace vh::conf {

Result<FeaturesDef> FeaturesDef::parse(const TopLevel &top, const ParseContext &)
{
    FeaturesDef d;
    for (const xmlNode *n : top.all("features"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void FeaturesDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
