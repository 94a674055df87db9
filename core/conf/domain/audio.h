// <audio>: an audio backend of the host that sound devices and displays play through
// (libvirt's virDomainAudioDef): its type, id and timer, the type's own settings, and the
// settings of each direction (<input>, <output>).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class AudioType { None, Alsa, Coreaudio, Jack, Oss, Pulseaudio, Sdl, Spice, File, Dbus, Last };
VH_ENUM_TABLE(kAudioType, AudioType, "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice", "file",
              "dbus");

enum class AudioFormat { Default, S8, U8, S16, U16, S32, U32, F32, Last };
VH_ENUM_TABLE(kAudioFormat, AudioFormat, "default", "s8", "u8", "s16", "u16", "s32", "u32", "f32");

enum class AudioSdlDriver { Default, Esd, Alsa, Arts, Pulseaudio, Last };
VH_ENUM_TABLE(kAudioSdlDriver, AudioSdlDriver, "default", "esd", "alsa", "arts", "pulseaudio");

// One direction of an audio backend.
struct AudioIO {
    std::optional<bool> mixingEngine, fixedSettings;
    unsigned int voices = 0, bufferLength = 0;          // 0: unset
    // <settings>, with fixedSettings='yes'
    unsigned int frequency = 0, channels = 0;
    AudioFormat format = AudioFormat::Default;
    // the backend's own settings of a direction
    std::optional<std::string> dev;                       // alsa, oss
    unsigned int bufferCount = 0;                         // coreaudio, oss, sdl
    std::optional<bool> tryPoll;                          // oss
    std::optional<std::string> serverName, clientName, connectPorts;   // jack
    std::optional<bool> exactName;                        // jack
    std::optional<std::string> name, streamName;          // pulseaudio
    unsigned int latency = 0;                             // pulseaudio
};

struct AudioDef {
    AudioType type = AudioType::None;
    unsigned int id = 0;
    unsigned int timerPeriod = 0;
    // the type's own settings
    std::optional<bool> tryMMap, exclusive;               // oss
    std::optional<int> dspPolicy;                         // oss
    std::optional<std::string> serverName;                // pulseaudio
    AudioSdlDriver sdlDriver = AudioSdlDriver::Default;   // sdl
    std::optional<std::string> path;                      // file
    AudioIO input, output;
    DeviceInfo info;                                      // unused: <audio> has no address

    static Result<AudioDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // Every id used once.
    static Result<void> validateAll(const DomainDef &def);

    // The backend with this id, or nullptr (sound devices and displays refer to them).
    static const AudioDef *find(const DomainDef &def, unsigned int id);
};

} // namespace vh::conf
