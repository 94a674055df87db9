#include "conf/domain/input.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<InputDef> InputDef::parse(const xmlNode *n, const ParseContext &)
{
    InputDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void InputDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void InputDef::postParseAll(DomainDef &)
{
}

Result<void> InputDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
