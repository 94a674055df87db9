#include "drivers/fd_stream.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/driver_tables.h"
#include "drivers/handles.h"
#include "util/event_loop.h"

namespace vh::drv {

namespace {

Error notOpen()
{
    return Error::make(VIR_FROM_STREAMS, VIR_ERR_INTERNAL_ERROR, "stream is not open");
}

std::shared_ptr<FdStream> stateOf(virStreamPtr st)
{
    return std::static_pointer_cast<FdStream>(st->owner);
}

} // namespace

// What the loop's handle watch carries: the stream's state, weakly, since the watch may be
// freed (by the loop, later) after the state.
struct FdStream::Watch {
    std::weak_ptr<FdStream> state;

    static void onReady(int, int, int events, void *opaque)
    {
        if (auto s = static_cast<Watch *>(opaque)->state.lock())
            s->dispatch(events);
    }
    static void onHangup(int, void *opaque)
    {
        if (auto s = static_cast<Watch *>(opaque)->state.lock()) {
            {
                std::lock_guard<std::mutex> g(s->lock_);
                if (s->timer_ >= 0)
                    event::updateTimeout(s->timer_, -1);   // once
            }
            s->dispatch(VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP);
        }
    }
    static void free(void *opaque) { delete static_cast<Watch *>(opaque); }
};

void FdStream::dispatch(int events)
{
    virStreamEventCallback cb;
    void *opaque;
    virStreamPtr st;
    {
        std::lock_guard<std::mutex> g(lock_);
        cb = cb_;
        opaque = opaque_;
        st = stream_;
        events &= events_ | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP;
        if (!cb || !st || !events)
            return;
        st->ref();     // another thread may remove the callback (and its reference) meanwhile
    }
    cb(st, events, opaque);
    st->unref();
}

class FdStreamDriver final : public StreamDriver {
public:
    Result<int> streamRecv(virStreamPtr st, char *data, size_t nbytes) override { return recv(st, data, nbytes); }
    Result<int> streamRecvFlags(virStreamPtr st, char *data, size_t nbytes, unsigned int flags) override
    {
        // a descriptor has no holes: STOP_AT_HOLE never stops
        if (flags & ~static_cast<unsigned>(VIR_STREAM_RECV_STOP_AT_HOLE))
            return Error::unsupportedFlags(VIR_FROM_STREAMS, "virFDStreamRead", flags);
        return recv(st, data, nbytes);
    }

    Result<int> streamSend(virStreamPtr st, const char *data, size_t nbytes) override
    {
        return transfer(st, POLLOUT, "cannot write to stream", [&](int fd) { return write(fd, data, nbytes); });
    }

    Result<void> streamFinish(virStreamPtr st) override { return end(st, true); }
    Result<void> streamAbort(virStreamPtr st) override { return end(st, false); }

    Result<void> streamEventAddCallback(virStreamPtr st, int events, virStreamEventCallback cb, void *opaque,
                                        virFreeCallback ff) override
    {
        auto s = stateOf(st);
        std::lock_guard<std::mutex> g(s->lock_);
        if (s->cb_)
            return Error::make(VIR_FROM_STREAMS, VIR_ERR_INTERNAL_ERROR, "stream already has a callback registered");
        if (s->fd_ < 0 && !s->aborted_)
            return notOpen();
        auto *w = new FdStream::Watch{s};
        if (s->fd_ >= 0)
            s->watch_ = event::addHandle(s->fd_, events, FdStream::Watch::onReady, w, FdStream::Watch::free);
        else    // aborted already: all that is left to report is the hangup
            s->timer_ = event::addTimeout(0, FdStream::Watch::onHangup, w, FdStream::Watch::free);
        if (s->watch_ < 0 && s->timer_ < 0) {
            delete w;
            return Error::make(VIR_FROM_STREAMS, VIR_ERR_INTERNAL_ERROR, "cannot register file watch on stream");
        }
        s->cb_ = cb;
        s->opaque_ = opaque;
        s->ff_ = ff;
        s->events_ = events;
        st->ref();      // the callback may run until removed, whatever the application frees
        s->stream_ = st;
        return {};
    }

    Result<void> streamEventUpdateCallback(virStreamPtr st, int events) override
    {
        auto s = stateOf(st);
        std::lock_guard<std::mutex> g(s->lock_);
        if (!s->cb_)
            return noCallback();
        s->events_ = events;
        if (s->watch_ >= 0)
            event::updateHandle(s->watch_, events);
        return {};
    }

    Result<void> streamEventRemoveCallback(virStreamPtr st) override
    {
        auto s = stateOf(st);
        void *opaque;
        virFreeCallback ff;
        virStreamPtr held;
        {
            std::lock_guard<std::mutex> g(s->lock_);
            if (!s->cb_)
                return noCallback();
            s->dropWatchLocked();
            opaque = s->opaque_;
            ff = s->ff_;
            held = s->stream_;
            s->cb_ = nullptr;
            s->opaque_ = nullptr;
            s->ff_ = nullptr;
            s->stream_ = nullptr;
        }
        if (ff)
            ff(opaque);
        held->unref();
        return {};
    }

private:
    static Error noCallback()
    {
        return Error::make(VIR_FROM_STREAMS, VIR_ERR_INTERNAL_ERROR, "stream does not have a callback registered");
    }

    static Result<int> recv(virStreamPtr st, char *data, size_t nbytes)
    {
        return transfer(st, POLLIN, "cannot read from stream", [&](int fd) { return read(fd, data, nbytes); });
    }

    // One read or write (io): its count; -2 when it would block a non-blocking stream, which
    // otherwise waits until the descriptor is ready for `ready`.
    template <class Io>
    static Result<int> transfer(virStreamPtr st, short ready, const char *what, Io io)
    {
        auto s = stateOf(st);
        auto fd = s->enter();
        if (!fd)
            return std::move(fd).error();
        Result<int> r = 0;
        for (;;) {
            ssize_t n = io(*fd);
            if (n >= 0) {
                r = static_cast<int>(n);
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno == EIO && ready == POLLIN) {     // a tty whose other side closed (its QEMU exited): the end
                r = 0;
                break;
            }
            if (errno != EAGAIN) {
                r = Error::system(VIR_FROM_STREAMS, errno, what);
                break;
            }
            if (st->flags & VIR_STREAM_NONBLOCK) {
                r = -2;
                break;
            }
            if (auto w = s->wait(*fd, ready); !w) {
                r = std::move(w).error();
                break;
            }
        }
        s->leave();
        return r;
    }

    static Result<void> end(virStreamPtr st, bool finish)
    {
        auto s = stateOf(st);
        std::lock_guard<std::mutex> g(s->lock_);
        if (s->fd_ < 0) {
            // aborting twice is harmless; finishing what is no longer open is not
            if (finish)
                return notOpen();
            return {};
        }
        s->closeLocked();
        return {};
    }
};

namespace {
FdStreamDriver gFdStreams;
}

FdStream::~FdStream()
{
    for (int fd : {fd_, heldFd_})
        if (fd >= 0)
            close(fd);
    close(wake_);
}

bool FdStream::isOpen()
{
    std::lock_guard<std::mutex> g(lock_);
    return fd_ >= 0;
}

void FdStream::abort()
{
    std::lock_guard<std::mutex> g(lock_);
    if (fd_ < 0)
        return;
    aborted_ = true;
    closeLocked();
    if (cb_) {
        // the application learns from its loop that the stream ended
        auto *w = new Watch{weak_from_this()};
        timer_ = event::addTimeout(0, Watch::onHangup, w, Watch::free);
        if (timer_ < 0)
            delete w;
    }
}

Result<int> FdStream::enter()
{
    std::lock_guard<std::mutex> g(lock_);
    if (fd_ < 0)
        return notOpen();
    ++busy_;
    return fd_;
}

void FdStream::leave()
{
    std::lock_guard<std::mutex> g(lock_);
    if (--busy_ == 0 && heldFd_ >= 0)
        close(std::exchange(heldFd_, -1));
}

Result<void> FdStream::wait(int fd, short events)
{
    pollfd fds[2] = {{fd, events, 0}, {wake_, POLLIN, 0}};
    while (poll(fds, 2, -1) < 0) {
        if (errno != EINTR)
            return Error::system(VIR_FROM_STREAMS, errno, "cannot wait for stream");
    }
    std::lock_guard<std::mutex> g(lock_);
    if (fd_ < 0)
        return notOpen();
    return {};
}

void FdStream::closeLocked()
{
    dropWatchLocked();
    if (busy_ > 0) {
        // a Send/Recv still uses the number: closing it now could hand it to another file
        heldFd_ = fd_;
        uint64_t one = 1;
        (void)!write(wake_, &one, sizeof(one));
    } else {
        close(fd_);
    }
    fd_ = -1;
}

void FdStream::dropWatchLocked()
{
    if (watch_ >= 0)
        event::removeHandle(watch_);
    if (timer_ >= 0)
        event::removeTimeout(timer_);
    watch_ = timer_ = -1;
}

Result<std::shared_ptr<FdStream>> openFdStream(virStreamPtr st, int fd)
{
    int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
        int err = errno;
        close(fd);
        return Error::system(VIR_FROM_STREAMS, err, "cannot create a stream");
    }
    // blocking is the stream's choice, made in Send/Recv
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    auto s = std::make_shared<FdStream>(fd, wake);
    st->owner = s;
    st->driver = &gFdStreams;
    return s;
}

} // namespace vh::drv
