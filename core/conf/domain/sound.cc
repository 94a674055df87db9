#include "conf/domain/sound.h"

#include "conf/domain/audio.h"
#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

Result<SoundDef> SoundDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    SoundDef d;
    auto model = Props(n).enumeration("model", kSoundModel, PROP_REQUIRED);
    if (!model)
        return std::move(model).error();
    d.model = **model;
    bool hda = d.model == SoundModel::Ich6 || d.model == SoundModel::Ich9;   // not ich7
    const xmlNode *audio = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        if (hda && xml::is(c, "codec")) {
            auto type = xml::attr(c, "type");
            auto codec = type ? kSoundCodec.parse(*type) : std::nullopt;
            if (!codec)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown codec type '%s'",
                                     type ? type->c_str() : "(null)");
            d.codecs.push_back(*codec);
        } else if (!audio && xml::is(c, "audio")) {
            audio = c;
        }
    }
    if (audio) {
        auto id = Props(audio).uint("id", PROP_REQUIRED | PROP_NONZERO);
        if (!id)
            return std::move(id).error();
        d.audioId = **id;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void SoundDef::postParseAll(DomainDef &)
{
}

Result<void> SoundDef::validateAll(const DomainDef &def)
{
    for (const SoundDef &s : def.devices.sounds)
        if (s.audioId && !AudioDef::find(def, s.audioId))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "no audio device with ID %u", s.audioId);
    return {};
}

void SoundDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("sound").attr("model", kSoundModel.name(model));
    for (SoundCodec c : codecs)
        w.start("codec").attr("type", kSoundCodec.name(c)).end();
    if (audioId)
        w.start("audio").attr("id", audioId).end();
    info.format(w, ctx);
    w.end();
}

} // namespace vh::conf
