#include "conf/domain/audio.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

// lhs = the value of a Result, or return its error.
#define SET_OR_RETURN(lhs, expr)                 \
    do {                                         \
        auto set_r_ = (expr);                    \
        if (!set_r_)                             \
            return std::move(set_r_).error();    \
        lhs = std::move(*set_r_);                \
    } while (0)

namespace vh::conf {

namespace {

// The settings every backend has in both directions: mixingEngine, fixedSettings, voices,
// bufferLength and <settings>.
Result<void> parseCommonIO(const xmlNode *n, AudioIO &io)
{
    Props p(n);
    SET_OR_RETURN(io.mixingEngine, p.yesNo("mixingEngine"));
    SET_OR_RETURN(io.fixedSettings, p.yesNo("fixedSettings"));
    std::optional<unsigned int> v;
    SET_OR_RETURN(v, p.uint("voices", PROP_NONZERO));
    io.voices = v.value_or(0);
    SET_OR_RETURN(v, p.uint("bufferLength", PROP_NONZERO));
    io.bufferLength = v.value_or(0);
    if (io.fixedSettings == true && io.mixingEngine != true)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "fixed audio settings requires mixing engine");
    if (const xmlNode *s = xml::child(n, "settings")) {
        if (io.fixedSettings != true)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "audio settings specified without fixed settings flag");
        Props sp(s);
        SET_OR_RETURN(v, sp.uint("frequency", PROP_NONZERO));
        io.frequency = v.value_or(0);
        SET_OR_RETURN(v, sp.uint("channels", PROP_NONZERO));
        io.channels = v.value_or(0);
        std::optional<AudioFormat> f;
        SET_OR_RETURN(f, sp.enumeration("format", kAudioFormat, PROP_NONE_INVALID));
        io.format = f.value_or(AudioFormat::Default);
    }
    return {};
}

// The backend's own settings of one direction.
Result<void> parseBackendIO(const xmlNode *n, AudioType type, AudioIO &io)
{
    Props p(n);
    std::optional<unsigned int> v;
    switch (type) {
    case AudioType::Alsa:
        io.dev = p.str("dev");
        break;
    case AudioType::Coreaudio:
    case AudioType::Sdl:
        SET_OR_RETURN(v, p.uint("bufferCount"));
        io.bufferCount = v.value_or(0);
        break;
    case AudioType::Jack:
        io.serverName = p.str("serverName");
        io.clientName = p.str("clientName");
        io.connectPorts = p.str("connectPorts");
        SET_OR_RETURN(io.exactName, p.yesNo("exactName"));
        break;
    case AudioType::Oss:
        io.dev = p.str("dev");
        SET_OR_RETURN(io.tryPoll, p.yesNo("tryPoll"));
        SET_OR_RETURN(v, p.uint("bufferCount"));
        io.bufferCount = v.value_or(0);
        break;
    case AudioType::Pulseaudio:
        io.name = p.str("name");
        io.streamName = p.str("streamName");
        SET_OR_RETURN(v, p.uint("latency"));
        io.latency = v.value_or(0);
        break;
    default:
        break;
    }
    return {};
}

bool ioEmpty(const AudioIO &io)
{
    return !io.mixingEngine && !io.fixedSettings && !io.voices && !io.bufferLength && !io.dev && !io.bufferCount &&
           !io.tryPoll && !io.serverName && !io.clientName && !io.connectPorts && !io.exactName && !io.name &&
           !io.streamName && !io.latency;
}

void formatIO(xml::Writer &w, const char *name, AudioType type, const AudioIO &io)
{
    if (ioEmpty(io))
        return;
    w.start(name);
    if (io.mixingEngine)
        w.attr("mixingEngine", yesNo(*io.mixingEngine));
    if (io.fixedSettings)
        w.attr("fixedSettings", yesNo(*io.fixedSettings));
    if (io.voices)
        w.attr("voices", io.voices);
    if (io.bufferLength)
        w.attr("bufferLength", io.bufferLength);
    switch (type) {
    case AudioType::Alsa:
        if (io.dev)
            w.attr("dev", *io.dev);
        break;
    case AudioType::Coreaudio:
    case AudioType::Sdl:
        if (io.bufferCount)
            w.attr("bufferCount", io.bufferCount);
        break;
    case AudioType::Jack:
        if (io.serverName)
            w.attr("serverName", *io.serverName);
        if (io.clientName)
            w.attr("clientName", *io.clientName);
        if (io.connectPorts)
            w.attr("connectPorts", *io.connectPorts);
        if (io.exactName)
            w.attr("exactName", yesNo(*io.exactName));
        break;
    case AudioType::Oss:
        if (io.dev)
            w.attr("dev", *io.dev);
        if (io.bufferCount)
            w.attr("bufferCount", io.bufferCount);
        if (io.tryPoll)
            w.attr("tryPoll", yesNo(*io.tryPoll));
        break;
    case AudioType::Pulseaudio:
        if (io.name)
            w.attr("name", *io.name);
        if (io.streamName)
            w.attr("streamName", *io.streamName);
        if (io.latency)
            w.attr("latency", io.latency);
        break;
    default:
        break;
    }
    if (io.fixedSettings == true) {
        w.start("settings");
        if (io.frequency)
            w.attr("frequency", io.frequency);
        if (io.channels)
            w.attr("channels", io.channels);
        if (io.format != AudioFormat::Default)
            w.attr("format", kAudioFormat.name(io.format));
        w.end();
    }
    w.end();
}

} // namespace

Result<AudioDef> AudioDef::parse(const xmlNode *n, const ParseContext &)
{
    AudioDef d;
    Props p(n);
    std::optional<AudioType> type;
    SET_OR_RETURN(type, p.enumeration("type", kAudioType, PROP_REQUIRED));
    d.type = *type;
    std::optional<unsigned int> v;
    SET_OR_RETURN(v, p.uint("id", PROP_REQUIRED | PROP_NONZERO));
    d.id = *v;
    SET_OR_RETURN(v, p.uint("timerPeriod", PROP_NONZERO));
    d.timerPeriod = v.value_or(0);

    const xmlNode *in = xml::child(n, "input");
    const xmlNode *out = xml::child(n, "output");
    if (in)
        VH_TRY(parseCommonIO(in, d.input));
    if (out)
        VH_TRY(parseCommonIO(out, d.output));

    switch (d.type) {
    case AudioType::Oss: {
        SET_OR_RETURN(d.tryMMap, p.yesNo("tryMMap"));
        SET_OR_RETURN(d.exclusive, p.yesNo("exclusive"));
        std::optional<int> policy;
        SET_OR_RETURN(policy, p.sint("dspPolicy"));
        if (policy && *policy < 0)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "cannot parse 'dspPolicy' value '%s'",
                                 p.str("dspPolicy")->c_str());
        d.dspPolicy = policy;
        break;
    }
    case AudioType::Pulseaudio:
        d.serverName = p.str("serverName");
        break;
    case AudioType::Sdl: {
        std::optional<AudioSdlDriver> driver;
        SET_OR_RETURN(driver, p.enumeration("driver", kAudioSdlDriver, PROP_NONE_INVALID));
        d.sdlDriver = driver.value_or(AudioSdlDriver::Default);
        break;
    }
    case AudioType::File:
        d.path = p.str("path");
        break;
    default:
        break;
    }
    if (in)
        VH_TRY(parseBackendIO(in, d.type, d.input));
    if (out)
        VH_TRY(parseBackendIO(out, d.type, d.output));
    return d;
}

void AudioDef::postParseAll(DomainDef &)
{
}

Result<void> AudioDef::validateAll(const DomainDef &def)
{
    const auto &audios = def.devices.audios;
    for (size_t i = 0; i < audios.size(); i++)
        for (size_t j = i + 1; j < audios.size(); j++)
            if (audios[i].id == audios[j].id)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "audio ID %u is used multiple times", audios[i].id);
    return {};
}

const AudioDef *AudioDef::find(const DomainDef &def, unsigned int id)
{
    for (const AudioDef &a : def.devices.audios)
        if (a.id == id)
            return &a;
    return nullptr;
}

void AudioDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("audio").attr("id", id).attr("type", kAudioType.name(type));
    if (timerPeriod)
        w.attr("timerPeriod", timerPeriod);
    switch (type) {
    case AudioType::Oss:
        if (tryMMap)
            w.attr("tryMMap", yesNo(*tryMMap));
        if (exclusive)
            w.attr("exclusive", yesNo(*exclusive));
        if (dspPolicy)
            w.attr("dspPolicy", *dspPolicy);
        break;
    case AudioType::Pulseaudio:
        if (serverName)
            w.attr("serverName", *serverName);
        break;
    case AudioType::Sdl:
        if (sdlDriver != AudioSdlDriver::Default)
            w.attr("driver", kAudioSdlDriver.name(sdlDriver));
        break;
    case AudioType::File:
        if (path)
            w.attr("path", *path);
        break;
    default:
        break;
    }
    formatIO(w, "input", type, input);
    formatIO(w, "output", type, output);
    w.end();
}

} // namespace vh::conf
