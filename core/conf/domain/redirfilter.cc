#include "conf/domain/redirfilter.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<RedirfilterDef> RedirfilterDef::parse(const xmlNode *n, const ParseContext &)
{
    RedirfilterDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void RedirfilterDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void RedirfilterDef::postParseAll(DomainDef &)
{
}

Result<void> RedirfilterDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
