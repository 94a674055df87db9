#include "conf/domain/vsock.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<VsockDef> VsockDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    VsockDef d;
    auto model = Props(n).enumeration("model", kVsockModel);
    if (!model)
        return std::move(model).error();
    d.model = model->value_or(VsockModel::Default);
    if (const xmlNode *cid = xml::child(n, "cid")) {
        Props p(cid);
        auto address = p.uint("address", PROP_NONZERO);
        if (!address)
            return std::move(address).error();
        d.cid = address->value_or(0);
        auto autoCid = p.yesNo("auto");
        if (!autoCid)
            return std::move(autoCid).error();
        d.autoCid = *autoCid;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    auto virtio = VirtioOptions::parse(xml::child(n, "driver"));
    if (!virtio)
        return std::move(virtio).error();
    d.virtio = std::move(*virtio);
    return d;
}

void VsockDef::postParseAll(DomainDef &def)
{
    for (VsockDef &v : def.devices.vsocks)
        if (!v.autoCid)
            v.autoCid = v.cid == 0;
}

Result<void> VsockDef::postParseCheckAll(const DomainDef &def)
{
    if (def.devices.vsocks.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only a single vsock device is supported");
    return {};
}

Result<void> VsockDef::validateAll(const DomainDef &def)
{
    VH_TRY(postParseCheckAll(def));
    const auto &vsocks = def.devices.vsocks;
    for (const VsockDef &v : vsocks) {
        if (v.cid != 0 && v.cid < 3)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "guest CIDs must be >= 3");
        if (v.model == VsockModel::Default)
            VH_TRY(checkVirtioAbsent(v.virtio));
    }
    return {};
}

void VsockDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("vsock");
    if (model != VsockModel::Default)
        w.attr("model", kVsockModel.name(model));
    w.start("cid");
    if (autoCid)
        w.attr("auto", yesNo(*autoCid));
    if (cid)
        w.attr("address", cid);
    w.end();
    formatVirtioDriver(w, virtio);
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
