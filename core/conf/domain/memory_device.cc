#include "conf/domain/memory_device.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<MemoryDeviceDef> MemoryDeviceDef::parse(const xmlNode *n, const ParseContext &)
{
    MemoryDeviceDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void MemoryDeviceDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void MemoryDeviceDef::postParseAll(DomainDef &)
{
}

Result<void> MemoryDeviceDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
