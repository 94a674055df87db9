#include "conf/domain/iommu.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<IommuDef> IommuDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    IommuDef d;
    auto model = Props(n).enumeration("model", kIommuModel, PROP_REQUIRED);
    if (!model)
        return std::move(model).error();
    d.model = **model;
    if (const xmlNode *driver = xml::child(n, "driver")) {
        Props p(driver);
        std::pair<std::optional<bool> *, const char *> fields[] = {
            {&d.intremap, "intremap"}, {&d.cachingMode, "caching_mode"}, {&d.eim, "eim"}, {&d.iotlb, "iotlb"}};
        for (auto [field, name] : fields) {
            auto v = p.onOff(name);
            if (!v)
                return std::move(v).error();
            *field = *v;
        }
        auto aw = p.uint("aw_bits");
        if (!aw)
            return std::move(aw).error();
        d.awBits = aw->value_or(0);
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void IommuDef::postParseAll(DomainDef &)
{
}

Result<void> IommuDef::postParseCheckAll(const DomainDef &def)
{
    if (def.devices.iommus.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only a single IOMMU device is supported");
    return {};
}

Result<void> IommuDef::validateAll(const DomainDef &def)
{
    VH_TRY(postParseCheckAll(def));
    const auto &iommus = def.devices.iommus;
    for (const IommuDef &i : iommus) {
        std::string model(kIommuModel.name(i.model));
        if (i.model != IommuModel::Intel && (i.intremap || i.cachingMode || i.eim || i.iotlb || i.awBits))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "iommu model '%s' doesn't support additional attributes",
                                 model.c_str());
        if (i.model != IommuModel::Virtio && !i.info.address.empty())
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "iommu model '%s' can't have address", model.c_str());
        if (i.intremap == true && def.features.ioapic != IoapicDriver::Qemu)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')");
        if (i.eim == true && i.intremap != true)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "IOMMU eim requires interrupt remapping to be enabled");
    }
    return {};
}

void IommuDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("iommu").attr("model", kIommuModel.name(model));
    if (intremap || cachingMode || eim || iotlb || awBits) {
        w.start("driver");
        if (intremap)
            w.attr("intremap", onOff(*intremap));
        if (cachingMode)
            w.attr("caching_mode", onOff(*cachingMode));
        if (eim)
            w.attr("eim", onOff(*eim));
        if (iotlb)
            w.attr("iotlb", onOff(*iotlb));
        if (awBits)
            w.attr("aw_bits", awBits);
        w.end();
    }
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
