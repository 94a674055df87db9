#include "conf/domain/rng.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

// An unsigned number as libvirt's XPath helper reads it (virXPathUInt): 0 and the value, -1
// when absent or empty, -2 when it is not a non-negative number.
int xpathUInt(const std::optional<std::string> &v, unsigned int &out)
{
    if (!v || v->empty())
        return -1;
    auto x = num::uint(*v);
    if (!x)
        return -2;
    out = *x;
    return 0;
}

} // namespace

Result<RngDef> RngDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    RngDef d;
    auto model = xml::attr(n, "model");
    if (!model)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing RNG device model");
    auto m = kRngModel.parse(*model);
    if (!m)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown RNG model '%s'", model->c_str());
    d.model = *m;

    const xmlNode *backend = nullptr;
    size_t nbackends = 0;
    bool seenRate = false;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "rate") && !seenRate) {
            seenRate = true;
            if (xpathUInt(xml::attr(c, "bytes"), d.rateBytes) == -2)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid RNG rate bytes value");
            if (d.rateBytes && xpathUInt(xml::attr(c, "period"), d.ratePeriod) == -2)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid RNG rate period value");
        } else if (xml::is(c, "backend")) {
            backend = backend ? backend : c;
            nbackends++;
        }
    }
    if (nbackends != 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one RNG backend is supported");
    auto bmodel = xml::attr(backend, "model");
    if (!bmodel)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing RNG device backend model");
    auto b = kRngBackend.parse(*bmodel);
    if (!b)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown RNG backend model '%s'", bmodel->c_str());
    d.backend = *b;
    switch (d.backend) {
    case RngBackend::Random:
        d.file = xml::text(backend);
        break;
    case RngBackend::Egd: {
        auto type = xml::attr(backend, "type");
        if (!type)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing EGD backend type");
        auto t = kChrType.parse(*type);
        if (!t)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown backend type '%s' for egd", type->c_str());
        auto src = ChardevSource::parse(*t, backend, ctx, false);
        if (!src)
            return std::move(src).error();
        d.egd = std::move(*src);
        break;
    }
    default:
        break;
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

void RngDef::postParseAll(DomainDef &def)
{
    for (RngDef &r : def.devices.rngs)
        if (r.backend == RngBackend::Random && r.file.empty())
            r.file = "/dev/random";
}

Result<void> RngDef::validateAll(const DomainDef &def)
{
    for (const RngDef &r : def.devices.rngs)
        if (r.backend == RngBackend::Egd)
            VH_TRY(r.egd.validate());
    return {};
}

void RngDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("rng").attr("model", kRngModel.name(model));
    if (rateBytes) {
        w.start("rate").attr("bytes", rateBytes);
        if (ratePeriod)
            w.attr("period", ratePeriod);
        w.end();
    }
    w.start("backend").attr("model", kRngBackend.name(backend));
    switch (backend) {
    case RngBackend::Random:
        w.text(file);
        break;
    case RngBackend::Egd:
        w.attr("type", kChrType.name(egd.type)).open();
        egd.format(w, ctx);
        break;
    default:
        break;
    }
    w.end();
    formatVirtioDriver(w, virtio);
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
