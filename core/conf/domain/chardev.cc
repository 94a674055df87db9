#include "conf/domain/chardev.h"

#include "conf/domain/domain_def.h"

#include <algorithm>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <libvirt/virterror.h>

namespace vh::conf {

// ---- pieces shared by several device families ---------------------------------------------

void formatVirtioDriver(xml::Writer &w, const VirtioOptions &o)
{
    if (o.empty())
        return;
    w.start("driver");
    o.formatAttrs(w);
    w.end();
}

Result<void> checkVirtioAbsent(const VirtioOptions &o)
{
    if (o.iommu)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "iommu driver option is only supported for virtio devices");
    if (o.ats)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "ats driver option is only supported for virtio devices");
    if (o.packed)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "packed driver option is only supported for virtio devices");
    if (o.pagePerVq)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "page_per_vq option is only supported for virtio devices");
    return {};
}

// ---- the host side of a character device --------------------------------------------------

namespace {

enum class SourceMode { Connect, Bind, Last };
VH_ENUM_TABLE(kSourceMode, SourceMode, "connect", "bind");

Result<bool> parseListen(const Props &p)
{
    auto mode = p.enumeration("mode", kSourceMode);
    if (!mode)
        return std::move(mode).error();
    return *mode == SourceMode::Bind;
}

Result<void> parseReconnect(const xmlNode *source, ChardevSource &s)
{
    const xmlNode *r = xml::child(source, "reconnect");
    if (!r)
        return {};
    Props p(r);
    auto enabled = p.yesNo("enabled");
    if (!enabled)
        return std::move(enabled).error();
    s.reconnect = *enabled;
    if (s.reconnect == true) {
        auto timeout = p.uint("timeout", PROP_REQUIRED);
        if (!timeout)
            return std::move(timeout).error();
        s.reconnectTimeout = **timeout;
    }
    return {};
}

// The attributes of one <source> for the source's type.
Result<void> parseSource(ChardevSource &s, const xmlNode *src, const ParseContext &ctx, bool withSeclabels)
{
    Props p(src);
    auto seclabels = [&]() -> Result<void> {
        if (!withSeclabels)
            return {};
        auto l = DeviceSeclabel::parseAll(src, ctx);
        if (!l)
            return std::move(l).error();
        s.seclabels = std::move(*l);
        return {};
    };
    switch (s.type) {
    case ChrType::Pty:
        // a persistent config keeps no pty path
        if (ctx.inactive())
            break;
        [[fallthrough]];
    case ChrType::Dev:
    case ChrType::File:
    case ChrType::Pipe:
        s.path = p.str("path").value_or("");
        if (s.type == ChrType::File) {
            auto append = p.onOff("append");
            if (!append)
                return std::move(append).error();
            s.append = *append;
        }
        VH_TRY(seclabels());
        break;
    case ChrType::Udp: {
        auto listen = parseListen(p);
        if (!listen)
            return std::move(listen).error();
        // the first source of each mode counts
        std::string &host = *listen ? s.bindHost : s.host;
        std::string &service = *listen ? s.bindService : s.service;
        if (host.empty() && service.empty()) {
            host = p.str("host").value_or("");
            service = p.str("service").value_or("");
        }
        break;
    }
    case ChrType::Tcp: {
        auto listen = parseListen(p);
        if (!listen)
            return std::move(listen).error();
        s.listen = *listen;
        s.host = p.str("host").value_or("");
        s.service = p.str("service").value_or("");
        auto tls = p.yesNo("tls");
        if (!tls)
            return std::move(tls).error();
        s.tls = *tls;
        VH_TRY(parseReconnect(src, s));
        break;
    }
    case ChrType::Unix: {
        auto listen = parseListen(p);
        if (!listen)
            return std::move(listen).error();
        s.listen = *listen;
        s.path = p.str("path").value_or("");
        VH_TRY(parseReconnect(src, s));
        VH_TRY(seclabels());
        break;
    }
    case ChrType::Nmdm:
        s.master = p.str("master").value_or("");
        s.slave = p.str("slave").value_or("");
        break;
    case ChrType::Spiceport:
    case ChrType::Dbus:
        s.channel = p.str("channel").value_or("");
        break;
    case ChrType::QemuVdagent:
        for (const xmlNode *c : xml::Children(src)) {
            if (xml::is(c, "clipboard")) {
                auto cp = Props(c).yesNo("copypaste", PROP_REQUIRED);
                if (!cp)
                    return std::move(cp).error();
                s.copypaste = *cp;
            } else if (xml::is(c, "mouse")) {
                auto mode = Props(c).enumeration("mode", kChrMouseMode, PROP_REQUIRED | PROP_NONE_INVALID);
                if (!mode)
                    return std::move(mode).error();
                s.mouse = **mode;
            }
        }
        break;
    default:
        break;
    }
    return {};
}

} // namespace

Result<ChardevSource> ChardevSource::parse(ChrType type, const xmlNode *n, const ParseContext &ctx, bool withSeclabels)
{
    ChardevSource s;
    s.type = type;
    const xmlNode *sources[2] = {};
    size_t nsources = 0;
    const xmlNode *log = nullptr, *protocol = nullptr;
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "source")) {
            size_t max = type == ChrType::Udp ? 2 : 1;
            if (nsources == max)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                   max == 2 ? "only two source elements are allowed for character device"
                                            : "only one source element is allowed for character device");
            sources[nsources++] = c;
        } else if (xml::is(c, "log")) {
            if (log)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one log element is allowed for character device");
            log = c;
        } else if (xml::is(c, "protocol")) {
            if (protocol)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one protocol element is allowed for character device");
            protocol = c;
        }
    }
    for (size_t i = 0; i < nsources; i++)
        VH_TRY(parseSource(s, sources[i], ctx, withSeclabels));
    if (log) {
        Props p(log);
        s.logFile = p.str("file").value_or("");
        auto append = p.onOff("append");
        if (!append)
            return std::move(append).error();
        s.logAppend = *append;
    }
    if (protocol && type == ChrType::Tcp) {
        if (auto t = xml::attr(protocol, "type")) {
            auto proto = kChrTcpProtocol.parse(*t);
            if (!proto)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown protocol '%s'", t->c_str());
            s.protocol = *proto;
        }
    }
    return s;
}

namespace {

void formatReconnect(xml::Writer &w, const ChardevSource &s)
{
    if (!s.reconnect)
        return;
    w.start("reconnect").attr("enabled", yesNo(*s.reconnect));
    if (*s.reconnect)
        w.attr("timeout", s.reconnectTimeout);
    w.end();
}

void udpSource(xml::Writer &w, const char *mode, const std::string &host, const std::string &service)
{
    if (host.empty() && service.empty())
        return;
    w.start("source").attr("mode", mode);
    if (!host.empty())
        w.attr("host", host);
    if (!service.empty())
        w.attr("service", service);
    w.end();
}

} // namespace

void ChardevSource::format(xml::Writer &w, const FormatContext &ctx) const
{
    switch (type) {
    case ChrType::Pty:
        if (path.empty() || ctx.inactive())
            break;
        [[fallthrough]];
    case ChrType::Dev:
    case ChrType::File:
    case ChrType::Pipe:
        w.start("source");
        if (!path.empty())
            w.attr("path", path);
        if (type == ChrType::File && append)
            w.attr("append", onOff(*append));
        DeviceSeclabel::formatAll(w, seclabels);
        w.end();
        break;
    case ChrType::Nmdm:
        if (master.empty() && slave.empty())
            break;
        w.start("source");
        if (!master.empty())
            w.attr("master", master);
        if (!slave.empty())
            w.attr("slave", slave);
        w.end();
        break;
    case ChrType::Udp:
        udpSource(w, "bind", bindHost, bindService);
        udpSource(w, "connect", host, service);
        break;
    case ChrType::Tcp:
        w.start("source").attr("mode", listen ? "bind" : "connect");
        if (!host.empty())
            w.attr("host", host);
        if (!service.empty())
            w.attr("service", service);
        if (tls)
            w.attr("tls", yesNo(*tls));
        formatReconnect(w, *this);
        w.end();
        w.start("protocol").attr("type", kChrTcpProtocol.name(protocol)).end();
        break;
    case ChrType::Unix:
        if (path.empty())
            break;
        w.start("source").attr("mode", listen ? "bind" : "connect").attr("path", path);
        DeviceSeclabel::formatAll(w, seclabels);
        formatReconnect(w, *this);
        w.end();
        break;
    case ChrType::Spiceport:
    case ChrType::Dbus:
        if (!channel.empty())
            w.start("source").attr("channel", channel).end();
        break;
    case ChrType::QemuVdagent:
        if (!copypaste && mouse == ChrMouseMode::Default)
            break;
        w.start("source");
        if (copypaste)
            w.start("clipboard").attr("copypaste", yesNo(*copypaste)).end();
        if (mouse != ChrMouseMode::Default)
            w.start("mouse").attr("mode", kChrMouseMode.name(mouse)).end();
        w.end();
        break;
    default:
        break;
    }
    if (!logFile.empty()) {
        w.start("log").attr("file", logFile);
        if (logAppend)
            w.attr("append", onOff(*logAppend));
        w.end();
    }
}

Result<void> ChardevSource::validate(bool unixPathOptional) const
{
    auto missing = [](const char *what) {
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Missing source %s attribute for char device", what);
    };
    auto reconnectMode = [this]() -> Result<void> {
        if (reconnect && listen)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "chardev reconnect is possible only for connect mode");
        return {};
    };
    switch (type) {
    case ChrType::Dev:
    case ChrType::File:
    case ChrType::Pipe:
        if (path.empty())
            return missing("path");
        break;
    case ChrType::Nmdm:
        if (master.empty() != slave.empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                               "Should define both master and slave path attributes for nmdm device");
        break;
    case ChrType::Tcp:
        if (host.empty())
            return missing("host");
        if (service.empty())
            return missing("service");
        VH_TRY(reconnectMode());
        break;
    case ChrType::Udp:
        if (service.empty())
            return missing("service");
        break;
    case ChrType::Unix:
        if (path.empty() && !unixPathOptional)
            return missing("path");
        VH_TRY(reconnectMode());
        break;
    case ChrType::Spiceport:
    case ChrType::Dbus:
        if (channel.empty())
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Missing source channel attribute for char device");
        break;
    default:
        break;
    }
    return {};
}

bool ChardevSource::sameAs(const ChardevSource &o) const
{
    if (type != o.type)
        return false;
    switch (type) {
    case ChrType::File:
        return path == o.path && append == o.append;
    case ChrType::Pty:
    case ChrType::Dev:
    case ChrType::Pipe:
        return path == o.path;
    case ChrType::Udp:
        return host == o.host && service == o.service && bindHost == o.bindHost && bindService == o.bindService;
    case ChrType::Tcp:
        return listen == o.listen && host == o.host && service == o.service && tls == o.tls && protocol == o.protocol;
    case ChrType::Unix:
        return listen == o.listen && path == o.path;
    case ChrType::Nmdm:
        return master == o.master && slave == o.slave;
    case ChrType::Spiceport:
    case ChrType::Dbus:
        return channel == o.channel;
    case ChrType::QemuVdagent:
        return copypaste == o.copypaste && mouse == o.mouse;
    default:
        return true;
    }
}

// ---- <serial>, <parallel>, <console>, <channel> -------------------------------------------

namespace {

Error unknownTargetType(const char *value)
{
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                         "unknown target type '%s' specified for character device", value);
}

// A numeric IP address, as libvirt's virSocketAddrParse reads it.
Result<std::string> guestfwdAddress(const std::string &addr)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo *res = nullptr;
    int rc = getaddrinfo(addr.c_str(), nullptr, &hints, &res);
    if (rc != 0)
        return Error::format(VIR_FROM_NONE, VIR_ERR_SYSTEM_ERROR, "Cannot parse socket address '%s': %s", addr.c_str(),
                             gai_strerror(rc));
    bool v4 = res->ai_family == AF_INET;
    char buf[INET_ADDRSTRLEN] = "";
    if (v4)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(res->ai_addr)->sin_addr, buf, sizeof(buf));
    freeaddrinfo(res);
    if (!v4)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "guestfwd channel only supports IPv4 addresses");
    return std::string(buf);
}

Result<void> parseTarget(ChardevDef &d, const xmlNode *t, const ParseContext &ctx)
{
    auto type = xml::attr(t, "type");
    switch (d.kind) {
    case ChrDeviceKind::Serial:
        if (type) {
            auto v = kSerialTargetType.parse(*type);
            if (!v)
                return unknownTargetType(type->c_str());
            d.targetType = static_cast<int>(*v);
        }
        break;
    case ChrDeviceKind::Console:
        if (type) {
            auto v = kConsoleTargetType.parse(*type);
            if (!v)
                return unknownTargetType(type->c_str());
            d.targetType = static_cast<int>(*v);
        }
        // a console without a target type is a serial console
        if (d.targetType == static_cast<int>(ConsoleTargetType::None))
            d.targetType = static_cast<int>(ConsoleTargetType::Serial);
        break;
    case ChrDeviceKind::Channel: {
        auto v = type ? kChannelTargetType.parse(*type) : std::nullopt;
        if (!v)
            return unknownTargetType(type ? type->c_str() : "(null)");
        d.targetType = static_cast<int>(*v);
        break;
    }
    default:
        break;
    }

    if (d.kind == ChrDeviceKind::Channel) {
        switch (static_cast<ChannelTargetType>(d.targetType)) {
        case ChannelTargetType::Guestfwd: {
            auto addr = xml::attr(t, "address");
            if (!addr)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "guestfwd channel does not define a target address");
            auto a = guestfwdAddress(*addr);
            if (!a)
                return std::move(a).error();
            d.guestfwdAddr = std::move(*a);
            auto port = Props(t).uint("port", PROP_REQUIRED);
            if (!port)
                return std::move(port).error();
            d.guestfwdPort = **port & 0xffff;   // libvirt keeps it in 16 bits
            break;
        }
        case ChannelTargetType::Virtio:
        case ChannelTargetType::Xen:
            d.targetName = xml::attr(t, "name").value_or("");
            if (d.targetType == static_cast<int>(ChannelTargetType::Virtio) && !ctx.inactive()) {
                auto state = Props(t).enumeration("state", kChrDeviceState, PROP_NONE_INVALID);
                if (!state)
                    return std::move(state).error();
                d.state = state->value_or(ChrDeviceState::Default);
            }
            break;
        default:
            break;
        }
        return {};
    }

    if (auto port = xml::attr(t, "port")) {
        auto v = num::sint(*port);
        if (!v)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid port number: %s", port->c_str());
        d.port = *v;
    }
    if (d.kind == ChrDeviceKind::Serial) {
        if (const xmlNode *m = xml::child(t, "model")) {
            if (auto name = xml::attr(m, "name")) {
                auto v = kSerialTargetModel.parse(*name);
                if (!v)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                         "unknown target model '%s' specified for character device", name->c_str());
                d.targetModel = *v;
            }
        }
    }
    return {};
}

} // namespace

Result<ChardevDef> ChardevDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    ChardevDef d;
    d.kind = *kChrDeviceKind.parse(reinterpret_cast<const char *>(n->name));
    if (auto type = xml::attr(n, "type")) {
        auto t = kChrType.parse(*type);
        if (!t)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "unknown type presented to host for character device: %s", type->c_str());
        d.source.type = *t;
    }
    if (const xmlNode *t = xml::child(n, "target")) {
        VH_TRY(parseTarget(d, t, ctx));
    } else if (d.kind == ChrDeviceKind::Channel) {
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "target type must be specified for channel device");
    } else if (d.kind == ChrDeviceKind::Console) {
        d.targetType = static_cast<int>(ConsoleTargetType::Serial);
    }

    auto source = ChardevSource::parse(d.source.type, n, ctx, true);
    if (!source)
        return std::move(source).error();
    d.source = std::move(*source);

    // libvirt compares the number with the virtio channel target whatever the kind (so a
    // usb-serial port or a xen console passes)
    if (d.source.type == ChrType::Spicevmc && d.targetType != static_cast<int>(ChannelTargetType::Virtio))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "spicevmc device type only supports virtio");

    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);

    if (d.kind == ChrDeviceKind::Serial && d.targetType == static_cast<int>(SerialTargetType::Usb) &&
        !d.info.address.empty() && d.info.address.type != AddressType::Usb)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "usb-serial requires address of usb type");
    return d;
}

namespace {

// Serial targets whose first port gives an hvm guest its console.
bool consoleCapable(const ChardevDef &serial)
{
    switch (static_cast<SerialTargetType>(serial.targetType)) {
    case SerialTargetType::None:
    case SerialTargetType::Isa:
    case SerialTargetType::SpaprVio:
    case SerialTargetType::System:
    case SerialTargetType::Sclp:
        return true;
    default:
        return false;
    }
}

ChardevDef consoleStub()
{
    ChardevDef c;
    c.kind = ChrDeviceKind::Console;
    c.targetType = static_cast<int>(ConsoleTargetType::Serial);
    c.port = 0;
    return c;
}

// Serial 0 as the console that aliases it.
ChardevDef asConsole(const ChardevDef &serial)
{
    ChardevDef c = serial;
    c.kind = ChrDeviceKind::Console;
    c.targetType = static_cast<int>(ConsoleTargetType::Serial);
    c.targetModel = SerialTargetModel::None;
    c.mirrorsSerial = true;
    c.serialInfo = std::move(c.info);
    c.info = DeviceInfo{};
    return c;
}

bool isSerialConsole(const ChardevDef &c)
{
    return c.targetType == static_cast<int>(ConsoleTargetType::Serial);
}

} // namespace

void ChardevDef::postParseAll(DomainDef &def)
{
    auto &devs = def.devices;
    // ports not given follow the highest one before them
    for (auto *list : {&devs.serials, &devs.parallels}) {
        for (size_t i = 0; i < list->size(); i++) {
            if ((*list)[i].port != -1)
                continue;
            int max = -1;
            for (size_t j = 0; j < i; j++)
                max = std::max(max, (*list)[j].port);
            (*list)[i].port = max + 1;
        }
    }
    for (size_t i = 0; i < devs.consoles.size(); i++)
        devs.consoles[i].port = static_cast<int>(i);

    if (def.os.type != "hvm")
        return;
    auto &serials = devs.serials;
    auto &consoles = devs.consoles;
    if (!consoles.empty() && isSerialConsole(consoles[0])) {
        // the first console of an hvm guest is an alias of serial 0: it becomes serial 0
        // when there is none, and is replaced when it describes another host side
        if (serials.empty()) {
            ChardevDef s = std::move(consoles[0]);
            s.kind = ChrDeviceKind::Serial;
            s.targetType = static_cast<int>(SerialTargetType::None);
            s.port = 0;
            serials.push_back(std::move(s));
            consoles[0] = consoleStub();
        } else if (!serials[0].source.sameAs(consoles[0].source)) {
            consoles[0] = consoleStub();
        }
    } else if (!serials.empty() && consoleCapable(serials[0])) {
        consoles.insert(consoles.begin(), consoleStub());
    }
    // until DevicesDef::format prints consoles with formatConsoles(), the alias carries a
    // copy of serial 0
    if (!consoles.empty() && !serials.empty() && isSerialConsole(consoles[0]))
        consoles[0] = asConsole(serials[0]);
}

Result<void> ChardevDef::postParseCheckAll(const DomainDef &def)
{
    // libvirt refuses this while pairing the console with serial 0
    const auto &consoles = def.devices.consoles;
    for (size_t i = 1; i < consoles.size(); i++)
        if (isSerialConsole(consoles[i]))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Only the first console can be a serial port");
    return {};
}

Result<void> ChardevDef::validateAll(const DomainDef &def)
{
    VH_TRY(postParseCheckAll(def));
    const auto &devs = def.devices;
    for (const auto *list : {&devs.serials, &devs.channels, &devs.consoles, &devs.parallels}) {
        for (const ChardevDef &c : *list) {
            bool namedSocket = c.kind == ChrDeviceKind::Channel &&
                               (c.targetType == static_cast<int>(ChannelTargetType::Virtio) ||
                                c.targetType == static_cast<int>(ChannelTargetType::Xen));
            VH_TRY(c.source.validate(namedSocket));
        }
    }
    return {};
}

void ChardevDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start(kChrDeviceKind.name(kind)).attr("type", kChrType.name(source.type));
    // the pty of the first console, as libvirt has always shown it
    if (kind == ChrDeviceKind::Console && port == 0 && source.type == ChrType::Pty && !ctx.inactive() &&
        !source.path.empty())
        w.attr("tty", source.path);
    w.open();
    source.format(w, ctx);
    switch (kind) {
    case ChrDeviceKind::Parallel:
        w.start("target").attr("port", port).end();
        break;
    case ChrDeviceKind::Serial:
        w.start("target");
        if (targetType != static_cast<int>(SerialTargetType::None))
            w.attr("type", kSerialTargetType.name(static_cast<SerialTargetType>(targetType)));
        w.attr("port", port);
        if (targetModel != SerialTargetModel::None)
            w.start("model").attr("name", kSerialTargetModel.name(targetModel)).end();
        w.end();
        break;
    case ChrDeviceKind::Console:
        w.start("target").attr("type", kConsoleTargetType.name(static_cast<ConsoleTargetType>(targetType)));
        w.attr("port", port).end();
        break;
    case ChrDeviceKind::Channel: {
        auto type = static_cast<ChannelTargetType>(targetType);
        w.start("target").attr("type", kChannelTargetType.name(type));
        if (type == ChannelTargetType::Guestfwd) {
            w.attr("address", guestfwdAddr).attr("port", guestfwdPort);
        } else if (type == ChannelTargetType::Virtio || type == ChannelTargetType::Xen) {
            if (!targetName.empty())
                w.attr("name", targetName);
            if (type == ChannelTargetType::Virtio && state != ChrDeviceState::Default && !ctx.inactive())
                w.attr("state", kChrDeviceState.name(state));
        }
        w.end();
        break;
    }
    default:
        break;
    }
    (mirrorsSerial ? serialInfo : info).format(w, ctx, false, false);
    w.end();
}

void ChardevDef::formatConsoles(xml::Writer &w, const FormatContext &ctx, const std::vector<ChardevDef> &consoles,
                                const std::vector<ChardevDef> &serials, bool hvm)
{
    for (size_t i = 0; i < consoles.size(); i++) {
        if (hvm && i < serials.size() && isSerialConsole(consoles[i]))
            asConsole(serials[i]).format(w, ctx);
        else
            consoles[i].format(w, ctx);
    }
}

std::vector<unsigned int> ChardevDef::virtioSerialControllers(const DomainDef &def)
{
    std::vector<unsigned int> out;
    auto need = [&](const ChardevDef &c) {
        unsigned int idx = c.info.address.type == AddressType::VirtioSerial ? c.info.address.controller : 0;
        if (std::find(out.begin(), out.end(), idx) == out.end())
            out.push_back(idx);
    };
    for (const ChardevDef &c : def.devices.channels)
        if (c.targetType == static_cast<int>(ChannelTargetType::Virtio))
            need(c);
    for (const ChardevDef &c : def.devices.consoles)
        if (c.targetType == static_cast<int>(ConsoleTargetType::Virtio))
            need(c);
    return out;
}

} // namespace vh::conf
