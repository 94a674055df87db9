// <devices>: every device of a domain, by family, in the order libvirt formats them.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "conf/domain/audio.h"
#include "conf/domain/chardev.h"
#include "conf/domain/controller.h"
#include "conf/domain/crypto.h"
#include "conf/domain/disk.h"
#include "conf/domain/filesystem.h"
#include "conf/domain/graphics.h"
#include "conf/domain/hostdev.h"
#include "conf/domain/hub.h"
#include "conf/domain/input.h"
#include "conf/domain/interface.h"
#include "conf/domain/iommu.h"
#include "conf/domain/lease.h"
#include "conf/domain/memballoon.h"
#include "conf/domain/memory_device.h"
#include "conf/domain/panic.h"
#include "conf/domain/redirdev.h"
#include "conf/domain/redirfilter.h"
#include "conf/domain/rng.h"
#include "conf/domain/shmem.h"
#include "conf/domain/smartcard.h"
#include "conf/domain/sound.h"
#include "conf/domain/tpm.h"
#include "conf/domain/video.h"
#include "conf/domain/vsock.h"
#include "conf/domain/watchdog.h"

namespace vh::conf {

struct DevicesDef {
    std::string emulator;
    std::vector<DiskDef> disks;
    std::vector<ControllerDef> controllers;
    std::vector<LeaseDef> leases;
    std::vector<FilesystemDef> filesystems;
    std::vector<InterfaceDef> interfaces;
    std::vector<SmartcardDef> smartcards;
    std::vector<ChardevDef> serials;
    std::vector<ChardevDef> parallels;
    std::vector<ChardevDef> consoles;
    std::vector<ChardevDef> channels;
    std::vector<InputDef> inputs;
    std::vector<TpmDef> tpms;
    std::vector<GraphicsDef> graphics;
    std::vector<SoundDef> sounds;
    std::vector<AudioDef> audios;
    std::vector<VideoDef> videos;
    std::vector<HostdevDef> hostdevs;
    std::vector<RedirdevDef> redirdevs;
    std::vector<RedirfilterDef> redirfilters;
    std::vector<HubDef> hubs;
    std::vector<WatchdogDef> watchdogs;
    std::vector<MemballoonDef> memballoons;
    std::vector<RngDef> rngs;
    std::vector<PanicDef> panics;
    std::vector<ShmemDef> shmems;
    std::vector<MemoryDeviceDef> memories;
    std::vector<IommuDef> iommus;
    std::vector<VsockDef> vsocks;
    std::vector<CryptoDef> cryptos;

    static Result<DevicesDef> parse(const xmlNode *devices, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Each family's defaults, then each family's checks (see the families' postParseAll and
    // validateAll).
    static void postParse(DomainDef &def);
    static Result<void> validate(const DomainDef &def);

    // Calls fn(device) for every device, as a pointer to its family struct.
    template <class F>
    void forEach(F &&fn)
    {
        for (auto &d : disks)
            fn(&d);
        for (auto &d : controllers)
            fn(&d);
        for (auto &d : leases)
            fn(&d);
        for (auto &d : filesystems)
            fn(&d);
        for (auto &d : interfaces)
            fn(&d);
        for (auto &d : smartcards)
            fn(&d);
        for (auto &d : serials)
            fn(&d);
        for (auto &d : parallels)
            fn(&d);
        for (auto &d : consoles)
            fn(&d);
        for (auto &d : channels)
            fn(&d);
        for (auto &d : inputs)
            fn(&d);
        for (auto &d : tpms)
            fn(&d);
        for (auto &d : graphics)
            fn(&d);
        for (auto &d : sounds)
            fn(&d);
        for (auto &d : audios)
            fn(&d);
        for (auto &d : videos)
            fn(&d);
        for (auto &d : hostdevs)
            fn(&d);
        for (auto &d : redirdevs)
            fn(&d);
        for (auto &d : redirfilters)
            fn(&d);
        for (auto &d : hubs)
            fn(&d);
        for (auto &d : watchdogs)
            fn(&d);
        for (auto &d : memballoons)
            fn(&d);
        for (auto &d : rngs)
            fn(&d);
        for (auto &d : panics)
            fn(&d);
        for (auto &d : shmems)
            fn(&d);
        for (auto &d : memories)
            fn(&d);
        for (auto &d : iommus)
            fn(&d);
        for (auto &d : vsocks)
            fn(&d);
        for (auto &d : cryptos)
            fn(&d);
    }
};

} // namespace vh::conf
