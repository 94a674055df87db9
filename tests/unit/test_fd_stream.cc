// Streams over a file descriptor (drivers/fd_stream.h), on pipes: blocking and non-blocking
// reads and writes, the end of the data, finishing, an owner that ends the stream while a
// reader waits, and event callbacks from the loop.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/driver_tables.h"
#include "drivers/fd_stream.h"
#include "drivers/handles.h"
#include "run_loop.h"

namespace {

using vh::Ref;
using vh::drv::FdStream;

// A stream over one end of a pipe; `other` is the far end, for the test to use.
struct PipeStream {
    Ref<_virConnect> conn = Ref<_virConnect>::adopt(new _virConnect);
    Ref<_virStream> st;
    std::shared_ptr<FdStream> state;
    int other = -1;
    PipeStream(bool reading, unsigned int flags)
    {
        int fds[2];
        BOOST_TEST_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
        st = Ref<_virStream>::adopt(new _virStream(conn.get(), flags));
        auto opened = vh::drv::openFdStream(st.get(), reading ? fds[0] : fds[1]);
        BOOST_TEST_REQUIRE(bool(opened));
        state = *opened;
        other = reading ? fds[1] : fds[0];
    }
    ~PipeStream()
    {
        if (other >= 0)
            close(other);
    }
    vh::drv::StreamDriver &driver() { return *st->driver; }
    vh::Result<int> recv(std::string &into, size_t n = 64)
    {
        into.assign(n, '\0');
        auto r = driver().streamRecv(st.get(), into.data(), n);
        into.resize(r && *r > 0 ? *r : 0);
        return r;
    }
};

struct Seen {
    int events = 0;
    int calls = 0;
    int freed = 0;
    std::string data;
    static void onEvent(virStreamPtr st, int events, void *opaque)
    {
        auto *self = static_cast<Seen *>(opaque);
        self->events |= events;
        ++self->calls;
        if (events & VIR_STREAM_EVENT_READABLE) {
            char buf[64];
            auto n = st->driver->streamRecv(st, buf, sizeof buf);
            if (n && *n > 0)
                self->data.append(buf, *n);
        }
    }
    static void onFree(void *opaque) { ++static_cast<Seen *>(opaque)->freed; }
};

} // namespace

BOOST_AUTO_TEST_SUITE(fd_stream)

BOOST_AUTO_TEST_CASE(nonblocking_reads_until_the_end)
{
    PipeStream p(true, VIR_STREAM_NONBLOCK);
    std::string got;
    BOOST_TEST(*p.recv(got) == -2);     // nothing yet
    BOOST_TEST(write(p.other, "hello", 5) == 5);
    BOOST_TEST(*p.recv(got) == 5);
    BOOST_TEST(got == "hello");
    close(std::exchange(p.other, -1));
    BOOST_TEST(*p.recv(got) == 0);      // the end
    BOOST_TEST(bool(p.driver().streamFinish(p.st.get())));
    auto again = p.recv(got);
    BOOST_TEST_REQUIRE(!again);
    BOOST_TEST(again.error().code == VIR_ERR_INTERNAL_ERROR);
    BOOST_TEST(again.error().message == "internal error: stream is not open");
    BOOST_TEST(!p.driver().streamFinish(p.st.get()));
    BOOST_TEST(bool(p.driver().streamAbort(p.st.get())));     // harmless once closed
}

BOOST_AUTO_TEST_CASE(blocking_write_and_read)
{
    PipeStream w(false, 0);
    auto sent = w.driver().streamSend(w.st.get(), "abc", 3);
    BOOST_TEST_REQUIRE(bool(sent));
    BOOST_TEST(*sent == 3);
    char buf[8] = {};
    BOOST_TEST(read(w.other, buf, sizeof buf) == 3);
    BOOST_TEST(std::string(buf) == "abc");

    // a blocking reader waits for the data
    PipeStream r(true, 0);
    std::thread writer([&] { (void)!write(r.other, "late", 4); });
    std::string got;
    BOOST_TEST(*r.recv(got) == 4);
    BOOST_TEST(got == "late");
    writer.join();
}

BOOST_AUTO_TEST_CASE(ending_from_the_owner_wakes_a_blocked_reader)
{
    PipeStream p(true, 0);
    vh::Result<int> got = 0;
    std::thread reader([&] {
        std::string into;
        got = p.recv(into);
    });
    // the reader waits in Recv (or is about to): ending the stream ends its wait either way
    p.state->abort();
    reader.join();
    BOOST_TEST_REQUIRE(!got);
    BOOST_TEST(got.error().message == "internal error: stream is not open");
    BOOST_TEST(!p.state->isOpen());
}

BOOST_AUTO_TEST_CASE(event_callbacks_run_from_the_loop)
{
    vh::test::useDefaultLoop();
    PipeStream p(true, VIR_STREAM_NONBLOCK);
    Seen seen;
    auto added = p.driver().streamEventAddCallback(p.st.get(), VIR_STREAM_EVENT_READABLE, Seen::onEvent, &seen, Seen::onFree);
    BOOST_TEST_REQUIRE(bool(added));
    auto twice = p.driver().streamEventAddCallback(p.st.get(), VIR_STREAM_EVENT_READABLE, Seen::onEvent, &seen, nullptr);
    BOOST_TEST(!twice);
    BOOST_TEST(write(p.other, "ping", 4) == 4);
    BOOST_TEST(seen.calls == 0);     // never inside a call: only the loop runs callbacks
    BOOST_TEST(vh::test::runUntil([&] { return seen.data == "ping"; }));
    BOOST_TEST(seen.events == VIR_STREAM_EVENT_READABLE);

    // the owner ends the stream: the callback hears ERROR|HANGUP once
    p.state->abort();
    BOOST_TEST(vh::test::runUntil([&] { return (seen.events & VIR_STREAM_EVENT_HANGUP) != 0; }));
    BOOST_TEST((seen.events & VIR_STREAM_EVENT_ERROR) != 0);
    int calls = seen.calls;
    vh::test::runUntil([] { return false; }, 30);
    BOOST_TEST(seen.calls == calls);

    BOOST_TEST(bool(p.driver().streamEventRemoveCallback(p.st.get())));
    BOOST_TEST(seen.freed == 1);
    auto removed = p.driver().streamEventRemoveCallback(p.st.get());
    BOOST_TEST_REQUIRE(!removed);
    BOOST_TEST(removed.error().message == "internal error: stream does not have a callback registered");
}

BOOST_AUTO_TEST_SUITE_END()
