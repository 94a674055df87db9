#include "conf/domain/crypto.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<CryptoDef> CryptoDef::parse(const xmlNode *n, const ParseContext &)
{
    CryptoDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void CryptoDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void CryptoDef::postParseAll(DomainDef &)
{
}

Result<void> CryptoDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
