#include "conf/domain/graphics.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<GraphicsDef> GraphicsDef::parse(const xmlNode *n, const ParseContext &)
{
    GraphicsDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void GraphicsDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void GraphicsDef::postParseAll(DomainDef &)
{
}

Result<void> GraphicsDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
