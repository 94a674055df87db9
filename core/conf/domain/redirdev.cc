#include "conf/domain/redirdev.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<RedirdevDef> RedirdevDef::parse(const xmlNode *n, const ParseContext &)
{
    RedirdevDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void RedirdevDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void RedirdevDef::postParseAll(DomainDef &)
{
}

Result<void> RedirdevDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
