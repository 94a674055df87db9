#include "conf/domain/filesystem.h"

#include "conf/domain/domain_def.h"

namespace vh::conf {

Result<FilesystemDef> FilesystemDef::parse(const xmlNode *n, const ParseContext &)
{
    FilesystemDef d;
    d.raw = xml::reformat(n, 2);
    return d;
}

void FilesystemDef::format(xml::Writer &w, const FormatContext &) const
{
    w.raw(raw);
}

void FilesystemDef::postParseAll(DomainDef &)
{
}

Result<void> FilesystemDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
