#include "conf/domain/memballoon.h"

#include "conf/domain/domain_def.h"

#include <algorithm>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
enum class MemballoonModel { Virtio, Xen, None, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kMemballoonModel, MemballoonModel, "virtio", "xen", "none", "virtio-transitional",
              "virtio-non-transitional");
} // namespace

Result<MemballoonDef> MemballoonDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    MemballoonDef d;
    Props p(n);
    auto model = p.enumeration("model", kMemballoonModel, PROP_REQUIRED);
    if (!model)
        return std::move(model).error();
    d.model = kMemballoonModel.name(**model);
    auto autodeflate = p.onOff("autodeflate");
    if (!autodeflate)
        return std::move(autodeflate).error();
    d.autodeflate = *autodeflate;
    auto reporting = p.onOff("freePageReporting");
    if (!reporting)
        return std::move(reporting).error();
    d.freePageReporting = *reporting;
    if (const xmlNode *stats = xml::child(n, "stats")) {
        auto period = Props(stats).sint("period");
        if (!period)
            return std::move(period).error();
        d.statsPeriod = std::max(0, period->value_or(0));   // a negative period means none
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

void MemballoonDef::postParseAll(DomainDef &)
{
}

Result<void> MemballoonDef::postParseCheckAll(const DomainDef &def)
{
    if (def.devices.memballoons.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "only a single memory balloon device is supported");
    return {};
}

Result<void> MemballoonDef::validateAll(const DomainDef &def)
{
    return postParseCheckAll(def);
}

void MemballoonDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("memballoon").attr("model", model);
    if (autodeflate)
        w.attr("autodeflate", onOff(*autodeflate));
    if (freePageReporting)
        w.attr("freePageReporting", onOff(*freePageReporting));
    if (statsPeriod)
        w.start("stats").attr("period", statsPeriod).end();
    info.format(w, ctx, false, false);
    formatVirtioDriver(w, virtio);
    w.end();
}

} // namespace vh::conf
