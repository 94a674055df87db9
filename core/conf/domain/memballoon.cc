#include "conf/domain/memballoon.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<MemballoonDef> MemballoonDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    MemballoonDef d;
    auto model = xml::attr(n, "model");
    if (!model)
        return Error::make(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Missing required attribute 'model' in element 'memballoon'");
    if (*model != "virtio" && *model != "xen" && *model != "none" && *model != "virtio-transitional" &&
        *model != "virtio-non-transitional")
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute 'model' in element 'memballoon': '%s'.",
                             model->c_str());
    d.model = *model;
    d.autodeflate = xml::attr(n, "autodeflate").value_or("");
    auto info = DeviceInfo::parse(n, ctx);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void MemballoonDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("memballoon").attr("model", model);
    if (!autodeflate.empty())
        w.attr("autodeflate", autodeflate);
    info.format(w, ctx);
    w.end();
}

void MemballoonDef::postParseAll(DomainDef &)
{
}

Result<void> MemballoonDef::validateAll(const DomainDef &)
{
    return {};
}

} // namespace vh::conf
