#include "conf/domain/audio.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<AudioDef> AudioDef::parse(const xmlNode *n, const ParseContext &)
{
    AudioDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void AudioDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void AudioDef::postParseAll(DomainDef &)
{
}

Result<void> AudioDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
