#include "conf/domain/panic.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<PanicDef> PanicDef::parse(const xmlNode *n, const ParseContext &)
{
    PanicDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void PanicDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void PanicDef::postParseAll(DomainDef &)
{
}

Result<void> PanicDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
