#include "conf/domain/lease.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<LeaseDef> LeaseDef::parse(const xmlNode *n, const ParseContext &)
{
    LeaseDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void LeaseDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void LeaseDef::postParseAll(DomainDef &)
{
}

Result<void> LeaseDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
