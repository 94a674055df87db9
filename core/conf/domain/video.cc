#include "conf/domain/video.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<VideoDef> VideoDef::parse(const xmlNode *n, const ParseContext &)
{
    VideoDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void VideoDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void VideoDef::postParseAll(DomainDef &)
{
}

Result<void> VideoDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
