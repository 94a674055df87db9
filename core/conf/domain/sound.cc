#include "conf/domain/sound.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<SoundDef> SoundDef::parse(const xmlNode *n, const ParseContext &)
{
    SoundDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void SoundDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void SoundDef::postParseAll(DomainDef &)
{
}

Result<void> SoundDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
