// virthub's own poll(2) event loop (vh::event::loop): timers, watches, removal while
// dispatching and free callbacks. Every wait is bounded by a guard timer and a deadline.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <unistd.h>
#include <vector>

#include "run_loop.h"
#include "util/event_loop.h"

namespace loop = vh::event::loop;
using Clock = std::chrono::steady_clock;

namespace {

using vh::test::noop;
using vh::test::runUntil;


// A few iterations, at least `ms` long, for "nothing must happen" checks.
void runFor(int ms)
{
    auto end = Clock::now() + std::chrono::milliseconds(ms);
    runUntil([&] { return Clock::now() >= end; }, ms + 1000);
}

struct Recorder {
    std::vector<int> fired;
};

void recordAndStop(int timer, void *opaque)
{
    static_cast<Recorder *>(opaque)->fired.push_back(timer);
    loop::updateTimeout(timer, -1);
}

int frees = 0;
void countFree(void *) { frees++; }

} // namespace

BOOST_AUTO_TEST_SUITE(event_loop)

BOOST_AUTO_TEST_CASE(timers_fire_in_due_order)
{
    Recorder r;
    int t30 = loop::addTimeout(30, recordAndStop, &r, nullptr);
    int t10 = loop::addTimeout(10, recordAndStop, &r, nullptr);
    int t20 = loop::addTimeout(20, recordAndStop, &r, nullptr);
    BOOST_TEST(t10 > 0);
    BOOST_TEST(t20 != t10);
    BOOST_TEST(t30 != t20);
    BOOST_REQUIRE(runUntil([&] { return r.fired.size() == 3; }));
    BOOST_TEST(r.fired == (std::vector<int>{t10, t20, t30}), boost::test_tools::per_element());
    // disabled timers stay quiet
    runFor(40);
    BOOST_TEST(r.fired.size() == 3u);
    for (int t : {t10, t20, t30})
        BOOST_TEST(loop::removeTimeout(t) == 0);
    loop::runOnce();
}

BOOST_AUTO_TEST_CASE(repeating_and_updated_timers)
{
    int count = 0;
    auto cb = [](int, void *o) { ++*static_cast<int *>(o); };
    int t = loop::addTimeout(0, cb, &count, nullptr);
    BOOST_REQUIRE(runUntil([&] { return count >= 5; }));
    loop::updateTimeout(t, -1);
    int seen = count;
    runFor(20);
    BOOST_TEST(count == seen);
    // re-enabled with a period: fires again, not before the period
    auto start = Clock::now();
    loop::updateTimeout(t, 30);
    BOOST_REQUIRE(runUntil([&] { return count > seen; }));
    BOOST_TEST((Clock::now() - start >= std::chrono::milliseconds(25)));
    BOOST_TEST(loop::removeTimeout(t) == 0);
    BOOST_TEST(loop::removeTimeout(t) == -1);
    loop::runOnce();
}

struct Pipe {
    int fds[2];
    Pipe() { BOOST_REQUIRE(pipe(fds) == 0); }
    ~Pipe()
    {
        if (fds[0] >= 0)
            close(fds[0]);
        if (fds[1] >= 0)
            close(fds[1]);
    }
};

struct HandleLog {
    int calls = 0, watch = -1, fd = -1, events = 0;
    bool drain = true;
};

void onHandle(int watch, int fd, int events, void *opaque)
{
    auto *log = static_cast<HandleLog *>(opaque);
    log->calls++;
    log->watch = watch;
    log->fd = fd;
    log->events = events;
    char buf[16];
    if (log->drain && (events & VIR_EVENT_HANDLE_READABLE))
        (void)!read(fd, buf, sizeof(buf));
}

BOOST_AUTO_TEST_CASE(handles_on_a_pipe)
{
    Pipe p;
    HandleLog log;
    int w = loop::addHandle(p.fds[0], VIR_EVENT_HANDLE_READABLE, onHandle, &log, nullptr);
    BOOST_TEST(w > 0);
    runFor(10);
    BOOST_TEST(log.calls == 0);   // nothing to read yet
    BOOST_REQUIRE(write(p.fds[1], "x", 1) == 1);
    BOOST_REQUIRE(runUntil([&] { return log.calls == 1; }));
    BOOST_TEST(log.watch == w);
    BOOST_TEST(log.fd == p.fds[0]);
    BOOST_TEST(log.events == VIR_EVENT_HANDLE_READABLE);

    // no events asked for: readable data is left alone
    loop::updateHandle(w, 0);
    BOOST_REQUIRE(write(p.fds[1], "y", 1) == 1);
    runFor(20);
    BOOST_TEST(log.calls == 1);
    loop::updateHandle(w, VIR_EVENT_HANDLE_READABLE);
    BOOST_REQUIRE(runUntil([&] { return log.calls == 2; }));

    // the writer goes away: hangup
    close(p.fds[1]);
    p.fds[1] = -1;
    BOOST_REQUIRE(runUntil([&] { return log.calls >= 3; }));
    BOOST_TEST((log.events & VIR_EVENT_HANDLE_HANGUP) != 0);
    BOOST_TEST(loop::removeHandle(w) == 0);
    BOOST_TEST(loop::removeHandle(w) == -1);
    int calls = log.calls;
    runFor(10);
    BOOST_TEST(log.calls == calls);
}

BOOST_AUTO_TEST_CASE(writable_handle)
{
    Pipe p;
    HandleLog log;
    int w = loop::addHandle(p.fds[1], VIR_EVENT_HANDLE_WRITABLE, onHandle, &log, nullptr);
    BOOST_REQUIRE(runUntil([&] { return log.calls >= 1; }));
    BOOST_TEST(log.events == VIR_EVENT_HANDLE_WRITABLE);
    BOOST_TEST(loop::removeHandle(w) == 0);
    loop::runOnce();
}

struct Removal {
    int victim = -1;
    int victimCalls = 0;
    int killerCalls = 0;
};

void victimCb(int, void *o) { static_cast<Removal *>(o)->victimCalls++; }
void killerCb(int timer, void *o)
{
    auto *r = static_cast<Removal *>(o);
    r->killerCalls++;
    BOOST_TEST(loop::removeTimeout(r->victim) == 0);
    BOOST_TEST(loop::removeTimeout(timer) == 0);   // and itself
}

BOOST_AUTO_TEST_CASE(removal_during_dispatch)
{
    Removal r;
    frees = 0;
    // both due in the same iteration; the first one removes the second
    int killer = loop::addTimeout(0, killerCb, &r, countFree);
    r.victim = loop::addTimeout(0, victimCb, &r, countFree);
    BOOST_TEST(killer < r.victim);
    BOOST_REQUIRE(loop::runOnce() == 0);
    BOOST_TEST(r.killerCalls == 1);
    BOOST_TEST(r.victimCalls == 0);
    BOOST_TEST(frees == 2);
    runFor(10);
    BOOST_TEST(r.killerCalls == 1);
    BOOST_TEST(r.victimCalls == 0);
    BOOST_TEST(frees == 2);
}

void removeSelf(int watch, int fd, int, void *o)
{
    char c;
    (void)!read(fd, &c, 1);
    ++*static_cast<int *>(o);
    BOOST_TEST(loop::removeHandle(watch) == 0);
}

BOOST_AUTO_TEST_CASE(handle_removes_itself)
{
    Pipe p;
    int calls = 0;
    frees = 0;
    loop::addHandle(p.fds[0], VIR_EVENT_HANDLE_READABLE, removeSelf, &calls, countFree);
    BOOST_REQUIRE(write(p.fds[1], "ab", 2) == 2);
    BOOST_REQUIRE(runUntil([&] { return calls == 1; }));
    runFor(20);     // one byte is still there, but the watch is gone
    BOOST_TEST(calls == 1);
    BOOST_TEST(frees == 1);
}

BOOST_AUTO_TEST_CASE(free_callbacks_called_once)
{
    Pipe p;
    int marker = 0;
    frees = 0;
    int t = loop::addTimeout(-1, noop, &marker, countFree);
    int w = loop::addHandle(p.fds[0], VIR_EVENT_HANDLE_READABLE, onHandle, &marker, countFree);
    runFor(5);
    BOOST_TEST(frees == 0);
    BOOST_TEST(loop::removeTimeout(t) == 0);
    BOOST_TEST(loop::removeHandle(w) == 0);
    BOOST_TEST(loop::removeTimeout(t) == -1);
    BOOST_TEST(loop::removeHandle(w) == -1);
    runFor(10);
    BOOST_TEST(frees == 2);
    runFor(10);
    BOOST_TEST(frees == 2);
}

// A free callback may call back into the loop (it runs outside the loop's lock).
int chained = -1;
void freeAddsTimer(void *) { chained = loop::addTimeout(-1, noop, nullptr, countFree); }

BOOST_AUTO_TEST_CASE(free_callback_may_use_the_loop)
{
    frees = 0;
    int t = loop::addTimeout(-1, noop, nullptr, freeAddsTimer);
    BOOST_TEST(loop::removeTimeout(t) == 0);
    runFor(5);
    BOOST_REQUIRE(chained > 0);
    BOOST_TEST(loop::removeTimeout(chained) == 0);
    runFor(5);
    BOOST_TEST(frees == 1);
}

BOOST_AUTO_TEST_CASE(unknown_ids)
{
    BOOST_TEST(loop::removeTimeout(999999) == -1);
    BOOST_TEST(loop::removeHandle(999999) == -1);
    loop::updateTimeout(999999, 10);    // ignored
    loop::updateHandle(999999, VIR_EVENT_HANDLE_READABLE);
}

BOOST_AUTO_TEST_CASE(another_thread_wakes_the_loop)
{
    std::atomic<int> fired{0};
    auto cb = [](int timer, void *o) {
        static_cast<std::atomic<int> *>(o)->fetch_add(1);
        loop::removeTimeout(timer);
    };
    // a far guard: without the wake-up, runOnce would sleep until it
    int guard = loop::addTimeout(3000, noop, nullptr, nullptr);
    runFor(1);
    auto start = Clock::now();
    std::thread t([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        loop::addTimeout(0, cb, &fired, nullptr);
    });
    while (fired.load() == 0 && Clock::now() - start < std::chrono::seconds(5))
        BOOST_REQUIRE(loop::runOnce() == 0);
    t.join();
    BOOST_TEST(fired.load() == 1);
    BOOST_TEST((Clock::now() - start < std::chrono::milliseconds(2000)));
    loop::removeTimeout(guard);
    runFor(1);
}

BOOST_AUTO_TEST_SUITE_END()
