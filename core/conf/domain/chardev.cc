#include "conf/domain/chardev.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<ChardevDef> ChardevDef::parse(const xmlNode *n, const ParseContext &)
{
    ChardevDef d;
    d.element = reinterpret_cast<const char *>(n->name);
    d.raw = xml::reformat(n, 2);
    return d;
}

void ChardevDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void ChardevDef::postParseAll(DomainDef &)
{
}

Result<void> ChardevDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
