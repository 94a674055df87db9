#include "conf/domain/vsock.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<VsockDef> VsockDef::parse(const xmlNode *n, const ParseContext &)
{
    VsockDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void VsockDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void VsockDef::postParseAll(DomainDef &)
{
}

Result<void> VsockDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
