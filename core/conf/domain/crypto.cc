#include "conf/domain/crypto.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<CryptoDef> CryptoDef::parse(const xmlNode *, const ParseContext &)
{
    return CryptoDef{};
}

void CryptoDef::format(xml::Writer &, const FormatContext &) const
{
}

void CryptoDef::postParseAll(DomainDef &)
{
}

Result<void> CryptoDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
