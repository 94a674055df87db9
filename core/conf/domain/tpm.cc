#include "conf/domain/tpm.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<TpmDef> TpmDef::parse(const xmlNode *n, const ParseContext &)
{
    TpmDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void TpmDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void TpmDef::postParseAll(DomainDef &)
{
}

Result<void> TpmDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
