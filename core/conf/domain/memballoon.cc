#include "conf/domain/memballoon.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<MemballoonDef> MemballoonDef::parse(const xmlNode *n)
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
    auto addr = DeviceAddress::parse(n);
    if (!addr)
        return std::move(addr).error();
    d.address = std::move(*addr);
    return d;
}

void MemballoonDef::format(xml::Writer &w) const
{
    w.start("memballoon").attr("model", model);
    if (!autodeflate.empty())
        w.attr("autodeflate", autodeflate);
    address.format(w);
    w.end();
}

} // namespace vh::conf
