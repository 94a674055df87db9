// virthub shell: the commands that move data over a stream, as virsh's do: console (the
// guest's serial console, both ways, until ^] or its end) and screenshot (the guest's screen
// into a file).
#include "command.h"
#include "output.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>

namespace virthub {

namespace {

constexpr char kEscape = 0x1d;    // ^]

// The console session's state, shared by the event loop's callbacks.
struct Console {
    virStreamPtr st = nullptr;
    int stdinWatch = -1;
    std::string toGuest;     // typed, not yet sent
    bool quit = false;
    bool failed = false;

    void wantWrite(bool on)
    {
        virStreamEventUpdateCallback(st, VIR_STREAM_EVENT_READABLE | (on ? VIR_STREAM_EVENT_WRITABLE : 0));
    }

    static void onStream(virStreamPtr st, int events, void *opaque)
    {
        auto *c = static_cast<Console *>(opaque);
        if (events & VIR_STREAM_EVENT_READABLE) {
            char buf[4096];
            for (int i = 0; i < 64; ++i) {      // what is there now; the loop calls again for more
                int n = virStreamRecv(st, buf, sizeof buf);
                if (n == -2)
                    break;
                if (n <= 0) {
                    c->quit = true;
                    c->failed = n < 0;
                    return;
                }
                for (int off = 0; off < n;) {
                    ssize_t w = write(STDOUT_FILENO, buf + off, n - off);
                    if (w < 0 && errno != EINTR) {
                        c->quit = true;
                        return;
                    }
                    off += w > 0 ? static_cast<int>(w) : 0;
                }
            }
        }
        if ((events & VIR_STREAM_EVENT_WRITABLE) && !c->toGuest.empty()) {
            int n = virStreamSend(st, c->toGuest.data(), c->toGuest.size());
            if (n < 0 && n != -2) {
                c->quit = c->failed = true;
                return;
            }
            if (n > 0)
                c->toGuest.erase(0, n);
            if (c->toGuest.empty())
                c->wantWrite(false);
        }
        if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP))
            c->quit = true;
    }

    static void onStdin(int watch, int fd, int, void *opaque)
    {
        auto *c = static_cast<Console *>(opaque);
        char buf[1024];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            // nothing more to type: the guest's output still comes until ^] or its end
            virEventRemoveHandle(watch);
            c->stdinWatch = -1;
            return;
        }
        if (const void *esc = memchr(buf, kEscape, n)) {
            n = static_cast<const char *>(esc) - buf;
            c->quit = true;
        }
        c->toGuest.append(buf, n);
        if (!c->toGuest.empty())
            c->wantWrite(true);
    }
};

// stdin in raw mode while the console runs, when it is a terminal.
struct RawTerminal {
    termios saved{};
    bool active = false;
    RawTerminal()
    {
        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
            return;
        termios raw = saved;
        cfmakeraw(&raw);
        active = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
    }
    ~RawTerminal()
    {
        if (active)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    }
};

struct StreamRef {
    virStreamPtr st;
    ~StreamRef()
    {
        if (st)
            virStreamFree(st);
    }
};

struct DomainHold {
    virDomainPtr dom;
    ~DomainHold()
    {
        if (dom)
            virDomainFree(dom);
    }
};

bool runConsole(Ctl &ctl, virDomainPtr dom, const char *devname, unsigned int flags)
{
    StreamRef st{virStreamNew(ctl.conn, VIR_STREAM_NONBLOCK)};
    if (!st.st || virDomainOpenConsole(dom, devname, st.st, flags) < 0)
        return false;
    Console c;
    c.st = st.st;
    if (virStreamEventAddCallback(st.st, VIR_STREAM_EVENT_READABLE, Console::onStream, &c, nullptr) < 0) {
        virStreamAbort(st.st);
        return false;
    }
    c.stdinWatch = virEventAddHandle(STDIN_FILENO, VIR_EVENT_HANDLE_READABLE, Console::onStdin, &c, nullptr);
    {
        RawTerminal raw;
        while (!c.quit && virEventRunDefaultImpl() == 0) {
        }
    }
    if (c.stdinWatch >= 0)
        virEventRemoveHandle(c.stdinWatch);
    virStreamEventRemoveCallback(st.st);
    if (c.failed) {
        virStreamAbort(st.st);
        return false;
    }
    virStreamFinish(st.st);
    return true;
}

int saveChunk(virStreamPtr, const char *data, size_t n, void *opaque)
{
    return static_cast<int>(write(*static_cast<int *>(opaque), data, n));
}

// virsh's name for a screenshot file: DOMAIN-YYYY-MM-DD-HH:MM:SS with the type's extension.
std::string screenshotName(const char *domain, const char *mime)
{
    char stamp[64];
    time_t now = time(nullptr);
    tm t{};
    localtime_r(&now, &t);
    strftime(stamp, sizeof stamp, "%Y-%m-%d-%H:%M:%S", &t);
    const char *ext = strcmp(mime, "image/x-portable-pixmap") == 0 ? ".ppm" : strcmp(mime, "image/png") == 0 ? ".png" : "";
    return std::string(domain) + "-" + stamp + ext;
}

}  // namespace

const OptDef consoleOpts[] = {
    {"domain", OptType::String, OPT_REQ, "name, ID or UUID of the domain"},
    {"devname", OptType::String, 0, "the character device's alias (default: the first console or serial port)"},
    {"safe", OptType::Bool, 0, "only connect when the driver can keep the session safe"},
    {"force", OptType::Bool, 0, "take the console over from a session that holds it"},
    {nullptr, OptType::Bool, 0, nullptr},
};

const OptDef screenshotOpts[] = {
    {"domain", OptType::String, OPT_REQ, "name, ID or UUID of the domain"},
    {"file", OptType::String, 0, "where to save the image (default: DOMAIN-DATE with the image type's extension)"},
    {"screen", OptType::Number, 0, "which screen to capture (default: 0)"},
    {nullptr, OptType::Bool, 0, nullptr},
};

bool cmdConsole(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr, *devname = nullptr;
    DomainHold dom{commandDomain(ctl, cmd, "domain", &name)};
    if (!dom.dom || optString(ctl, cmd, "devname", &devname) < 0)
        return false;
    int state = 0;
    if (virDomainGetState(dom.dom, &state, nullptr, 0) < 0) {
        printError("%s", "Unable to get domain status");
        return false;
    }
    if (state == VIR_DOMAIN_SHUTOFF) {
        printError("%s", "The domain is not running");
        return false;
    }
    unsigned int flags = (cmd.has("force") ? VIR_DOMAIN_CONSOLE_FORCE : 0) | (cmd.has("safe") ? VIR_DOMAIN_CONSOLE_SAFE : 0);
    printExtra(ctl, "Connected to domain '%s'\n", virDomainGetName(dom.dom));
    printExtra(ctl, "Escape character is ^] (Ctrl + ])\n");
    fflush(stdout);
    return runConsole(ctl, dom.dom, devname, flags);
}

bool cmdScreenshot(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr, *file = nullptr;
    unsigned int screen = 0;
    DomainHold dom{commandDomain(ctl, cmd, "domain", &name)};
    if (!dom.dom || optString(ctl, cmd, "file", &file) < 0 || optUInt(ctl, cmd, "screen", &screen) < 0)
        return false;
    StreamRef st{virStreamNew(ctl.conn, 0)};
    char *mime = st.st ? virDomainScreenshot(dom.dom, st.st, screen, 0) : nullptr;
    if (!mime) {
        printError("could not take a screenshot of %s", name);
        return false;
    }
    std::string path = file ? file : screenshotName(name, mime);
    bool ok = false;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        printError("cannot create file %s", path.c_str());
    } else if (virStreamRecvAll(st.st, saveChunk, &fd) < 0) {
        printError("could not receive data from domain %s", name);
    } else if (close(std::exchange(fd, -1)) < 0) {
        printError("cannot close file %s", path.c_str());
    } else if (virStreamFinish(st.st) < 0) {
        printError("cannot close stream on domain %s", name);
    } else {
        printExtra(ctl, "Screenshot saved to %s, with type of %s\n", path.c_str(), mime);
        ok = true;
    }
    if (fd >= 0)
        close(fd);
    if (!ok && !file)
        unlink(path.c_str());     // a name we made up holds nothing useful
    free(mime);
    return ok;
}

}  // namespace virthub
