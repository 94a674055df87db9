"""Threads: one connection shared by many threads, the GIL released in C calls, per-thread
errors.

Uses the default event implementation (the default_event_loop fixture in conftest.py), so it
must not share a process with test_aio.py, which registers its own.
"""

import gc
import os
import threading

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    import libvirt as virthub
else:
    import virthub

URI = 'test:///default'
JOIN = 120  # seconds; bound on joining worker threads (the work takes well under a second)
TIMEOUT = 5


@pytest.fixture
def quiet():
    virthub.registerErrorHandler(lambda ctx, err: None, None)
    yield
    virthub.registerErrorHandler(None, None)


def _run_threads(n, target):
    """Runs target(i) in n threads started together; returns the exceptions they raised."""
    errors = []
    barrier = threading.Barrier(n)

    def body(i):
        try:
            barrier.wait(TIMEOUT)
            target(i)
        except BaseException as e:  # reported to the test
            errors.append((i, e))

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN)
    assert not any(t.is_alive() for t in threads), 'a worker thread did not finish'
    return errors


def test_shared_connection_from_8_threads(conn):
    calls = 2_000
    done = [0] * 8
    xml = conn.lookupByName('test').XMLDesc(0)
    info = conn.lookupByName('test').info()

    def work(i):
        for _ in range(calls):
            dom = conn.lookupByName('test')
            assert dom.info()[:3] == info[:3]
            assert dom.XMLDesc(0) == xml
            done[i] += 1

    assert _run_threads(8, work) == []
    assert done == [calls] * 8


def test_shared_domain_object_from_threads(conn):
    dom = conn.lookupByName('test')

    def work(i):
        for _ in range(1_000):
            assert dom.name() == 'test'
            assert dom.UUIDString() == '6695eb01-f6a4-8304-79aa-97f2502e193f'
            assert dom.isActive() == 1

    assert _run_threads(4, work) == []


def test_connections_opened_and_closed_in_threads():
    def work(i):
        for _ in range(200):
            c = virthub.open(URI)
            assert c.lookupByName('test').name() == 'test'
            c.close()

    assert _run_threads(4, work) == []


def test_objects_dropped_in_other_threads(conn):
    """Objects made in one thread and freed in another."""
    made = [conn.lookupByName('test') for _ in range(4_000)]

    def work(i):
        mine = made[i::4]
        for dom in mine:
            assert dom.name() == 'test'
        del mine[:]

    assert _run_threads(4, work) == []
    del made[:]
    gc.collect()
    c = virthub.open(URI)
    assert c.close() == 0


# ---- the GIL

def test_blocked_c_call_does_not_block_other_threads(default_event_loop, conn):
    """virEventRunDefaultImpl sleeping in poll() must release the GIL.

    The loop thread is made to sleep up to 5 s per iteration; once it is inside the C call,
    this thread makes 10,000 calls.  Were the GIL held in the C call, this thread could only
    run between loop iterations, 5 s apart: it would see the loop go round, and gives up
    after 2 iterations (about 10 s) instead of hanging.
    """
    loop = default_event_loop
    # Lengthen the loop's sleep from inside the loop thread (a one-shot timer callback), so
    # the next virEventRunDefaultImpl call is sure to see the new period.
    changed = threading.Event()
    mark = {}

    def lengthen(timer, opaque):
        virthub.virEventUpdateTimeout(loop.wake_timer, 5_000)
        virthub.virEventRemoveTimeout(timer)
        mark['entries'] = loop.entries
        changed.set()

    virthub.virEventAddTimeout(0, lengthen, None)
    try:
        assert changed.wait(TIMEOUT)
        # wait for the loop thread to enter its next call, the one that sleeps 5 s
        waited = threading.Event()
        for _ in range(TIMEOUT * 100):
            if loop.entries > mark['entries'] and loop.in_call():
                break
            waited.wait(0.01)
        assert loop.entries > mark['entries'] and loop.in_call()
        before = loop.iterations
        made = 0
        for _ in range(10_000):
            if loop.iterations - before > 1:
                break
            dom = conn.lookupByName('test')
            dom.info()
            made += 1
        assert made == 10_000
        assert loop.iterations - before <= 1
    finally:
        loop.set_period(100)
    assert loop.errors == []


def test_calls_in_threads_while_event_loop_runs(default_event_loop, conn):
    def work(i):
        for _ in range(1_000):
            assert conn.lookupByName('test').info()[0] == virthub.VIR_DOMAIN_RUNNING

    assert _run_threads(4, work) == []
    assert default_event_loop.thread.is_alive()
    assert default_event_loop.errors == []


# ---- errors are per thread

def test_error_in_other_thread_is_not_seen_here(conn, quiet):
    with pytest.raises(virthub.libvirtError):
        conn.lookupByName('no-such-domain')
    mine = virthub.virGetLastError()
    assert mine[0] == virthub.VIR_ERR_NO_DOMAIN
    seen = {}

    def other(i):
        seen['before'] = virthub.virGetLastError()
        try:
            conn.defineXML('<foo/>')
        except virthub.libvirtError as e:
            seen['raised'] = e.err
        seen['after'] = virthub.virGetLastError()

    assert _run_threads(1, other) == []
    assert seen['before'] is None
    assert seen['raised'][0] == virthub.VIR_ERR_XML_ERROR
    assert seen['after'] == seen['raised']
    assert virthub.virGetLastError() == mine
    assert virthub.virGetLastErrorCode() == virthub.VIR_ERR_NO_DOMAIN


def test_success_in_other_thread_does_not_clear_error_here(conn, quiet):
    with pytest.raises(virthub.libvirtError):
        conn.lookupByName('no-such-domain')

    def other(i):
        assert conn.lookupByName('test').name() == 'test'
        assert virthub.virGetLastError() is None

    assert _run_threads(1, other) == []
    assert virthub.virGetLastErrorCode() == virthub.VIR_ERR_NO_DOMAIN


def test_concurrent_errors_stay_in_their_threads(conn, quiet):
    failures = [
        (lambda: conn.lookupByName('no-such-domain'), virthub.VIR_ERR_NO_DOMAIN),
        (lambda: conn.defineXML('<foo/>'), virthub.VIR_ERR_XML_ERROR),
        (lambda: conn.lookupByUUIDString('nope'), virthub.VIR_ERR_INVALID_ARG),
        (lambda: conn.createXML("<domain type='test'><name>test</name><memory>1024</memory>"
                                "<os><type>hvm</type></os></domain>"),
         virthub.VIR_ERR_OPERATION_FAILED),
    ]

    def work(i):
        fail, code = failures[i]
        for _ in range(500):
            with pytest.raises(virthub.libvirtError) as info:
                fail()
            assert info.value.get_error_code() == code
            assert virthub.virGetLastErrorCode() == code
            assert virthub.virGetLastError() == info.value.err

    assert _run_threads(len(failures), work) == []


def test_error_handler_runs_in_the_failing_thread(conn):
    seen = []
    virthub.registerErrorHandler(
        lambda ctx, err: seen.append((threading.get_ident(), err[0])), None)
    try:
        idents = {}

        def work(i):
            idents[i] = threading.get_ident()
            for _ in range(100):
                with pytest.raises(virthub.libvirtError):
                    conn.lookupByName('no-such-domain-%d' % i)

        assert _run_threads(4, work) == []
    finally:
        virthub.registerErrorHandler(None, None)
    assert len(seen) == 400
    for i, ident in idents.items():
        assert seen.count((ident, virthub.VIR_ERR_NO_DOMAIN)) == 100
