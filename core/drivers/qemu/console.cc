#include "drivers/qemu/console.h"

#include <fcntl.h>
#include <map>
#include <termios.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/fd_stream.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

namespace {

// The open console sessions of this process, by pty: one per device (libvirt's rule), the
// stream itself deciding when a session has ended.
std::mutex gSessionsLock;
std::map<std::string, std::weak_ptr<FdStream>> gSessions;

const std::string &aliasOf(const conf::ChardevDef &c)
{
    return c.mirrorsSerial ? c.serialInfo.alias : c.info.alias;
}

// libvirt's choice: dev_name NULL is the first console, else the first serial port; a name is
// a device alias.
const conf::ChardevDef *findChardev(const conf::DomainDef &def, const char *name)
{
    const conf::DevicesDef &d = def.devices;
    if (!name)
        return !d.consoles.empty() ? &d.consoles[0] : !d.serials.empty() ? &d.serials[0] : nullptr;
    for (const auto *list : {&d.consoles, &d.serials, &d.channels, &d.parallels})
        for (const auto &c : *list)
            if (aliasOf(c) == name)
                return &c;
    return nullptr;
}

Result<int> openPty(const std::string &path)
{
    int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "Unable to open tty " + path);
    // bytes as they are: no echo, no line editing, no CR/LF translation
    termios t{};
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}

} // namespace

std::vector<const conf::ChardevDef *> guestSerials(const conf::DomainDef &def)
{
    std::vector<const conf::ChardevDef *> out;
    for (const auto &c : def.devices.serials)
        out.push_back(&c);
    if (def.devices.serials.empty()) {
        for (const auto &c : def.devices.consoles)
            if (!c.mirrorsSerial)
                out.push_back(&c);
    }
    return out;
}

Result<void> recordPtys(conf::DomainDef &def, Monitor &monitor)
{
    std::vector<const conf::ChardevDef *> ports = guestSerials(def);
    bool anyPty = false;
    for (size_t i = 0; i < ports.size(); ++i) {
        // ours to change: def, which these pointers point into
        auto *c = const_cast<conf::ChardevDef *>(ports[i]);
        if (c->info.alias.empty())
            c->info.alias = "serial" + std::to_string(i);
        anyPty |= c->source.type == conf::ChrType::Pty;
    }
    // the console that is serial 0 shows serial 0's alias and (below) its pty
    auto mirror = [&def] {
        for (auto &c : def.devices.consoles) {
            if (c.mirrorsSerial && !def.devices.serials.empty()) {
                c.source = def.devices.serials[0].source;
                c.serialInfo.alias = def.devices.serials[0].info.alias;
            }
        }
    };
    mirror();
    if (!anyPty)
        return {};
    auto chardevs = monitor.execute("query-chardev");
    if (!chardevs)
        return std::move(chardevs).error();
    std::map<std::string, std::string> ptys;     // chardev id -> pty path
    for (const auto &e : *chardevs) {
        std::string file = e.value("filename", std::string());
        if (file.rfind("pty:", 0) == 0)
            ptys[e.value("label", std::string())] = file.substr(4);
    }
    for (size_t i = 0; i < ports.size(); ++i) {
        auto *c = const_cast<conf::ChardevDef *>(ports[i]);
        if (c->source.type != conf::ChrType::Pty)
            continue;
        auto it = ptys.find("charserial" + std::to_string(i));
        if (it == ptys.end())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "no assigned pty for device charserial%zu", i);
        c->source.path = it->second;
    }
    mirror();
    return {};
}

Result<void> QemuDriver::domainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr st, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_CONSOLE_SAFE | VIR_DOMAIN_CONSOLE_FORCE);
    std::string path, name;
    {
        std::unique_lock<std::mutex> g;
        auto obj = findActive(dom, g);
        if (!obj)
            return std::move(obj).error();
        const conf::ChardevDef *c = findChardev(*(*obj)->def, devName);
        if (!c)
            return Error::format(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "cannot find character device %s",
                                 devName ? devName : "<null>");
        name = devName ? devName : aliasOf(*c);
        if (c->source.type != conf::ChrType::Pty || c->source.path.empty())
            return Error::format(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "character device %s is not using a PTY",
                                 name.c_str());
        path = c->source.path;
    }
    std::lock_guard<std::mutex> g(gSessionsLock);
    std::erase_if(gSessions, [](const auto &e) { return e.second.expired(); });
    if (auto old = gSessions[path].lock(); old && old->isOpen()) {
        if (!(flags & VIR_DOMAIN_CONSOLE_FORCE))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "Active console session exists for this domain");
        old->abort();     // its reader sees the end; the new session takes the pty
    }
    auto fd = openPty(path);
    if (!fd)
        return std::move(fd).error();
    auto stream = openFdStream(st, *fd);
    if (!stream)
        return std::move(stream).error();
    gSessions[path] = *stream;
    return {};
}

} // namespace vh::drv::qemu
