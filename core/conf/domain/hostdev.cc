#include "conf/domain/hostdev.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<HostdevDef> HostdevDef::parse(const xmlNode *n, const ParseContext &)
{
    HostdevDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void HostdevDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void HostdevDef::postParseAll(DomainDef &)
{
}

Result<void> HostdevDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
