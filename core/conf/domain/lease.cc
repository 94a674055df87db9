#include "conf/domain/lease.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<LeaseDef> LeaseDef::parse(const xmlNode *n, const ParseContext &)
{
    LeaseDef d;
    auto key = xml::childText(n, "key");
    if (!key || key->empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing 'key' element for lease");
    d.key = *key;
    auto lockspace = xml::childText(n, "lockspace");
    if (!lockspace || lockspace->empty())   // libvirt fails here without saying why
        return Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown");
    d.lockspace = *lockspace;
    const xmlNode *target = xml::child(n, "target");
    if (!target)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing 'target' element for lease");
    auto path = xml::attr(target, "path");
    if (!path)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing 'path' attribute to 'target' element for lease");
    d.path = *path;
    auto offset = propULL(target, "offset", 10);
    if (!offset)
        return std::move(offset).error();
    d.offset = offset->value_or(0);
    return d;
}

void LeaseDef::postParseAll(DomainDef &)
{
}

Result<void> LeaseDef::validateAll(const DomainDef &)
{
    return {};
}

void LeaseDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("lease").open();
    w.element("lockspace", lockspace);
    w.element("key", key);
    w.start("target").attr("path", path);
    if (offset)
        w.attr("offset", offset);
    w.end();
    w.end();
}

} // namespace vh::conf
