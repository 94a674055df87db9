// <sound>: an emulated sound card (libvirt's virDomainSoundDef): its model, the codecs of
// the HDA models, the audio backend it plays through, and its address.
#pragma once

#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class SoundModel { Sb16, Es1370, Pcspk, Ac97, Ich6, Ich7, Ich9, Usb, Last };
VH_ENUM_TABLE(kSoundModel, SoundModel, "sb16", "es1370", "pcspk", "ac97", "ich6", "ich7", "ich9", "usb");

enum class SoundCodec { Duplex, Micro, Output, Last };
VH_ENUM_TABLE(kSoundCodec, SoundCodec, "duplex", "micro", "output");

struct SoundDef {
    SoundModel model = SoundModel::Ich6;
    std::vector<SoundCodec> codecs;      // ich6 and ich9 only
    unsigned int audioId = 0;            // <audio id='N'/>, 0: none
    DeviceInfo info;

    static Result<SoundDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // The audio backend a sound device names exists.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
