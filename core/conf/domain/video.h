// <video>: a video adapter (libvirt's virDomainVideoDef): model and memory sizes, heads,
// whether it is the primary one, acceleration and resolution, the driver (backend, VGA
// configuration, virtio options) and the address. Post-parse fills libvirt's defaults: the
// model by OS type and architecture, the memory sizes by model, the primary first; and adds a
// video device to a guest with graphics and none.
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class VideoModel { Default, Vga, Cirrus, Vmvga, Xen, Vbox, Qxl, Parallels, Virtio, Gop, None, Bochs, Ramfb, Last };
VH_ENUM_TABLE(kVideoModel, VideoModel, "default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio",
              "gop", "none", "bochs", "ramfb");

enum class VideoBackend { Default, Qemu, Vhostuser, Last };
VH_ENUM_TABLE(kVideoBackend, VideoBackend, "default", "qemu", "vhostuser");

enum class VideoVgaConf { Io, On, Off, Last };
VH_ENUM_TABLE(kVideoVgaConf, VideoVgaConf, "io", "on", "off");

struct VideoDef {
    VideoModel model = VideoModel::Default;
    unsigned int ram = 0, vram = 0, vram64 = 0, vgamem = 0;   // KiB; 0: unset
    unsigned int heads = 0;
    bool primary = false;
    // <acceleration>
    bool hasAccel = false;
    std::optional<bool> accel3d, accel2d;
    std::optional<std::string> rendernode;
    // <resolution>
    bool hasResolution = false;
    unsigned int resX = 0, resY = 0;
    // <driver>
    VideoBackend backend = VideoBackend::Default;
    VideoVgaConf vgaconf = VideoVgaConf::Io;
    VirtioOptions virtio;
    DeviceInfo info;

    static Result<VideoDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);

    // libvirt's model for a video device written without one (virtType, OS type, arch).
    static VideoModel defaultModel(const DomainDef &def);
    // libvirt's default video memory of a model, in KiB (0: none).
    static unsigned int defaultRAM(const DomainDef &def, VideoModel model);
};

} // namespace vh::conf
