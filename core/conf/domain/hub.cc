#include "conf/domain/hub.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<HubDef> HubDef::parse(const xmlNode *n, const ParseContext &)
{
    HubDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void HubDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void HubDef::postParseAll(DomainDef &)
{
}

Result<void> HubDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
