#include "conf/domain/iommu.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<IommuDef> IommuDef::parse(const xmlNode *n, const ParseContext &)
{
    IommuDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void IommuDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void IommuDef::postParseAll(DomainDef &)
{
}

Result<void> IommuDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
