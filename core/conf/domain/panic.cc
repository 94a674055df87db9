#include "conf/domain/panic.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<PanicDef> PanicDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    PanicDef d;
    if (auto model = xml::attr(n, "model")) {
        auto m = kPanicModel.parse(*model);
        if (!m)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown panic model '%s'", model->c_str());
        d.model = *m;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void PanicDef::postParseAll(DomainDef &)
{
}

Result<void> PanicDef::postParseCheckAll(const DomainDef &def)
{
    const auto &panics = def.devices.panics;
    for (size_t i = 0; i < panics.size(); i++)
        for (size_t j = 0; j < i; j++)
            if (panics[i].model == panics[j].model)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Multiple panic devices with model '%s'",
                                     std::string(kPanicModel.name(panics[i].model)).c_str());
    return {};
}

Result<void> PanicDef::validateAll(const DomainDef &def)
{
    return postParseCheckAll(def);
}

void PanicDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    xml::Writer children(w.depth() + 1);
    info.format(children, ctx, false, false);
    if (model == PanicModel::Default && children.str().empty())
        return;
    w.start("panic");
    if (model != PanicModel::Default)
        w.attr("model", kPanicModel.name(model));
    if (!children.str().empty())
        w.raw(children.str());
    w.end();
}

} // namespace vh::conf
