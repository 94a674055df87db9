"""Tests of virthub.aio, the asyncio event loop integration (libvirtaio's API).

Run against the virthub binding (PYTHONPATH pointing at bindings/python) with
    python3 -m pytest -q tests/python/test_aio.py
or, to check compatibility, against Debian's libvirt-python with
    VIRTHUB_TEST_MODULE=libvirt /usr/bin/python3 -m pytest -q tests/python/test_aio.py

libvirt accepts one event implementation per process, so only
test_real_connection_lifecycle_events registers one; run this file in a
fresh process.
"""

import asyncio
import importlib.util
import os
import sys
import threading

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    import libvirt
    sys.modules['virthub'] = libvirt
    _AIO_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', '..', 'bindings', 'python', 'virthub',
                             'aio.py')
    _spec = importlib.util.spec_from_file_location('virthub_aio', _AIO_PATH)
    aio = importlib.util.module_from_spec(_spec)
    sys.modules['virthub_aio'] = aio
    _spec.loader.exec_module(aio)
else:
    from virthub import aio

import virthub

READABLE = virthub.VIR_EVENT_HANDLE_READABLE
WRITABLE = virthub.VIR_EVENT_HANDLE_WRITABLE
TIMEOUT = 5  # seconds; bound on every wait


# -- helpers ---------------------------------------------------------------

@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    errors = []
    loop.set_exception_handler(lambda lp, ctx: errors.append(ctx))
    loop.errors = errors
    yield loop
    loop.close()


def run(loop, coro):
    return loop.run_until_complete(asyncio.wait_for(coro, TIMEOUT))


async def until(pred):
    """Yield to the loop until pred() holds (callers bound it with run())."""
    while not pred():
        await asyncio.sleep(0.001)


class Recorder:
    """Stands in for virthub's virEventInvoke* functions."""

    def __init__(self):
        self.handle = []
        self.timeout = []
        self.free = []
        self.free_threads = []
        self.hook = None  # optional extra action on each timeout call

    def on_handle(self, watch, fd, event, opaque):
        self.handle.append((watch, fd, event, opaque))

    def on_timeout(self, timer, opaque):
        self.timeout.append((timer, opaque))
        if self.hook:
            self.hook(timer, opaque)

    def on_free(self, opaque):
        self.free.append(opaque)
        self.free_threads.append(threading.get_ident())


@pytest.fixture
def rec(monkeypatch):
    r = Recorder()
    # libvirt-python has no public virEventInvokeHandleCallback /
    # virEventInvokeTimeoutCallback, hence raising=False.
    monkeypatch.setattr(virthub, 'virEventInvokeHandleCallback', r.on_handle,
                        raising=False)
    monkeypatch.setattr(virthub, 'virEventInvokeTimeoutCallback', r.on_timeout,
                        raising=False)
    monkeypatch.setattr(virthub, 'virEventInvokeFreeCallback', r.on_free)
    return r


CB = object()  # the opaque tokens libvirt would hand over


# -- default loop ------------------------------------------------------------

def test_default_loop_is_running_loop(loop):
    async def main():
        return aio.virEventAsyncIOImpl()
    impl = run(loop, main())
    assert impl.loop is loop
    assert impl.is_idle()


def test_default_loop_is_current_loop_outside_coroutine(loop):
    asyncio.set_event_loop(loop)
    try:
        assert aio.virEventAsyncIOImpl().loop is loop
    finally:
        asyncio.set_event_loop(None)


def test_public_names():
    for name in ('virEventRegisterAsyncIOImpl', 'get_current_impl',
                 'virEventAsyncIOImpl'):
        assert name in aio.__all__
        assert callable(getattr(aio, name))


# -- timeouts ----------------------------------------------------------------

def test_timeout_periodic_update_disable(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)
    opaque = object()

    async def main():
        t = impl.add_timeout(-1, CB, opaque)
        assert isinstance(t, int) and t > 0
        await asyncio.sleep(0.05)
        assert rec.timeout == []          # -1: disabled

        impl.update_timeout(t, 10)
        await until(lambda: len(rec.timeout) >= 3)   # periodic, not one-shot
        assert all(call == (t, opaque) for call in rec.timeout)
        assert rec.timeout[0][1] is opaque

        impl.update_timeout(t, -1)
        n = len(rec.timeout)
        await asyncio.sleep(0.05)
        assert len(rec.timeout) == n      # disabled again

        assert impl.remove_timeout(t) == 0
        await impl.drain()
        assert rec.free == [opaque]
    run(loop, main())
    assert loop.errors == []


def test_timeout_zero_fires_every_iteration(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)

    async def main():
        t = impl.add_timeout(0, CB, 'tok')
        await asyncio.sleep(0)
        first = len(rec.timeout)
        for _ in range(10):
            await asyncio.sleep(0)
        # one firing per loop iteration (allow slack of one at each end)
        assert len(rec.timeout) - first >= 9
        impl.update_timeout(t, -1)
        n = len(rec.timeout)
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(rec.timeout) == n
        impl.remove_timeout(t)
        await impl.drain()
    run(loop, main())
    assert loop.errors == []


def test_timeout_update_inside_callback(loop, rec):
    """libvirt's usual pattern: arm with 0, callback disarms with -1."""
    impl = aio.virEventAsyncIOImpl(loop=loop)
    rec.hook = lambda timer, opaque: impl.update_timeout(timer, -1)

    async def main():
        t = impl.add_timeout(-1, CB, 'tok')
        impl.update_timeout(t, 0)
        for _ in range(10):
            await asyncio.sleep(0)
        assert rec.timeout == [(t, 'tok')]
        # and it can be re-armed
        impl.update_timeout(t, 0)
        await until(lambda: len(rec.timeout) == 2)
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(rec.timeout) == 2
        impl.remove_timeout(t)
        await impl.drain()
    run(loop, main())


def test_remove_timeout_free_callback_deferred_once(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)
    opaque = object()

    async def main():
        t = impl.add_timeout(0, CB, opaque)
        await until(lambda: rec.timeout)
        assert impl.remove_timeout(t) == 0
        assert rec.free == []             # not inside remove
        assert not impl.is_idle()         # a free callback is pending
        fired = len(rec.timeout)
        await impl.drain()
        assert impl.is_idle()
        assert rec.free == [opaque]
        assert rec.free[0] is opaque
        assert rec.free_threads == [threading.get_ident()]   # loop thread
        assert impl.remove_timeout(t) == -1                  # already gone
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(rec.timeout) == fired  # never fires after removal
        assert rec.free == [opaque]       # exactly once
    run(loop, main())
    assert loop.errors == []


def test_timeout_removes_itself_in_callback(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)
    seen_free_during_cb = []

    def hook(timer, opaque):
        assert impl.remove_timeout(timer) == 0
        seen_free_during_cb.append(list(rec.free))
    rec.hook = hook

    async def main():
        t = impl.add_timeout(1, CB, 'self')
        await until(lambda: rec.free)
        await impl.drain()
        for _ in range(5):
            await asyncio.sleep(0)
        assert rec.timeout == [(t, 'self')]
        assert seen_free_during_cb == [[]]
        assert rec.free == ['self']
    run(loop, main())
    assert loop.errors == []


def test_unknown_ids(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)
    assert impl.remove_timeout(12345) == -1
    assert impl.remove_handle(12345) == -1
    impl.update_timeout(12345, 0)         # ignored, no exception
    impl.update_handle(12345, READABLE)
    assert impl.is_idle()
    assert rec.free == []


def test_callback_exception_reported_timer_keeps_running(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)

    def hook(timer, opaque):
        raise ValueError('boom')
    rec.hook = hook

    async def main():
        t = impl.add_timeout(0, CB, 'x')
        await until(lambda: len(rec.timeout) >= 3)
        impl.remove_timeout(t)
        await impl.drain()
    run(loop, main())
    assert loop.errors
    assert isinstance(loop.errors[0]['exception'], ValueError)


def test_remove_from_other_thread(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)

    async def main():
        t = impl.add_timeout(0, CB, 'thr')
        await until(lambda: rec.timeout)
        result = []
        th = threading.Thread(target=lambda: result.append(
            impl.remove_timeout(t)))
        th.start()
        await loop.run_in_executor(None, th.join, TIMEOUT)
        assert result == [0]
        await impl.drain()
        assert rec.free == ['thr']
        assert rec.free_threads == [threading.get_ident()]
    run(loop, main())


def test_add_from_other_thread(loop, rec):
    impl = aio.virEventAsyncIOImpl(loop=loop)

    async def main():
        ids = []
        th = threading.Thread(target=lambda: ids.append(
            impl.add_timeout(1, CB, 'thr')))
        th.start()
        await loop.run_in_executor(None, th.join, TIMEOUT)
        await until(lambda: len(rec.timeout) >= 2)
        assert rec.timeout[0] == (ids[0], 'thr')
        impl.remove_timeout(ids[0])
        await impl.drain()
    run(loop, main())


def test_timer_registered_before_loop_runs(loop, rec):
    """Scripts register and add sources before run_until_complete()."""
    impl = aio.virEventAsyncIOImpl(loop=loop)
    t = impl.add_timeout(0, CB, 'early')

    async def main():
        await until(lambda: rec.timeout)
        impl.remove_timeout(t)
        await impl.drain()
    run(loop, main())
    assert rec.timeout[0] == (t, 'early')
    assert rec.free == ['early']


def test_fallback_to_given_callback(loop, rec, monkeypatch):
    """libvirt-python hands its invoker over as `cb`; without a public
    virEventInvoke*Callback the implementation calls it."""
    monkeypatch.delattr(virthub, 'virEventInvokeHandleCallback',
                        raising=False)
    monkeypatch.delattr(virthub, 'virEventInvokeTimeoutCallback',
                        raising=False)
    impl = aio.virEventAsyncIOImpl(loop=loop)
    calls = []
    r, w = os.pipe()
    try:
        async def main():
            t = impl.add_timeout(0, lambda *a: calls.append(('t',) + a), 'o1')
            h = impl.add_handle(w, WRITABLE,
                                lambda *a: calls.append(('h',) + a), 'o2')
            await until(lambda: {c[0] for c in calls} == {'t', 'h'})
            assert ('t', t, 'o1') in calls
            assert ('h', h, w, WRITABLE, 'o2') in calls
            impl.remove_timeout(t)
            impl.remove_handle(h)
            await impl.drain()
            assert sorted(rec.free) == ['o1', 'o2']
        run(loop, main())
    finally:
        os.close(r)
        os.close(w)
    assert loop.errors == []


# -- handles -----------------------------------------------------------------

@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    os.close(r)
    os.close(w)


def test_handle_readable_update_remove(loop, rec, pipe):
    r, w = pipe
    impl = aio.virEventAsyncIOImpl(loop=loop)
    opaque = object()

    async def main():
        watch = impl.add_handle(r, READABLE, CB, opaque)
        assert isinstance(watch, int) and watch > 0
        await asyncio.sleep(0.05)
        assert rec.handle == []           # nothing to read yet

        os.write(w, b'x')
        await until(lambda: rec.handle)
        assert rec.handle[0] == (watch, r, READABLE, opaque)
        assert rec.handle[0][3] is opaque

        impl.update_handle(watch, 0)      # muted: byte still unread
        await asyncio.sleep(0)
        n = len(rec.handle)
        await asyncio.sleep(0.05)
        assert len(rec.handle) == n

        impl.update_handle(watch, READABLE)   # level-triggered: fires again
        await until(lambda: len(rec.handle) > n)

        assert impl.remove_handle(watch) == 0
        assert rec.free == []             # not inside remove
        assert not impl.is_idle()
        n = len(rec.handle)
        await impl.drain()
        await asyncio.sleep(0.05)
        assert len(rec.handle) == n       # no events after removal
        assert rec.free == [opaque]
        assert rec.free_threads == [threading.get_ident()]
        assert impl.remove_handle(watch) == -1
        assert rec.free == [opaque]       # exactly once
        assert loop.remove_reader(r) is False   # fd released by the loop
    run(loop, main())
    assert loop.errors == []


def test_handle_writable(loop, rec, pipe):
    r, w = pipe
    impl = aio.virEventAsyncIOImpl(loop=loop)

    async def main():
        watch = impl.add_handle(w, WRITABLE, CB, 'w')
        await until(lambda: rec.handle)
        assert rec.handle[0] == (watch, w, WRITABLE, 'w')
        impl.update_handle(watch, READABLE)   # a pipe's write end never reads
        await asyncio.sleep(0)
        n = len(rec.handle)
        await asyncio.sleep(0.05)
        assert len(rec.handle) == n
        assert loop.remove_writer(w) is False
        impl.remove_handle(watch)
        await impl.drain()
        assert loop.remove_reader(w) is False
        assert rec.free == ['w']
    run(loop, main())
    assert loop.errors == []


def test_two_watches_on_one_fd(loop, rec, pipe):
    r, w = pipe
    impl = aio.virEventAsyncIOImpl(loop=loop)

    async def main():
        a = impl.add_handle(r, READABLE, CB, 'a')
        b = impl.add_handle(r, READABLE, CB, 'b')
        assert a != b
        os.write(w, b'x')
        await until(lambda: {c[3] for c in rec.handle} == {'a', 'b'})
        impl.remove_handle(a)
        await impl.drain()
        rec.handle.clear()
        await until(lambda: rec.handle)
        await asyncio.sleep(0.01)
        assert {c[3] for c in rec.handle} == {'b'}   # b still watched
        impl.remove_handle(b)
        await impl.drain()
        assert sorted(rec.free) == ['a', 'b']
        assert loop.remove_reader(r) is False
    run(loop, main())
    assert loop.errors == []


def test_handle_callback_removes_other_watch(loop, rec, pipe, monkeypatch):
    r, w = pipe
    impl = aio.virEventAsyncIOImpl(loop=loop)
    ids = {}

    def on_handle(watch, fd, event, opaque):
        rec.handle.append((watch, fd, event, opaque))
        other = ids['b'] if opaque == 'a' else ids['a']
        impl.remove_handle(other)
    monkeypatch.setattr(virthub, 'virEventInvokeHandleCallback', on_handle,
                        raising=False)

    async def main():
        ids['a'] = impl.add_handle(r, READABLE, CB, 'a')
        ids['b'] = impl.add_handle(r, READABLE, CB, 'b')
        os.write(w, b'x')
        await until(lambda: rec.handle)
        await impl.drain()
        await asyncio.sleep(0.01)
        # the first one to fire removed the other, which must not fire after
        fired = {c[3] for c in rec.handle}
        assert len(fired) == 1
        assert len(rec.free) == 1 and rec.free[0] not in fired
        survivor = ids[fired.pop()]
        impl.remove_handle(survivor)
        await impl.drain()
        assert len(rec.free) == 2
    run(loop, main())
    assert loop.errors == []


# -- a real connection ---------------------------------------------------------

def test_real_connection_lifecycle_events(monkeypatch):
    """The one test that registers with libvirt (once per process)."""
    loop = asyncio.new_event_loop()
    errors = []
    loop.set_exception_handler(lambda lp, ctx: errors.append(ctx))
    real_free = virthub.virEventInvokeFreeCallback
    frees = []

    def counting_free(opaque):
        frees.append(opaque)
        real_free(opaque)
    monkeypatch.setattr(virthub, 'virEventInvokeFreeCallback', counting_free)

    async def main():
        assert aio.get_current_impl() is None
        impl = aio.virEventRegisterAsyncIOImpl()
        assert impl.loop is loop
        assert aio.get_current_impl() is impl

        scheduled = []
        schedule = impl.schedule_ff_callback

        def counting_schedule(*args):
            scheduled.append(args)
            schedule(*args)
        monkeypatch.setattr(impl, 'schedule_ff_callback', counting_schedule)

        conn = virthub.open('test:///default')
        events = []
        done = asyncio.Event()
        loop_thread = threading.get_ident()

        def on_lifecycle(c, dom, event, detail, opaque):
            events.append((dom.name(), event, detail, opaque,
                           threading.get_ident()))
            if len(events) >= 2:
                done.set()

        cid = conn.domainEventRegisterAny(
            None, virthub.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, 'tok')
        dom = conn.lookupByName('test')
        dom.suspend()
        dom.resume()
        await asyncio.wait_for(done.wait(), TIMEOUT)
        assert [(e[0], e[1], e[3]) for e in events] == [
            ('test', virthub.VIR_DOMAIN_EVENT_SUSPENDED, 'tok'),
            ('test', virthub.VIR_DOMAIN_EVENT_RESUMED, 'tok')]
        assert all(e[4] == loop_thread for e in events)

        conn.domainEventDeregisterAny(cid)  # libvirt-python returns None
        # libvirt drops its event dispatch timer with the last callback:
        # its free callback must go through virEventInvokeFreeCallback.
        assert scheduled
        await asyncio.wait_for(impl.drain(), TIMEOUT)
        assert impl.is_idle()
        assert len(frees) == len(scheduled)

        # nothing is delivered after deregistration
        dom.suspend()
        dom.resume()
        await asyncio.sleep(0.05)
        assert len(events) == 2

        conn.close()
        await asyncio.wait_for(impl.drain(), TIMEOUT)
        assert impl.is_idle()
        assert len(frees) == len(scheduled)

    try:
        loop.run_until_complete(asyncio.wait_for(main(), 4 * TIMEOUT))
    finally:
        loop.close()
    assert errors == []
