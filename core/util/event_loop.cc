#include "util/event_loop.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <vector>

namespace vh::event {

namespace {

std::mutex implLock;
Impl impl;

Impl current()
{
    std::lock_guard<std::mutex> g(implLock);
    return impl;
}

} // namespace

void registerImpl(const Impl &i)
{
    std::lock_guard<std::mutex> g(implLock);
    if (impl.addHandle || impl.addTimeout)
        return;
    impl = i;
}

bool registered()
{
    return current().addTimeout != nullptr;
}

int addHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    Impl i = current();
    return i.addHandle ? i.addHandle(fd, events, cb, opaque, ff) : -1;
}

void updateHandle(int watch, int events)
{
    Impl i = current();
    if (i.updateHandle)
        i.updateHandle(watch, events);
}

int removeHandle(int watch)
{
    Impl i = current();
    return i.removeHandle ? i.removeHandle(watch) : -1;
}

int addTimeout(int ms, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    Impl i = current();
    return i.addTimeout ? i.addTimeout(ms, cb, opaque, ff) : -1;
}

void updateTimeout(int timer, int ms)
{
    Impl i = current();
    if (i.updateTimeout)
        i.updateTimeout(timer, ms);
}

int removeTimeout(int timer)
{
    Impl i = current();
    return i.removeTimeout ? i.removeTimeout(timer) : -1;
}

namespace loop {

namespace {

using Clock = std::chrono::steady_clock;

struct Handle {
    int watch, fd, events;
    virEventHandleCallback cb;
    void *opaque;
    virFreeCallback ff;
    bool deleted = false;
};

struct Timer {
    int timer, interval;    // interval < 0: disabled
    Clock::time_point due;
    virEventTimeoutCallback cb;
    void *opaque;
    virFreeCallback ff;
    bool deleted = false;
};

struct Loop {
    std::mutex lock;
    std::vector<Handle> handles;
    std::vector<Timer> timers;
    int nextWatch = 1, nextTimer = 1;
    int wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

    void wake()
    {
        uint64_t one = 1;
        if (write(wakeFd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
            // the loop will still notice the change on its next timeout
        }
    }
    Handle *handle(int watch)
    {
        for (Handle &h : handles)
            if (h.watch == watch && !h.deleted)
                return &h;
        return nullptr;
    }
    Timer *timer(int id)
    {
        for (Timer &t : timers)
            if (t.timer == id && !t.deleted)
                return &t;
        return nullptr;
    }
};

Loop &theLoop()
{
    static Loop *l = new Loop;    // lives for the process: callbacks may run during exit
    return *l;
}

short toPoll(int events)
{
    short e = 0;
    if (events & VIR_EVENT_HANDLE_READABLE)
        e |= POLLIN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        e |= POLLOUT;
    return e;
}

int fromPoll(short revents)
{
    int e = 0;
    if (revents & POLLIN)
        e |= VIR_EVENT_HANDLE_READABLE;
    if (revents & POLLOUT)
        e |= VIR_EVENT_HANDLE_WRITABLE;
    if (revents & (POLLERR | POLLNVAL))
        e |= VIR_EVENT_HANDLE_ERROR;
    if (revents & POLLHUP)
        e |= VIR_EVENT_HANDLE_HANGUP;
    return e;
}

} // namespace

int addHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    int watch = l.nextWatch++;
    l.handles.push_back({watch, fd, events, cb, opaque, ff});
    l.wake();
    return watch;
}

void updateHandle(int watch, int events)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    if (Handle *h = l.handle(watch)) {
        h->events = events;
        l.wake();
    }
}

int removeHandle(int watch)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    Handle *h = l.handle(watch);
    if (!h)
        return -1;
    h->deleted = true;     // freed by the loop, after any dispatch in progress
    l.wake();
    return 0;
}

int addTimeout(int ms, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    int id = l.nextTimer++;
    l.timers.push_back({id, ms, Clock::now() + std::chrono::milliseconds(ms < 0 ? 0 : ms), cb, opaque, ff});
    l.wake();
    return id;
}

void updateTimeout(int timer, int ms)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    if (Timer *t = l.timer(timer)) {
        t->interval = ms;
        t->due = Clock::now() + std::chrono::milliseconds(ms < 0 ? 0 : ms);
        l.wake();
    }
}

int removeTimeout(int timer)
{
    Loop &l = theLoop();
    std::lock_guard<std::mutex> g(l.lock);
    Timer *t = l.timer(timer);
    if (!t)
        return -1;
    t->deleted = true;
    l.wake();
    return 0;
}

int runOnce()
{
    Loop &l = theLoop();
    std::vector<pollfd> fds;
    std::vector<int> watches;
    int timeout = -1;
    {
        std::lock_guard<std::mutex> g(l.lock);
        auto now = Clock::now();
        for (const Timer &t : l.timers) {
            if (t.deleted || t.interval < 0)
                continue;
            auto ms = std::chrono::ceil<std::chrono::milliseconds>(t.due - now).count();   // never wake early and spin
            int wait = ms < 0 ? 0 : static_cast<int>(ms);
            if (timeout < 0 || wait < timeout)
                timeout = wait;
        }
        fds.push_back({l.wakeFd, POLLIN, 0});
        watches.push_back(0);
        for (const Handle &h : l.handles) {
            if (h.deleted || !h.events)
                continue;
            fds.push_back({h.fd, toPoll(h.events), 0});
            watches.push_back(h.watch);
        }
    }

    int n;
    do {
        n = poll(fds.data(), fds.size(), timeout);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (fds[0].revents) {
        uint64_t v;
        while (read(l.wakeFd, &v, sizeof(v)) > 0) {
        }
    }

    std::unique_lock<std::mutex> g(l.lock);
    // Timers first, each looked up again after every callback: callbacks may add or remove.
    auto now = Clock::now();
    std::vector<int> due;
    for (const Timer &t : l.timers)
        if (!t.deleted && t.interval >= 0 && t.due <= now)
            due.push_back(t.timer);
    for (int id : due) {
        Timer *t = l.timer(id);
        if (!t || t->interval < 0)
            continue;
        t->due = now + std::chrono::milliseconds(t->interval);
        auto cb = t->cb;
        void *opaque = t->opaque;
        g.unlock();
        cb(id, opaque);
        g.lock();
    }
    for (size_t i = 1; i < fds.size(); i++) {
        if (!fds[i].revents)
            continue;
        Handle *h = l.handle(watches[i]);
        if (!h || !h->events)
            continue;       // removed or disabled since the poll began
        auto cb = h->cb;
        void *opaque = h->opaque;
        int fd = h->fd;
        g.unlock();
        cb(watches[i], fd, fromPoll(fds[i].revents), opaque);
        g.lock();
    }
    // Free what was removed, outside the lock: a free function may call back into the loop.
    std::vector<std::pair<virFreeCallback, void *>> frees;
    std::erase_if(l.handles, [&](const Handle &h) {
        if (h.deleted && h.ff)
            frees.emplace_back(h.ff, h.opaque);
        return h.deleted;
    });
    std::erase_if(l.timers, [&](const Timer &t) {
        if (t.deleted && t.ff)
            frees.emplace_back(t.ff, t.opaque);
        return t.deleted;
    });
    g.unlock();
    for (auto &[ff, opaque] : frees)
        ff(opaque);
    return 0;
}

} // namespace loop

} // namespace vh::event
