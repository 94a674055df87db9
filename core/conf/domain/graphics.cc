#include "conf/domain/graphics.h"

#include "conf/domain/audio.h"
#include "conf/domain/domain_def.h"

#include <cstdio>

#include <libvirt/virterror.h>

#define SET_OR_RETURN(lhs, expr)                 \
    do {                                         \
        auto set_r_ = (expr);                    \
        if (!set_r_)                             \
            return std::move(set_r_).error();    \
        lhs = std::move(*set_r_);                \
    } while (0)

namespace vh::conf {

namespace {

bool hasListens(GraphicsType t)
{
    return t == GraphicsType::Vnc || t == GraphicsType::Spice || t == GraphicsType::Rdp;
}

// An attribute whose empty value means "not given".
std::optional<std::string> nonEmpty(const xmlNode *n, const char *name)
{
    auto v = xml::attr(n, name);
    if (v && v->empty())
        return std::nullopt;
    return v;
}

Result<GraphicsListen> parseListen(const xmlNode *n, GraphicsType graphics, const ParseContext &ctx)
{
    GraphicsListen l;
    Props p(n);
    std::optional<ListenType> type;
    SET_OR_RETURN(type, p.enumeration("type", kListenType, PROP_REQUIRED));
    l.type = *type;
    if (graphics == GraphicsType::Rdp && (l.type == ListenType::None || l.type == ListenType::Socket))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "listen type '%s' is not available for graphics type 'rdp'",
                             std::string(kListenType.name(l.type)).c_str());
    auto address = nonEmpty(n, "address");
    auto network = nonEmpty(n, "network");
    auto socket = nonEmpty(n, "socket");
    if (network && l.type != ListenType::Network)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'network' attribute is valid only for listen type 'network'");
    if (socket && l.type != ListenType::Socket)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'socket' attribute is valid only for listen type 'socket'");
    switch (l.type) {
    case ListenType::Address:
        l.address = address;
        break;
    case ListenType::Network:
        l.network = network;
        // the address a network listen resolved to is runtime state
        if (!ctx.inactive())
            l.address = address;
        break;
    case ListenType::Socket:
        l.socket = socket;
        break;
    default:
        break;
    }
    return l;
}

// The <listen> children, and the 'listen' (and VNC 'socket') attribute they must agree with.
Result<void> parseListens(const xmlNode *n, GraphicsDef &g, const ParseContext &ctx)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "listen"))
            continue;
        GraphicsListen l;
        SET_OR_RETURN(l, parseListen(c, g.type, ctx));
        g.listens.push_back(std::move(l));
    }
    auto listenAddr = nonEmpty(n, "listen");
    std::optional<std::string> socketPath;
    if (g.type == GraphicsType::Vnc)
        socketPath = xml::attr(n, "socket");
    if (!g.listens.empty()) {
        GraphicsListen &first = g.listens[0];
        if (listenAddr && first.type == ListenType::Address) {
            if (first.address && *first.address != *listenAddr)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "graphics 'listen' attribute '%s' must match 'address' attribute of first listen element (found '%s')",
                                     listenAddr->c_str(), first.address->c_str());
            if (!first.address)
                first.address = listenAddr;
        }
        if (socketPath) {
            if (first.type == ListenType::Socket) {
                if (first.socket && *first.socket != *socketPath)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                         "graphics 'socket' attribute '%s' must match 'socket' attribute of first listen element (found '%s')",
                                         socketPath->c_str(), first.socket->c_str());
                if (!first.socket)
                    first.socket = socketPath;
            } else if (first.type != ListenType::None) {
                first = GraphicsListen{ListenType::Socket, std::nullopt, std::nullopt, socketPath};
            }
        }
    } else if (socketPath) {
        g.listens.push_back({ListenType::Socket, std::nullopt, std::nullopt, socketPath});
    } else {
        g.listens.push_back({ListenType::Address, listenAddr, std::nullopt, std::nullopt});
    }
    return {};
}

// "YYYY-MM-DDTHH:MM:SS" in UTC. A date GLib refuses (month 13, say) is the epoch, as in libvirt.
std::optional<time_t> parseValidTo(const std::string &s)
{
    int y, mo, d, h, mi, sec, used = -1;
    if (sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || used < 0 ||
        static_cast<size_t>(used) != s.size())
        return std::nullopt;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] + (mo == 2 && leap) || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return time_t{0};
    // days from 1970-01-01 to the civil date
    long long yy = y - (mo <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long daysSinceEpoch = era * 146097 + doe - 719468;
    return static_cast<time_t>(daysSinceEpoch * 86400 + h * 3600 + mi * 60 + sec);
}

std::string formatValidTo(time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

// passwd, passwdValidTo, connected (vnc, spice)
Result<void> parseAuth(const xmlNode *n, GraphicsDef &g)
{
    g.passwd = xml::attr(n, "passwd");
    if (!g.passwd)
        return {};
    if (auto validTo = xml::attr(n, "passwdValidTo")) {
        g.validTo = parseValidTo(*validTo);
        if (!g.validTo)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                                 "cannot parse password validity time '%s', expect YYYY-MM-DDTHH:MM:SS", validTo->c_str());
    }
    if (auto connected = xml::attr(n, "connected")) {
        auto c = kGraphicsConnected.parse(*connected);
        if (!c || *c == GraphicsConnected::Default)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown connected value %s", connected->c_str());
        // VNC can only keep its clients when the password changes
        if (g.type == GraphicsType::Vnc && *c != GraphicsConnected::Keep)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "VNC supports connected='keep' only");
        g.connected = *c;
    }
    return {};
}

// <gl enable='yes|no' rendernode=...>
Result<void> parseGL(const xmlNode *n, GraphicsDef &g, bool rendernode)
{
    const xmlNode *gl = xml::child(n, "gl");
    if (!gl)
        return {};
    Props p(gl);
    SET_OR_RETURN(g.gl, p.yesNo("enable", PROP_REQUIRED));
    if (rendernode)
        g.rendernode = p.str("rendernode");
    return {};
}

Result<void> parseAudio(const xmlNode *n, GraphicsDef &g)
{
    if (const xmlNode *a = xml::child(n, "audio")) {
        std::optional<unsigned int> id;
        SET_OR_RETURN(id, Props(a).uint("id", PROP_REQUIRED | PROP_NONZERO));
        g.audioId = *id;
    }
    return {};
}

// A port written as an integer ("cannot parse vnc port x").
Result<std::optional<int>> legacyPort(const xmlNode *n, const char *what)
{
    auto raw = xml::attr(n, "port");
    if (!raw)
        return std::optional<int>{};
    auto v = xml::toLL(*raw);
    if (!v || *v < INT32_MIN || *v > INT32_MAX)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "cannot parse %s port %s", what, raw->c_str());
    return std::optional<int>{static_cast<int>(*v)};
}

Result<void> parseVnc(const xmlNode *n, GraphicsDef &g, const ParseContext &ctx)
{
    VH_TRY(parseListens(n, g, ctx));
    std::optional<int> port;
    SET_OR_RETURN(port, legacyPort(n, "vnc"));
    if (port) {
        g.port = *port;
        // the old way of asking for a port chosen at start
        if (g.port == -1) {
            if (ctx.inactive())
                g.port = 0;
            g.autoport = true;
        }
    } else {
        g.port = 0;
        g.autoport = true;
    }
    if (auto autoport = xml::attr(n, "autoport")) {
        // anything but yes or no leaves it as it was
        if (*autoport == "yes")
            g.autoport = true;
        else if (*autoport == "no")
            g.autoport = false;
        if (g.autoport && ctx.inactive())
            g.port = 0;
    }
    Props p(n);
    std::optional<int> websocket;
    SET_OR_RETURN(websocket, p.sint("websocket"));
    g.websocket = websocket.value_or(0);
    std::optional<VncSharePolicy> share;
    SET_OR_RETURN(share, p.enumeration("sharePolicy", kVncSharePolicy));
    g.sharePolicy = share.value_or(VncSharePolicy::Default);
    SET_OR_RETURN(g.powerControl, p.yesNo("powerControl"));
    g.keymap = p.str("keymap");
    VH_TRY(parseAuth(n, g));
    return parseAudio(n, g);
}

Result<void> parseRdp(const xmlNode *n, GraphicsDef &g, const ParseContext &ctx)
{
    VH_TRY(parseListens(n, g, ctx));
    std::optional<int> port;
    SET_OR_RETURN(port, legacyPort(n, "rdp"));
    if (port) {
        g.port = *port;
        if (g.port == -1) {
            if (ctx.inactive())
                g.port = 0;
            g.autoport = true;
        }
    } else {
        g.port = 0;
        g.autoport = true;
    }
    if (xml::attr(n, "autoport") == std::optional<std::string>("yes")) {
        g.autoport = true;
        if (ctx.inactive())
            g.port = 0;
    }
    g.replaceUser = xml::attr(n, "replaceUser") == std::optional<std::string>("yes");
    g.multiUser = xml::attr(n, "multiUser") == std::optional<std::string>("yes");
    return {};
}

// <channel>, <image>, <jpeg>, ... of SPICE: a child with one enum attribute.
template <class E, size_t N>
Result<void> spiceChild(const xmlNode *n, const char *element, const char *attr, const EnumTable<E, N> &table, E &out)
{
    if (const xmlNode *c = xml::child(n, element)) {
        std::optional<E> v;
        SET_OR_RETURN(v, Props(c).enumeration(attr, table, PROP_REQUIRED | PROP_NONE_INVALID));
        out = *v;
    }
    return {};
}

Result<void> spiceTristate(const xmlNode *n, const char *element, const char *attr, bool onOffValues, std::optional<bool> &out)
{
    if (const xmlNode *c = xml::child(n, element)) {
        Props p(c);
        SET_OR_RETURN(out, onOffValues ? p.onOff(attr, PROP_REQUIRED) : p.yesNo(attr, PROP_REQUIRED));
    }
    return {};
}

Result<void> parseSpice(const xmlNode *n, GraphicsDef &g, const ParseContext &ctx)
{
    VH_TRY(parseListens(n, g, ctx));
    Props p(n);
    std::optional<int> v;
    SET_OR_RETURN(v, p.sint("port"));
    g.port = v.value_or(0);
    SET_OR_RETURN(v, p.sint("tlsPort"));
    g.tlsPort = v.value_or(0);
    std::optional<bool> autoport;
    SET_OR_RETURN(autoport, p.yesNo("autoport"));
    g.autoport = autoport.value_or(false);
    if (g.autoport && ctx.inactive()) {
        g.port = 0;
        g.tlsPort = 0;
    }
    std::optional<SpiceMode> mode;
    SET_OR_RETURN(mode, p.enumeration("defaultMode", kSpiceMode));
    g.defaultMode = mode.value_or(SpiceMode::Any);
    g.keymap = p.str("keymap");
    VH_TRY(parseAuth(n, g));

    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "channel"))
            continue;
        Props cp(c);
        std::optional<SpiceChannel> name;
        SET_OR_RETURN(name, cp.enumeration("name", kSpiceChannel, PROP_REQUIRED));
        std::optional<SpiceMode> cmode;
        SET_OR_RETURN(cmode, cp.enumeration("mode", kSpiceMode, PROP_REQUIRED));
        g.channels[static_cast<size_t>(*name)] = *cmode;
    }
    VH_TRY(spiceChild(n, "image", "compression", kSpiceImage, g.image));
    VH_TRY(spiceChild(n, "jpeg", "compression", kSpiceJpeg, g.jpeg));
    VH_TRY(spiceChild(n, "zlib", "compression", kSpiceJpeg, g.zlib));
    VH_TRY(spiceTristate(n, "playback", "compression", true, g.playback));
    VH_TRY(spiceChild(n, "streaming", "mode", kSpiceStreaming, g.streaming));
    VH_TRY(spiceTristate(n, "clipboard", "copypaste", false, g.copypaste));
    VH_TRY(spiceTristate(n, "filetransfer", "enable", false, g.filetransfer));
    VH_TRY(parseGL(n, g, true));
    return spiceChild(n, "mouse", "mode", kSpiceMouse, g.mouse);
}

void formatListenAttr(xml::Writer &w, const GraphicsListen &l)
{
    if (l.address && (l.type == ListenType::Address || l.type == ListenType::Network))
        w.attr("listen", *l.address);
}

void formatAuth(xml::Writer &w, const GraphicsDef &g, const FormatContext &ctx)
{
    if (!g.passwd)
        return;
    if (ctx.secure())
        w.attr("passwd", *g.passwd);
    if (g.validTo)
        w.attr("passwdValidTo", formatValidTo(*g.validTo));
    if (g.connected != GraphicsConnected::Default)
        w.attr("connected", kGraphicsConnected.name(g.connected));
}

} // namespace

Result<GraphicsDef> GraphicsDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    GraphicsDef g;
    Props p(n);
    std::optional<GraphicsType> type;
    SET_OR_RETURN(type, p.enumeration("type", kGraphicsType, PROP_REQUIRED));
    g.type = *type;
    switch (g.type) {
    case GraphicsType::Vnc:
        VH_TRY(parseVnc(n, g, ctx));
        break;
    case GraphicsType::Sdl:
        g.display = p.str("display");
        g.xauth = p.str("xauth");
        {
            std::optional<bool> fs;
            SET_OR_RETURN(fs, p.yesNo("fullscreen"));
            g.fullscreen = fs.value_or(false);
        }
        VH_TRY(parseGL(n, g, false));
        break;
    case GraphicsType::Rdp:
        VH_TRY(parseRdp(n, g, ctx));
        break;
    case GraphicsType::Desktop: {
        g.display = p.str("display");
        std::optional<bool> fs;
        SET_OR_RETURN(fs, p.yesNo("fullscreen"));
        g.fullscreen = fs.value_or(false);
        break;
    }
    case GraphicsType::Spice:
        VH_TRY(parseSpice(n, g, ctx));
        break;
    case GraphicsType::EglHeadless:
        if (const xmlNode *gl = xml::child(n, "gl"))
            g.rendernode = xml::attr(gl, "rendernode");
        break;
    case GraphicsType::Dbus: {
        g.dbusAddress = p.str("address");
        std::optional<bool> p2p;
        SET_OR_RETURN(p2p, p.yesNo("p2p"));
        g.p2p = p2p.value_or(false);
        VH_TRY(parseGL(n, g, true));
        VH_TRY(parseAudio(n, g));
        break;
    }
    default:
        break;
    }
    return g;
}

void GraphicsDef::postParseAll(DomainDef &def)
{
    for (GraphicsDef &g : def.devices.graphics) {
        if (g.type != GraphicsType::Spice || g.listens.empty())
            continue;
        // SPICE without ports and without autoport listens nowhere
        GraphicsListen &first = g.listens[0];
        if (first.type == ListenType::Address && !g.port && !g.tlsPort && !g.autoport) {
            first.address.reset();
            first.type = ListenType::None;
        }
    }
}

Result<void> GraphicsDef::validateAll(const DomainDef &def)
{
    for (const GraphicsDef &g : def.devices.graphics) {
        for (const GraphicsListen &l : g.listens)
            if (l.type == ListenType::Network && !l.network)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'network' attribute is required for listen type 'network'");
        if (g.type == GraphicsType::Dbus && g.p2p && g.dbusAddress)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "D-Bus p2p with an address is not supported");
        if (g.type == GraphicsType::Vnc && g.audioId && !AudioDef::find(def, g.audioId))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "no audio device with ID %u", g.audioId);
    }
    return {};
}

void GraphicsDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("graphics").attr("type", kGraphicsType.name(type));
    const GraphicsListen *first = listens.empty() ? nullptr : &listens[0];
    bool network = first && (first->type == ListenType::Address || first->type == ListenType::Network);
    switch (type) {
    case GraphicsType::Vnc:
        if (first && first->type == ListenType::Socket) {
            if (first->socket)
                w.attr("socket", *first->socket);
        } else if (network) {
            if (port && (!autoport || !ctx.inactive()))
                w.attr("port", port);
            else if (autoport)
                w.attr("port", "-1");
            w.attr("autoport", yesNo(autoport));
            if (websocket)
                w.attr("websocket", websocket);
            formatListenAttr(w, *first);
        }
        if (keymap)
            w.attr("keymap", *keymap);
        if (sharePolicy != VncSharePolicy::Default)
            w.attr("sharePolicy", kVncSharePolicy.name(sharePolicy));
        if (powerControl)
            w.attr("powerControl", yesNo(*powerControl));
        formatAuth(w, *this, ctx);
        break;
    case GraphicsType::Sdl:
        if (display)
            w.attr("display", *display);
        if (xauth)
            w.attr("xauth", *xauth);
        if (fullscreen)
            w.attr("fullscreen", "yes");
        break;
    case GraphicsType::Rdp:
        if (port)
            w.attr("port", port);
        else if (autoport)
            w.attr("port", "0");
        if (autoport)
            w.attr("autoport", "yes");
        if (replaceUser)
            w.attr("replaceUser", "yes");
        if (multiUser)
            w.attr("multiUser", "yes");
        if (first)
            formatListenAttr(w, *first);
        break;
    case GraphicsType::Desktop:
        if (display)
            w.attr("display", *display);
        if (fullscreen)
            w.attr("fullscreen", "yes");
        break;
    case GraphicsType::Spice:
        if (network) {
            if (port)
                w.attr("port", port);
            if (tlsPort)
                w.attr("tlsPort", tlsPort);
            w.attr("autoport", yesNo(autoport));
            formatListenAttr(w, *first);
        }
        if (keymap)
            w.attr("keymap", *keymap);
        if (defaultMode != SpiceMode::Any)
            w.attr("defaultMode", kSpiceMode.name(defaultMode));
        formatAuth(w, *this, ctx);
        break;
    case GraphicsType::Dbus:
        if (p2p)
            w.attr("p2p", "yes");
        if (dbusAddress)
            w.attr("address", *dbusAddress);
        break;
    default:
        break;
    }

    for (const GraphicsListen &l : listens) {
        w.start("listen").attr("type", kListenType.name(l.type));
        if (l.address && (l.type == ListenType::Address || (l.type == ListenType::Network && !ctx.inactive())))
            w.attr("address", *l.address);
        if (l.network)
            w.attr("network", *l.network);
        if (l.socket)
            w.attr("socket", *l.socket);
        w.end();
    }
    auto formatGL = [&] {
        if (!gl)
            return;
        w.start("gl").attr("enable", yesNo(*gl));
        if (rendernode)
            w.attr("rendernode", *rendernode);
        w.end();
    };
    switch (type) {
    case GraphicsType::Vnc:
        if (audioId)
            w.start("audio").attr("id", audioId).end();
        break;
    case GraphicsType::Sdl:
        formatGL();
        break;
    case GraphicsType::Spice:
        for (size_t i = 0; i < channels.size(); i++)
            if (channels[i] != SpiceMode::Any)
                w.start("channel").attr("name", kSpiceChannel.name(static_cast<SpiceChannel>(i)))
                    .attr("mode", kSpiceMode.name(channels[i])).end();
        if (image != SpiceImage::Default)
            w.start("image").attr("compression", kSpiceImage.name(image)).end();
        if (jpeg != SpiceJpeg::Default)
            w.start("jpeg").attr("compression", kSpiceJpeg.name(jpeg)).end();
        if (zlib != SpiceJpeg::Default)
            w.start("zlib").attr("compression", kSpiceJpeg.name(zlib)).end();
        if (playback)
            w.start("playback").attr("compression", onOff(*playback)).end();
        if (streaming != SpiceStreaming::Default)
            w.start("streaming").attr("mode", kSpiceStreaming.name(streaming)).end();
        if (mouse != SpiceMouse::Default)
            w.start("mouse").attr("mode", kSpiceMouse.name(mouse)).end();
        if (copypaste)
            w.start("clipboard").attr("copypaste", yesNo(*copypaste)).end();
        if (filetransfer)
            w.start("filetransfer").attr("enable", yesNo(*filetransfer)).end();
        formatGL();
        break;
    case GraphicsType::EglHeadless:
        if (rendernode)
            w.start("gl").attr("rendernode", *rendernode).end();
        break;
    case GraphicsType::Dbus:
        formatGL();
        if (audioId)
            w.start("audio").attr("id", audioId).end();
        break;
    default:
        break;
    }
    w.end();
}

} // namespace vh::conf
