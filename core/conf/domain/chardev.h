// Character devices: <serial>, <parallel>, <console>, <channel>; and the pieces other
// families reuse: the host side of a character device (ChardevSource, also the egd backend of
// <rng>, <smartcard type='passthrough'>, <redirdev>) and the virtio <driver> element.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

// ---- pieces shared by several device families ---------------------------------------------

// <driver .../> with the virtio options, when any is set.
void formatVirtioDriver(xml::Writer &w, const VirtioOptions &o);
// For a device model that is not virtio: every virtio option must be absent.
Result<void> checkVirtioAbsent(const VirtioOptions &o);

// ---- the host side of a character device --------------------------------------------------

enum class ChrType {
    Null, Vc, Pty, Dev, File, Pipe, Stdio, Udp, Tcp, Unix, Spicevmc, Spiceport, Nmdm, QemuVdagent, Dbus, Last
};
VH_ENUM_TABLE(kChrType, ChrType, "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
              "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus");

enum class ChrTcpProtocol { Raw, Telnet, Telnets, Tls, Last };
VH_ENUM_TABLE(kChrTcpProtocol, ChrTcpProtocol, "raw", "telnet", "telnets", "tls");

enum class ChrMouseMode { Default, Server, Client, Last };
VH_ENUM_TABLE(kChrMouseMode, ChrMouseMode, "default", "server", "client");

struct ChardevSource {
    ChrType type = ChrType::Pty;
    std::string path;                   // pty, dev, file, pipe, unix
    std::optional<bool> append;         // file
    bool listen = false;                // tcp, unix: mode='bind'
    std::string host, service;          // tcp; udp: the connect side
    std::string bindHost, bindService;  // udp
    std::optional<bool> tls;            // tcp
    ChrTcpProtocol protocol = ChrTcpProtocol::Raw;
    std::optional<bool> reconnect;      // tcp, unix (connect mode)
    unsigned int reconnectTimeout = 0;
    std::string master, slave;          // nmdm
    std::string channel;                // spiceport, dbus
    std::optional<bool> copypaste;      // qemu-vdagent
    ChrMouseMode mouse = ChrMouseMode::Default;
    std::string logFile;
    std::optional<bool> logAppend;
    std::vector<DeviceSeclabel> seclabels;   // file, dev, pipe, pty, unix of a character device

    // Reads the <source>s, <log> and <protocol> children of n for a source of this type.
    // withSeclabels: a character device's own source (a <rng> backend has none).
    static Result<ChardevSource> parse(ChrType type, const xmlNode *n, const ParseContext &ctx, bool withSeclabels);
    // <source>s, then <protocol> (tcp), then <log>.
    void format(xml::Writer &w, const FormatContext &ctx) const;
    // libvirt's checks of the attributes a type needs; unixPathOptional: a virtio or xen
    // channel, whose socket the driver may name.
    Result<void> validate(bool unixPathOptional = false) const;
    // Same host side (the console of an hvm guest is serial 0 when they match).
    bool sameAs(const ChardevSource &o) const;
};

// ---- <serial>, <parallel>, <console>, <channel> -------------------------------------------

enum class ChrDeviceKind { Parallel, Serial, Console, Channel, Last };
VH_ENUM_TABLE(kChrDeviceKind, ChrDeviceKind, "parallel", "serial", "console", "channel");

enum class SerialTargetType { None, Isa, Usb, Pci, SpaprVio, System, Sclp, IsaDebug, Last };
VH_ENUM_TABLE(kSerialTargetType, SerialTargetType, "none", "isa-serial", "usb-serial", "pci-serial",
              "spapr-vio-serial", "system-serial", "sclp-serial", "isa-debug");

enum class SerialTargetModel {
    None, IsaSerial, UsbSerial, PciSerial, SpaprVty, Pl011, Sclpconsole, Sclplmconsole, I16550a, IsaDebugcon, Last
};
VH_ENUM_TABLE(kSerialTargetModel, SerialTargetModel, "none", "isa-serial", "usb-serial", "pci-serial", "spapr-vty",
              "pl011", "sclpconsole", "sclplmconsole", "16550a", "isa-debugcon");

enum class ChannelTargetType { None, Guestfwd, Virtio, Xen, Last };
VH_ENUM_TABLE(kChannelTargetType, ChannelTargetType, "none", "guestfwd", "virtio", "xen");

enum class ConsoleTargetType { None, Serial, Xen, Uml, Virtio, Lxc, Openvz, Sclp, Sclplm, Last };
VH_ENUM_TABLE(kConsoleTargetType, ConsoleTargetType, "none", "serial", "xen", "uml", "virtio", "lxc", "openvz",
              "sclp", "sclplm");

enum class ChrDeviceState { Default, Connected, Disconnected, Last };
VH_ENUM_TABLE(kChrDeviceState, ChrDeviceState, "default", "connected", "disconnected");

struct ChardevDef {
    ChrDeviceKind kind = ChrDeviceKind::Serial;
    ChardevSource source;
    // <target>: type is one of the enums above by kind (the value of its underlying int)
    int targetType = 0;
    int port = -1;                          // serial, parallel, console; -1: not given
    SerialTargetModel targetModel = SerialTargetModel::None;
    std::string guestfwdAddr;               // guestfwd channel: numeric IPv4 address
    unsigned int guestfwdPort = 0;
    std::string targetName;                 // virtio, xen channel
    ChrDeviceState state = ChrDeviceState::Default;   // virtio channel, live XML
    DeviceInfo info;
    // Console 0 of an hvm guest whose target is 'serial' is printed as serial 0: it carries
    // serial 0's source and prints serial 0's alias and address (serialInfo), while its own
    // info stays empty so that checks across devices see serial 0 once.
    bool mirrorsSerial = false;
    DeviceInfo serialInfo;

    static Result<ChardevDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Serial and parallel ports, console ports, and the console of an hvm guest that is an
    // alias of its first serial port.
    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);

    // The consoles as libvirt prints them: the first console of an hvm guest whose target is
    // 'serial' is printed as serial 0 (its source, log, alias and address). DevicesDef::format
    // can call this instead of formatting each console.
    static void formatConsoles(xml::Writer &w, const FormatContext &ctx, const std::vector<ChardevDef> &consoles,
                               const std::vector<ChardevDef> &serials, bool hvm);
    // The indexes of the virtio-serial controllers the virtio channels and consoles need, in
    // libvirt's order (channels, then consoles); the controller family adds the missing ones.
    static std::vector<unsigned int> virtioSerialControllers(const DomainDef &def);
};

} // namespace vh::conf
