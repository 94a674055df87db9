#include "conf/domain/shmem.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<ShmemDef> ShmemDef::parse(const xmlNode *n, const ParseContext &)
{
    ShmemDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void ShmemDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void ShmemDef::postParseAll(DomainDef &)
{
}

Result<void> ShmemDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
