// <graphics>: how the guest's display is reached (libvirt's virDomainGraphicsDef): VNC, SPICE,
// RDP, SDL, a desktop window, EGL headless or D-Bus, with each type's attributes, the
// <listen> children of the network types (kept in sync with the 'listen' and VNC 'socket'
// attributes, as libvirt does), the password (shown only with VIR_DOMAIN_XML_SECURE), SPICE's
// channels and compression settings, OpenGL, and the audio backend of VNC and D-Bus.
#pragma once

#include <array>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class GraphicsType { Sdl, Vnc, Rdp, Desktop, Spice, EglHeadless, Dbus, Last };
VH_ENUM_TABLE(kGraphicsType, GraphicsType, "sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus");

enum class ListenType { None, Address, Network, Socket, Last };
VH_ENUM_TABLE(kListenType, ListenType, "none", "address", "network", "socket");

enum class GraphicsConnected { Default, Fail, Disconnect, Keep, Last };
VH_ENUM_TABLE(kGraphicsConnected, GraphicsConnected, "default", "fail", "disconnect", "keep");

enum class VncSharePolicy { Default, AllowExclusive, ForceShared, Ignore, Last };
VH_ENUM_TABLE(kVncSharePolicy, VncSharePolicy, "default", "allow-exclusive", "force-shared", "ignore");

enum class SpiceMode { Any, Secure, Insecure, Last };
VH_ENUM_TABLE(kSpiceMode, SpiceMode, "any", "secure", "insecure");

enum class SpiceChannel { Main, Display, Inputs, Cursor, Playback, Record, Smartcard, Usbredir, Last };
VH_ENUM_TABLE(kSpiceChannel, SpiceChannel, "main", "display", "inputs", "cursor", "playback", "record", "smartcard",
              "usbredir");

enum class SpiceImage { Default, AutoGlz, AutoLz, Quic, Glz, Lz, Off, Last };
VH_ENUM_TABLE(kSpiceImage, SpiceImage, "default", "auto_glz", "auto_lz", "quic", "glz", "lz", "off");

enum class SpiceJpeg { Default, Auto, Never, Always, Last };
VH_ENUM_TABLE(kSpiceJpeg, SpiceJpeg, "default", "auto", "never", "always");

enum class SpiceStreaming { Default, Filter, All, Off, Last };
VH_ENUM_TABLE(kSpiceStreaming, SpiceStreaming, "default", "filter", "all", "off");

enum class SpiceMouse { Default, Server, Client, Last };
VH_ENUM_TABLE(kSpiceMouse, SpiceMouse, "default", "server", "client");

struct GraphicsListen {
    ListenType type = ListenType::Address;
    std::optional<std::string> address;   // address; network (live only)
    std::optional<std::string> network;   // network
    std::optional<std::string> socket;    // socket
};

struct GraphicsDef {
    GraphicsType type = GraphicsType::Vnc;
    std::vector<GraphicsListen> listens;  // vnc, spice, rdp
    // the password of vnc and spice
    std::optional<std::string> passwd;
    std::optional<time_t> validTo;
    GraphicsConnected connected = GraphicsConnected::Default;
    std::optional<std::string> keymap;    // vnc, spice
    int port = 0;                         // vnc, rdp, spice
    bool autoport = false;                // vnc, rdp, spice
    // vnc
    int websocket = 0;
    VncSharePolicy sharePolicy = VncSharePolicy::Default;
    std::optional<bool> powerControl;
    // sdl, desktop
    std::optional<std::string> display, xauth;   // xauth: sdl
    bool fullscreen = false;
    // rdp
    bool replaceUser = false, multiUser = false;
    // spice
    int tlsPort = 0;
    SpiceMode defaultMode = SpiceMode::Any;
    std::array<SpiceMode, static_cast<size_t>(SpiceChannel::Last)> channels{};
    SpiceImage image = SpiceImage::Default;
    SpiceJpeg jpeg = SpiceJpeg::Default;
    SpiceJpeg zlib = SpiceJpeg::Default;
    std::optional<bool> playback, copypaste, filetransfer;
    SpiceStreaming streaming = SpiceStreaming::Default;
    SpiceMouse mouse = SpiceMouse::Default;
    // OpenGL: spice, sdl, dbus (<gl enable=>), egl-headless (rendernode only)
    std::optional<bool> gl;
    std::optional<std::string> rendernode;
    // dbus
    std::optional<std::string> dbusAddress;
    bool p2p = false;
    unsigned int audioId = 0;             // vnc, dbus: <audio id=>
    DeviceInfo info;                      // unused: <graphics> has no address

    static Result<GraphicsDef> parse(const xmlNode *n, const ParseContext &ctx);
    // The password is printed only with VIR_DOMAIN_XML_SECURE.
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // SPICE without ports listens nowhere: its address listen becomes type='none'.
    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
