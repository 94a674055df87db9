#include "conf/domain/smartcard.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<SmartcardDef> SmartcardDef::parse(const xmlNode *n, const ParseContext &)
{
    SmartcardDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void SmartcardDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void SmartcardDef::postParseAll(DomainDef &)
{
}

Result<void> SmartcardDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
