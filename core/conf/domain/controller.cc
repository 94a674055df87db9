#include "conf/domain/controller.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<ControllerDef> ControllerDef::parse(const xmlNode *n, const ParseContext &)
{
    ControllerDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void ControllerDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void ControllerDef::postParseAll(DomainDef &)
{
}

Result<void> ControllerDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
