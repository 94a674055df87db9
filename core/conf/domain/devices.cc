#include "conf/domain/devices.h"

#include "conf/domain/domain_def.h"

#include <cstring>

namespace vh::conf {

namespace {

template <class T>
Result<void> add(std::vector<T> &to, const xmlNode *n, const ParseContext &ctx)
{
    auto d = T::parse(n, ctx);
    if (!d)
        return std::move(d).error();
    to.push_back(std::move(*d));
    return {};
}

} // namespace

Result<DevicesDef> DevicesDef::parse(const xmlNode *devices, const ParseContext &ctx)
{
    DevicesDef d;
    if (!devices)
        return d;
    for (const xmlNode *c : xml::Children(devices)) {
        const char *name = reinterpret_cast<const char *>(c->name);
        if (!strcmp(name, "emulator"))
            d.emulator = xml::text(c);
        else if (!strcmp(name, "disk"))
            VH_TRY(add(d.disks, c, ctx));
        else if (!strcmp(name, "controller"))
            VH_TRY(add(d.controllers, c, ctx));
        else if (!strcmp(name, "lease"))
            VH_TRY(add(d.leases, c, ctx));
        else if (!strcmp(name, "filesystem"))
            VH_TRY(add(d.filesystems, c, ctx));
        else if (!strcmp(name, "interface"))
            VH_TRY(add(d.interfaces, c, ctx));
        else if (!strcmp(name, "smartcard"))
            VH_TRY(add(d.smartcards, c, ctx));
        else if (!strcmp(name, "serial"))
            VH_TRY(add(d.serials, c, ctx));
        else if (!strcmp(name, "parallel"))
            VH_TRY(add(d.parallels, c, ctx));
        else if (!strcmp(name, "console"))
            VH_TRY(add(d.consoles, c, ctx));
        else if (!strcmp(name, "channel"))
            VH_TRY(add(d.channels, c, ctx));
        else if (!strcmp(name, "input"))
            VH_TRY(add(d.inputs, c, ctx));
        else if (!strcmp(name, "tpm"))
            VH_TRY(add(d.tpms, c, ctx));
        else if (!strcmp(name, "graphics"))
            VH_TRY(add(d.graphics, c, ctx));
        else if (!strcmp(name, "sound"))
            VH_TRY(add(d.sounds, c, ctx));
        else if (!strcmp(name, "audio"))
            VH_TRY(add(d.audios, c, ctx));
        else if (!strcmp(name, "video"))
            VH_TRY(add(d.videos, c, ctx));
        else if (!strcmp(name, "hostdev"))
            VH_TRY(add(d.hostdevs, c, ctx));
        else if (!strcmp(name, "redirdev"))
            VH_TRY(add(d.redirdevs, c, ctx));
        else if (!strcmp(name, "redirfilter"))
            VH_TRY(add(d.redirfilters, c, ctx));
        else if (!strcmp(name, "hub"))
            VH_TRY(add(d.hubs, c, ctx));
        else if (!strcmp(name, "watchdog"))
            VH_TRY(add(d.watchdogs, c, ctx));
        else if (!strcmp(name, "memballoon"))
            VH_TRY(add(d.memballoons, c, ctx));
        else if (!strcmp(name, "rng"))
            VH_TRY(add(d.rngs, c, ctx));
        else if (!strcmp(name, "panic"))
            VH_TRY(add(d.panics, c, ctx));
        else if (!strcmp(name, "shmem"))
            VH_TRY(add(d.shmems, c, ctx));
        else if (!strcmp(name, "memory"))
            VH_TRY(add(d.memories, c, ctx));
        else if (!strcmp(name, "iommu"))
            VH_TRY(add(d.iommus, c, ctx));
        else if (!strcmp(name, "vsock"))
            VH_TRY(add(d.vsocks, c, ctx));
        else if (!strcmp(name, "crypto"))
            VH_TRY(add(d.cryptos, c, ctx));
    }
    return d;
}

void DevicesDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("devices").open();
    if (!emulator.empty())
        w.element("emulator", emulator);
    for (const auto &d : disks)
        d.format(w, ctx);
    for (const auto &d : controllers)
        d.format(w, ctx);
    for (const auto &d : leases)
        d.format(w, ctx);
    for (const auto &d : filesystems)
        d.format(w, ctx);
    for (const auto &d : interfaces)
        d.format(w, ctx);
    for (const auto &d : smartcards)
        d.format(w, ctx);
    for (const auto &d : serials)
        d.format(w, ctx);
    for (const auto &d : parallels)
        d.format(w, ctx);
    for (const auto &d : consoles)
        d.format(w, ctx);
    for (const auto &d : channels)
        d.format(w, ctx);
    for (const auto &d : inputs)
        d.format(w, ctx);
    for (const auto &d : tpms)
        d.format(w, ctx);
    for (const auto &d : graphics)
        d.format(w, ctx);
    for (const auto &d : sounds)
        d.format(w, ctx);
    for (const auto &d : audios)
        d.format(w, ctx);
    for (const auto &d : videos)
        d.format(w, ctx);
    for (const auto &d : hostdevs)
        d.format(w, ctx);
    for (const auto &d : redirdevs)
        d.format(w, ctx);
    for (const auto &d : redirfilters)
        d.format(w, ctx);
    for (const auto &d : hubs)
        d.format(w, ctx);
    for (const auto &d : watchdogs)
        d.format(w, ctx);
    for (const auto &d : memballoons)
        d.format(w, ctx);
    for (const auto &d : rngs)
        d.format(w, ctx);
    for (const auto &d : panics)
        d.format(w, ctx);
    for (const auto &d : shmems)
        d.format(w, ctx);
    for (const auto &d : memories)
        d.format(w, ctx);
    for (const auto &d : iommus)
        d.format(w, ctx);
    for (const auto &d : vsocks)
        d.format(w, ctx);
    for (const auto &d : cryptos)
        d.format(w, ctx);
    w.end();
}

void DevicesDef::postParse(DomainDef &def)
{
    DiskDef::postParseAll(def);
    ControllerDef::postParseAll(def);
    LeaseDef::postParseAll(def);
    FilesystemDef::postParseAll(def);
    InterfaceDef::postParseAll(def);
    SmartcardDef::postParseAll(def);
    ChardevDef::postParseAll(def);
    InputDef::postParseAll(def);
    TpmDef::postParseAll(def);
    GraphicsDef::postParseAll(def);
    SoundDef::postParseAll(def);
    AudioDef::postParseAll(def);
    VideoDef::postParseAll(def);
    HostdevDef::postParseAll(def);
    RedirdevDef::postParseAll(def);
    RedirfilterDef::postParseAll(def);
    HubDef::postParseAll(def);
    WatchdogDef::postParseAll(def);
    MemballoonDef::postParseAll(def);
    RngDef::postParseAll(def);
    PanicDef::postParseAll(def);
    ShmemDef::postParseAll(def);
    MemoryDeviceDef::postParseAll(def);
    IommuDef::postParseAll(def);
    VsockDef::postParseAll(def);
    CryptoDef::postParseAll(def);
}

Result<void> DevicesDef::validate(const DomainDef &def)
{
    VH_TRY(DiskDef::validateAll(def));
    VH_TRY(ControllerDef::validateAll(def));
    VH_TRY(LeaseDef::validateAll(def));
    VH_TRY(FilesystemDef::validateAll(def));
    VH_TRY(InterfaceDef::validateAll(def));
    VH_TRY(SmartcardDef::validateAll(def));
    VH_TRY(ChardevDef::validateAll(def));
    VH_TRY(InputDef::validateAll(def));
    VH_TRY(TpmDef::validateAll(def));
    VH_TRY(GraphicsDef::validateAll(def));
    VH_TRY(SoundDef::validateAll(def));
    VH_TRY(AudioDef::validateAll(def));
    VH_TRY(VideoDef::validateAll(def));
    VH_TRY(HostdevDef::validateAll(def));
    VH_TRY(RedirdevDef::validateAll(def));
    VH_TRY(RedirfilterDef::validateAll(def));
    VH_TRY(HubDef::validateAll(def));
    VH_TRY(WatchdogDef::validateAll(def));
    VH_TRY(MemballoonDef::validateAll(def));
    VH_TRY(RngDef::validateAll(def));
    VH_TRY(PanicDef::validateAll(def));
    VH_TRY(ShmemDef::validateAll(def));
    VH_TRY(MemoryDeviceDef::validateAll(def));
    VH_TRY(IommuDef::validateAll(def));
    VH_TRY(VsockDef::validateAll(def));
    VH_TRY(CryptoDef::validateAll(def));
    return {};
}

} // namespace vh::conf
