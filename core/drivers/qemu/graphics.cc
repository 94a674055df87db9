#include "drivers/qemu/graphics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/qemu/device_props.h"

namespace vh::drv::qemu {

namespace {

constexpr int kVncPortMin = 5900;     // display 0
constexpr int kVncPortMax = 65535;

Error unsupported(const std::string &what)
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED, what + " is not supported by the QEMU driver yet");
}

const char *deviceFor(conf::VideoModel m)
{
    switch (m) {
    case conf::VideoModel::Vga:
        return "VGA";
    case conf::VideoModel::Cirrus:
        return "cirrus-vga";
    case conf::VideoModel::Virtio:
        return "virtio-vga";
    case conf::VideoModel::Bochs:
        return "bochs-display";
    default:
        return nullptr;
    }
}

// Whether nothing listens on port at address (IPv4 or IPv6) right now.
bool portFree(const std::string &address, int port)
{
    sockaddr_storage ss{};
    socklen_t len;
    auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        len = sizeof(*v6);
    } else {
        return false;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));    // as QEMU binds it
    bool ok = bind(fd, reinterpret_cast<sockaddr *>(&ss), len) == 0;
    close(fd);
    return ok;
}

} // namespace

Result<void> validateDisplay(const conf::DomainDef &def)
{
    if (def.devices.graphics.size() > 1)
        return unsupported("more than one graphics device");
    for (const auto &g : def.devices.graphics) {
        if (g.type != conf::GraphicsType::Vnc)
            return unsupported("graphics type '" + std::string(conf::kGraphicsType.name(g.type)) + "'");
        if (g.passwd || g.websocket)
            return unsupported("a VNC password or websocket");
        for (const auto &l : g.listens) {
            if (l.type == conf::ListenType::Network)
                return unsupported("VNC listen type 'network'");
        }
    }
    for (size_t i = 0; i < def.devices.videos.size(); ++i) {
        const conf::VideoDef &v = def.devices.videos[i];
        if (v.model == conf::VideoModel::None)
            continue;
        if (!deviceFor(v.model) || i > 0)
            return unsupported((i > 0 ? "secondary video model '" : "video model '") +
                               std::string(conf::kVideoModel.name(v.model)) + "'");
        if (v.heads > 1 && v.model != conf::VideoModel::Virtio)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "multiple heads are not supported for video model '" +
                                   std::string(conf::kVideoModel.name(v.model)) + "'");
    }
    return {};
}

Result<void> assignDisplay(conf::DomainDef &def, const std::string &runDir)
{
    for (auto &g : def.devices.graphics) {
        if (g.type != conf::GraphicsType::Vnc)
            continue;
        if (g.listens.empty())
            g.listens.push_back({conf::ListenType::Address, std::nullopt, std::nullopt, std::nullopt});
        conf::GraphicsListen &l = g.listens[0];
        if (l.type == conf::ListenType::Socket) {
            if (!l.socket)
                l.socket = runDir + "/" + def.name + ".vnc";
            continue;
        }
        if (l.type != conf::ListenType::Address)
            continue;
        if (!l.address)
            l.address = "127.0.0.1";
        if (!g.autoport)
            continue;
        int port = kVncPortMin;
        while (port <= kVncPortMax && !portFree(*l.address, port))
            ++port;
        if (port > kVncPortMax)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "Unable to find an unused port for VNC");
        g.port = port;
    }
    return {};
}

void appendDisplay(const conf::DomainDef &def, std::vector<std::string> &argv)
{
    for (size_t i = 0; i < def.devices.videos.size(); ++i) {
        const conf::VideoDef &v = def.devices.videos[i];
        const char *device = deviceFor(v.model);
        if (!device)
            continue;
        std::string dev = std::string(device) + ",id=video" + std::to_string(i);
        // a VGA's video memory is its vram (libvirt's mapping)
        if (v.vram && v.model == conf::VideoModel::Vga)
            dev += ",vgamem_mb=" + std::to_string(v.vram / 1024);
        if (v.heads > 1)
            dev += ",max_outputs=" + std::to_string(v.heads);
        argv.insert(argv.end(), {"-device", dev});
    }
    for (const auto &g : def.devices.graphics) {
        std::string vnc;
        const conf::GraphicsListen *l = g.listens.empty() ? nullptr : &g.listens[0];
        if (l && l->type == conf::ListenType::None) {
            vnc = "none";
        } else if (l && l->type == conf::ListenType::Socket) {
            vnc = "unix:" + optEscape(l->socket.value_or(""));
        } else {
            std::string addr = l && l->address ? *l->address : "127.0.0.1";
            if (addr.find(':') != std::string::npos)
                addr = "[" + addr + "]";
            int port = g.port >= kVncPortMin ? g.port : kVncPortMin;
            vnc = addr + ":" + std::to_string(port - kVncPortMin);
        }
        argv.insert(argv.end(), {"-vnc", vnc});
        if (g.keymap)
            argv.insert(argv.end(), {"-k", *g.keymap});
    }
}

bool hasScreens(const conf::DomainDef &def)
{
    for (const auto &v : def.devices.videos)
        if (v.model != conf::VideoModel::None)
            return true;
    return false;
}

} // namespace vh::drv::qemu
