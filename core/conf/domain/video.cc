#include "conf/domain/video.h"

#include "conf/domain/domain_def.h"

#include <algorithm>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

// libvirt rounds video memory sizes up to a power of two (0 when that overflows 32 bits).
unsigned int roundUpPowerOfTwo(unsigned int v)
{
    if (v == 0)
        return 0;
    unsigned long long p = 1;
    while (p < v)
        p <<= 1;
    return p > 0xffffffffull ? 0 : static_cast<unsigned int>(p);
}

// A decimal memory size ("cannot parse video vram 'x'").
Result<unsigned int> memorySize(const xmlNode *model, const char *name)
{
    auto raw = xml::attr(model, name);
    if (!raw)
        return 0u;
    auto v = parseULL(*raw, 10);
    if (!v || *v > 0xffffffffull)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "cannot parse video %s '%s'", name, raw->c_str());
    return static_cast<unsigned int>(*v);
}

// A device that is not virtio takes none of the virtio driver options.
Result<void> virtioOptionsAbsent(const VirtioOptions &o)
{
    auto refuse = [](const char *msg) { return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, msg); };
    if (o.iommu)
        return refuse("iommu driver option is only supported for virtio devices");
    if (o.ats)
        return refuse("ats driver option is only supported for virtio devices");
    if (o.packed)
        return refuse("packed driver option is only supported for virtio devices");
    if (o.pagePerVq)
        return refuse("page_per_vq option is only supported for virtio devices");
    return {};
}

bool isPPC64(const std::string &arch)
{
    return arch == "ppc64" || arch == "ppc64le";
}

} // namespace

Result<VideoDef> VideoDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    VideoDef d;
    d.heads = 1;
    if (const xmlNode *m = xml::child(n, "model")) {
        auto type = xml::attr(m, "type");
        if (type && !type->empty()) {
            auto t = kVideoModel.parse(*type);
            if (!t)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown video model '%s'", type->c_str());
            d.model = *t;
        }
        for (auto [field, name] : {std::pair{&d.ram, "ram"}, {&d.vram, "vram"}, {&d.vram64, "vram64"}, {&d.vgamem, "vgamem"}}) {
            auto v = memorySize(m, name);
            if (!v)
                return std::move(v).error();
            *field = *v;
        }
        if (auto heads = xml::attr(m, "heads")) {
            auto v = parseULL(*heads, 10);
            if (!v || *v > 0xffffffffull)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "cannot parse video heads '%s'", heads->c_str());
            d.heads = static_cast<unsigned int>(*v);
        }
        d.primary = xml::attr(m, "primary") == std::optional<std::string>("yes");
        if (const xmlNode *a = xml::child(m, "acceleration")) {
            Props p(a);
            auto accel3d = p.yesNo("accel3d");
            if (!accel3d)
                return std::move(accel3d).error();
            auto accel2d = p.yesNo("accel2d");
            if (!accel2d)
                return std::move(accel2d).error();
            auto rendernode = p.str("rendernode");
            if (!*accel3d && !*accel2d && !rendernode)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "missing values for acceleration");
            d.hasAccel = true;
            d.accel3d = *accel3d;
            d.accel2d = *accel2d;
            d.rendernode = rendernode;
        }
        if (const xmlNode *r = xml::child(m, "resolution")) {
            Props p(r);
            auto x = p.uint("x", PROP_REQUIRED);
            if (!x)
                return std::move(x).error();
            auto y = p.uint("y", PROP_REQUIRED);
            if (!y)
                return std::move(y).error();
            d.hasResolution = true;
            d.resX = **x;
            d.resY = **y;
        }
    }
    d.ram = roundUpPowerOfTwo(d.ram);
    d.vram = roundUpPowerOfTwo(d.vram);

    if (const xmlNode *drv = xml::child(n, "driver")) {
        auto virtio = VirtioOptions::parse(drv);
        if (!virtio)
            return std::move(virtio).error();
        d.virtio = *virtio;
        auto backend = Props(drv).enumeration("name", kVideoBackend, PROP_NONE_INVALID);
        if (!backend)
            return std::move(backend).error();
        d.backend = backend->value_or(VideoBackend::Default);
        // an unknown VGA configuration is ignored, as libvirt does
        if (auto vgaconf = xml::attr(drv, "vgaconf"))
            d.vgaconf = kVideoVgaConf.parse(*vgaconf).value_or(VideoVgaConf::Io);
    }

    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

VideoModel VideoDef::defaultModel(const DomainDef &def)
{
    const std::string &virt = def.virtType;
    if (virt == "vbox")
        return VideoModel::Vbox;
    if (virt == "vmware")
        return VideoModel::Vmvga;
    if (virt == "vz" || virt == "parallels")
        return def.os.type == "hvm" ? VideoModel::Vga : VideoModel::Parallels;
    if (virt == "bhyve")
        return VideoModel::Gop;
    if (virt == "phyp" || virt == "hyperv")
        return VideoModel::Vga;
    if (def.os.type == "xen" || def.os.type == "linux" || def.os.type == "xenpvh")
        return VideoModel::Xen;
    if (isPPC64(def.os.arch))
        return VideoModel::Vga;
    return VideoModel::Cirrus;
}

unsigned int VideoDef::defaultRAM(const DomainDef &def, VideoModel model)
{
    switch (model) {
    case VideoModel::Vga:
    case VideoModel::Cirrus:
    case VideoModel::Vmvga:
        if (def.virtType == "vbox")
            return 8 * 1024;
        if (def.virtType == "vmware")
            return 4 * 1024;
        return 16 * 1024;
    case VideoModel::Bochs:
        return 16 * 1024;
    case VideoModel::Xen:
        return 4 * 1024;      // the original Xen framebuffer's fixed size
    case VideoModel::Qxl:
        return 64 * 1024;
    default:
        return 0;
    }
}

void VideoDef::postParseAll(DomainDef &def)
{
    auto &videos = def.devices.videos;
    // a guest with graphics and no video device gets the default one
    if (videos.empty() && !def.devices.graphics.empty()) {
        VideoDef v;
        v.heads = 1;
        videos.push_back(std::move(v));
    }
    // the primary device comes first; without one, the first is
    for (size_t i = 0; i < videos.size(); i++) {
        if (videos[i].primary) {
            if (i)
                std::rotate(videos.begin(), videos.begin() + static_cast<long>(i), videos.begin() + static_cast<long>(i) + 1);
            break;
        }
    }
    if (!videos.empty())
        videos[0].primary = true;
    for (VideoDef &v : videos) {
        if (v.model == VideoModel::Default)
            v.model = defaultModel(def);
        if (v.model == VideoModel::None) {
            // nothing but the model (and the alias) means anything for 'none'
            VideoDef none;
            none.model = VideoModel::None;
            none.info.alias = std::move(v.info.alias);
            v = std::move(none);
            continue;
        }
        if (!v.vram)
            v.vram = defaultRAM(def, v.model);
        if (v.model == VideoModel::Qxl && !v.ram)
            v.ram = defaultRAM(def, v.model);
    }
}

Result<void> VideoDef::validateAll(const DomainDef &def)
{
    const auto &videos = def.devices.videos;
    size_t primaries = 0;
    for (const VideoDef &v : videos)
        primaries += v.primary && v.model != VideoModel::None;
    if (primaries > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Only one primary video device is supported");
    for (const VideoDef &v : videos) {
        auto unsupported = [](const char *msg) { return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, msg); };
        if (videos.size() > 1)
            for (const VideoDef &o : videos)
                if (o.model == VideoModel::None)
                    return unsupported("a 'none' video type must be the only video device defined for the domain");
        if (v.model != VideoModel::Virtio)
            VH_TRY(virtioOptionsAbsent(v.virtio));
        if (v.hasAccel && v.rendernode && v.backend != VideoBackend::Vhostuser)
            return unsupported("unsupported rendernode accel attribute without 'vhostuser'");
        if (v.model != VideoModel::Qxl) {
            if (v.ram)
                return unsupported("ram attribute only supported for video type qxl");
            if (v.vram64)
                return unsupported("vram64 attribute only supported for video type qxl");
            if (v.vgamem)
                return unsupported("vgamem attribute only supported for video type qxl");
        }
        if (v.hasResolution && (!v.resX || !v.resY))
            return unsupported("video resolution values must be greater than 0");
        if (v.backend == VideoBackend::Vhostuser && v.model != VideoModel::Virtio)
            return unsupported("'vhostuser' driver is only supported with 'virtio' device");
    }
    return {};
}

void VideoDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("video");
    if (!virtio.empty() || backend != VideoBackend::Default || vgaconf != VideoVgaConf::Io) {
        w.start("driver");
        virtio.formatAttrs(w);
        if (vgaconf != VideoVgaConf::Io)
            w.attr("vgaconf", kVideoVgaConf.name(vgaconf));
        if (backend != VideoBackend::Default)
            w.attr("name", kVideoBackend.name(backend));
        w.end();
    }
    w.start("model").attr("type", kVideoModel.name(model));
    if (model != VideoModel::None) {
        if (ram)
            w.attr("ram", ram);
        if (vram)
            w.attr("vram", vram);
        if (vram64)
            w.attr("vram64", vram64);
        if (vgamem)
            w.attr("vgamem", vgamem);
        if (heads)
            w.attr("heads", heads);
        if (primary)
            w.attr("primary", "yes");
        if (hasAccel) {
            w.start("acceleration");
            if (accel3d)
                w.attr("accel3d", yesNo(*accel3d));
            if (accel2d)
                w.attr("accel2d", yesNo(*accel2d));
            if (rendernode)
                w.attr("rendernode", *rendernode);
            w.end();
        }
        if (hasResolution)
            w.start("resolution").attr("x", resX).attr("y", resY).end();
    }
    w.end();
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
