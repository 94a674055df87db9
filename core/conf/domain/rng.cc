#include "conf/domain/rng.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<RngDef> RngDef::parse(const xmlNode *n, const ParseContext &)
{
    RngDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void RngDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void RngDef::postParseAll(DomainDef &)
{
}

Result<void> RngDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
