#include "drivers/qemu/monitor.h"

#include <cerrno>
#include <cstring>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvirt/virterror.h>

namespace vh::drv::qemu {

namespace {

Error monitorError(const std::string &what)
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "QEMU monitor: " + what);
}

// Reads one line from a blocking socket, with a deadline for the greeting; false at EOF.
bool readLine(int fd, std::string &buffer, std::string &line, int timeoutMs)
{
    for (int rounds = 0; rounds < 1 << 20; ++rounds) {
        size_t nl = buffer.find('\n');
        if (nl != std::string::npos) {
            line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            return true;
        }
        if (timeoutMs >= 0) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, timeoutMs) <= 0)
                return false;
        }
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buffer.append(chunk, static_cast<size_t>(n));
    }
    return false;
}

// Sends text; passFd, when given, rides along with its first byte (SCM_RIGHTS).
bool writeAll(int fd, const std::string &text, int passFd = -1)
{
    size_t done = 0;
    if (passFd >= 0) {
        iovec iov{const_cast<char *>(text.data()), 1};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &passFd, sizeof(int));
        ssize_t n;
        while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
        }
        if (n != 1)
            return false;
        done = 1;
    }
    while (done < text.size()) {
        ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

} // namespace

Result<std::unique_ptr<Monitor>> Monitor::connect(const std::string &path, std::chrono::milliseconds timeout,
                                                  EventHandler onEvent, EofHandler onEof, std::function<bool()> alive)
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return monitorError("socket path too long: " + path);
    memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int fd = -1;
    // QEMU creates the socket a few milliseconds after it starts
    for (int attempt = 0; attempt < 100000; ++attempt) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return monitorError(std::string("socket: ") + strerror(errno));
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0)
            break;
        int err = errno;
        close(fd);
        fd = -1;
        if ((err != ENOENT && err != ECONNREFUSED) || std::chrono::steady_clock::now() >= deadline)
            return monitorError("cannot connect to " + path + ": " + strerror(err));
        if (alive && !alive())
            return monitorError("QEMU exited before opening " + path);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (fd < 0)
        return monitorError("cannot connect to " + path);
    std::unique_ptr<Monitor> mon(new Monitor(fd, std::move(onEvent), std::move(onEof)));
    // the greeting, then capabilities negotiation, before the reader thread takes the socket
    std::string buffer, line;
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (!readLine(fd, buffer, line, std::max(left, 100)))
        return monitorError("no greeting on " + path);
    Json greeting = Json::parse(line, nullptr, false);
    if (greeting.is_discarded() || !greeting.contains("QMP"))
        return monitorError("not a QMP greeting on " + path);
    const Json &v = greeting["QMP"]["version"]["qemu"];
    mon->version_ = v.value("major", 0UL) * 1000000 + v.value("minor", 0UL) * 1000 + v.value("micro", 0UL);
    if (!writeAll(fd, "{\"execute\":\"qmp_capabilities\"}\n"))
        return monitorError("cannot negotiate capabilities");
    for (int lines = 0; lines < 1000; ++lines) {
        if (!readLine(fd, buffer, line, 5000))
            return monitorError("no reply to qmp_capabilities");
        Json reply = Json::parse(line, nullptr, false);
        if (reply.contains("return"))
            break;
        if (reply.contains("error"))
            return monitorError("qmp_capabilities refused");
    }
    mon->reader_ = std::thread([m = mon.get(), rest = std::move(buffer)]() mutable {
        // lines that arrived with the reply are dispatched first
        size_t nl;
        while ((nl = rest.find('\n')) != std::string::npos) {
            m->dispatch(rest.substr(0, nl));
            rest.erase(0, nl + 1);
        }
        m->readLoop();
    });
    return mon;
}

Monitor::~Monitor()
{
    shutdown(fd_, SHUT_RDWR);
    if (reader_.joinable()) {
        if (reader_.get_id() == std::this_thread::get_id())
            reader_.detach();      // destroyed from its own EOF handler
        else
            reader_.join();
    }
    close(fd_);
}

bool Monitor::closed()
{
    std::lock_guard<std::mutex> g(lock_);
    return eof_;
}

void Monitor::readLoop()
{
    std::string buffer, line;
    while (readLine(fd_, buffer, line, -1))
        dispatch(line);
    {
        std::lock_guard<std::mutex> g(lock_);
        eof_ = true;
    }
    replied_.notify_all();
    if (onEof_)
        onEof_();
}

void Monitor::dispatch(const std::string &line)
{
    // a message of an unexpected shape is dropped: it must not end the process
    try {
        dispatchMessage(line);
    } catch (const Json::exception &) {
    }
}

void Monitor::dispatchMessage(const std::string &line)
{
    Json msg = Json::parse(line, nullptr, false);
    if (msg.is_discarded() || !msg.is_object())
        return;
    if (msg.contains("event")) {
        unsigned long seq = ++events_;
        if (onEvent_) {
            const Json &ts = msg.value("timestamp", Json::object());
            onEvent_(msg["event"].get<std::string>(), msg.value("data", Json::object()), ts.value("seconds", 0LL),
                     ts.value("microseconds", 0U), seq);
        }
        return;
    }
    if (msg.contains("id") && msg["id"].is_number_unsigned()) {
        auto id = msg["id"].get<unsigned long>();
        std::lock_guard<std::mutex> g(lock_);
        replies_[id] = std::move(msg);
        replied_.notify_all();
    }
}

Result<Json> Monitor::execute(const std::string &command, const Json &arguments, std::chrono::milliseconds timeout)
{
    return send(command, arguments, -1, timeout);
}

Result<void> Monitor::passFd(const std::string &name, int fd)
{
    auto r = send("getfd", {{"fdname", name}}, fd, std::chrono::seconds(30));
    return r ? Result<void>() : Result<void>(std::move(r).error());
}

Result<Json> Monitor::send(const std::string &command, const Json &arguments, int fd, std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> g(lock_);
    if (eof_)
        return monitorError("the monitor is closed (QEMU exited)");
    unsigned long id = nextId_++;
    Json msg = {{"execute", command}, {"id", id}};
    if (!arguments.empty())
        msg["arguments"] = arguments;
    if (!writeAll(fd_, msg.dump() + "\n", fd))
        return monitorError("cannot send " + command);
    if (!replied_.wait_for(g, timeout, [&] { return eof_ || replies_.count(id); }))
        return monitorError("no reply to " + command);
    auto it = replies_.find(id);
    if (it == replies_.end())
        return monitorError("QEMU exited during " + command);
    Json reply = std::move(it->second);
    replies_.erase(it);
    if (reply.contains("error"))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR,
                           "unable to execute QEMU command '" + command + "': " +
                               reply["error"].value("desc", std::string("unknown error")));
    return reply.value("return", Json::object());
}

} // namespace vh::drv::qemu
