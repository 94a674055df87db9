#include "conf/domain/watchdog.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<WatchdogDef> WatchdogDef::parse(const xmlNode *n, const ParseContext &)
{
    WatchdogDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void WatchdogDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void WatchdogDef::postParseAll(DomainDef &)
{
}

Result<void> WatchdogDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
