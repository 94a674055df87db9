"""Events with the default event implementation: domain lifecycle callbacks (the Any and the
legacy registration), close callbacks, timeouts and handles.

The default_event_loop fixture (conftest.py) registers virEventRegisterDefaultImpl and runs
virEventRunDefaultImpl in a daemon thread, in a bounded loop with a stop flag.  libvirt accepts
one event implementation per process, so run this file in a process without test_aio.py:

    PYTHONPATH=build/bindings/python python3 -m pytest -q tests/python/test_events.py

Every wait is bounded (TIMEOUT).  Where a test checks that something did *not* happen, it
waits for a later event that libvirt delivers after it instead of sleeping: events of one
driver are dispatched in order.
"""

import os
import subprocess
import sys
import textwrap
import threading

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    import libvirt as virthub
else:
    import virthub

URI = 'test:///default'
TIMEOUT = 5  # seconds

LIFECYCLE = virthub.VIR_DOMAIN_EVENT_ID_LIFECYCLE
DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED = 0, 1, 2, 3, 4, 5

EVENT_XML = ("<domain type='test'><name>%s</name><memory>1024</memory>"
             "<os><type>hvm</type></os></domain>")


class Recorder:
    """A lifecycle callback that records (conn, dom, event, detail, opaque, thread)."""

    def __init__(self):
        self.calls = []
        self.cond = threading.Condition()

    def __call__(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.calls.append((conn, dom, event, detail, opaque, threading.get_ident()))
            self.cond.notify_all()

    def events(self):
        with self.cond:
            return [(c[1].name(), c[2], c[3]) for c in self.calls]

    def wait_for(self, n):
        """Waits (bounded) until n calls arrived; returns whether they did."""
        with self.cond:
            return self.cond.wait_for(lambda: len(self.calls) >= n, TIMEOUT)


@pytest.fixture
def loop(default_event_loop):
    yield default_event_loop
    assert default_event_loop.errors == []
    assert default_event_loop.thread.is_alive()


@pytest.fixture
def conn(loop):
    loop.barrier()      # events of earlier tests are delivered before this one registers
    c = virthub.open(URI)
    yield c
    # leave the shared test domain running for the other tests
    dom = c.lookupByName('test')
    state = dom.info()[0]
    if state == virthub.VIR_DOMAIN_PAUSED:
        dom.resume()
    elif state != virthub.VIR_DOMAIN_RUNNING:
        dom.create()
    del dom
    c.close()


@pytest.fixture
def other_conn(loop):
    """A second connection to the same driver: its callbacks see the same events."""
    c = virthub.open(URI)
    yield c
    c.close()


def _unregister_any(conn, cid):
    try:
        conn.domainEventDeregisterAny(cid)
    except virthub.libvirtError:
        pass


# ---- domainEventRegisterAny

def test_lifecycle_events(loop, conn):
    rec = Recorder()
    opaque = object()
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, rec, opaque)
    try:
        assert isinstance(cid, int) and cid >= 0
        dom = conn.lookupByName('test')
        expected = []
        for action, event, detail in [
                ('suspend', SUSPENDED, virthub.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
                ('resume', RESUMED, virthub.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
                ('destroy', STOPPED, virthub.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
                ('create', STARTED, virthub.VIR_DOMAIN_EVENT_STARTED_BOOTED)]:
            assert getattr(dom, action)() == 0
            expected.append(('test', event, detail))
            assert rec.wait_for(len(expected)), 'no event after %s' % action
        assert rec.events() == expected
        for c, d, event, detail, op, ident in rec.calls:
            assert c is conn
            assert isinstance(d, virthub.virDomain)
            assert d.name() == 'test'
            assert op is opaque
            assert ident == loop.thread.ident
    finally:
        _unregister_any(conn, cid)


def test_event_constants():
    assert (virthub.VIR_DOMAIN_EVENT_DEFINED, virthub.VIR_DOMAIN_EVENT_UNDEFINED,
            virthub.VIR_DOMAIN_EVENT_STARTED, virthub.VIR_DOMAIN_EVENT_SUSPENDED,
            virthub.VIR_DOMAIN_EVENT_RESUMED, virthub.VIR_DOMAIN_EVENT_STOPPED) == (0, 1, 2, 3, 4, 5)
    assert LIFECYCLE == 0


def test_define_and_undefine_events(loop, conn):
    rec = Recorder()
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, rec, None)
    try:
        dom = conn.defineXML(EVENT_XML % 'events-define')
        dom.create()
        dom.destroy()
        dom.undefine()
        assert rec.wait_for(4)
        assert rec.events() == [
            ('events-define', DEFINED, virthub.VIR_DOMAIN_EVENT_DEFINED_ADDED),
            ('events-define', STARTED, virthub.VIR_DOMAIN_EVENT_STARTED_BOOTED),
            ('events-define', STOPPED, virthub.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
            ('events-define', UNDEFINED, virthub.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED)]
    finally:
        _unregister_any(conn, cid)


def test_register_for_one_domain(loop, conn):
    rec = Recorder()
    dom = conn.lookupByName('test')
    cid = conn.domainEventRegisterAny(dom, LIFECYCLE, rec, 'one')
    try:
        other = conn.defineXML(EVENT_XML % 'events-other')
        other.undefine()
        dom.suspend()
        dom.resume()
        assert rec.wait_for(2)
        assert rec.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        assert all(c[4] == 'one' for c in rec.calls)
    finally:
        _unregister_any(conn, cid)


def test_callback_ids_are_distinct(loop, conn, other_conn):
    a = conn.domainEventRegisterAny(None, LIFECYCLE, Recorder(), None)
    b = other_conn.domainEventRegisterAny(None, LIFECYCLE, Recorder(), None)
    c = conn.domainEventRegisterAny(conn.lookupByName('test'), LIFECYCLE, Recorder(), None)
    try:
        assert len({a, b, c}) == 3
    finally:
        _unregister_any(conn, a)
        _unregister_any(other_conn, b)
        _unregister_any(conn, c)


def test_second_identical_registration_is_refused(loop, conn):
    """libvirt tracks one callback per (connection, event, domain filter)."""
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, Recorder(), None)
    try:
        virthub.registerErrorHandler(lambda ctx, err: None, None)
        with pytest.raises(virthub.libvirtError) as info:
            conn.domainEventRegisterAny(None, LIFECYCLE, Recorder(), None)
        assert info.value.get_error_code() == virthub.VIR_ERR_INVALID_ARG
        assert info.value.get_error_message() == 'invalid argument: event callback already tracked'
    finally:
        virthub.registerErrorHandler(None, None)
        _unregister_any(conn, cid)


def test_deregister_any_stops_delivery(loop, conn, other_conn):
    rec, sentinel = Recorder(), Recorder()
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, rec, None)
    sid = other_conn.domainEventRegisterAny(None, LIFECYCLE, sentinel, None)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        assert rec.wait_for(1) and sentinel.wait_for(1)
        conn.domainEventDeregisterAny(cid)
        dom.resume()
        # the sentinel sees the resume; had rec still been registered, it would have too
        assert sentinel.wait_for(2)
        assert sentinel.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        assert rec.events() == [('test', SUSPENDED, 0)]
    finally:
        _unregister_any(other_conn, sid)


def test_deregister_any_returns_none(loop, conn):
    """libvirt-python's domainEventDeregisterAny returns None."""
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, Recorder(), None)
    assert conn.domainEventDeregisterAny(cid) is None


def test_deregister_unknown_id_raises(loop, conn):
    virthub.registerErrorHandler(lambda ctx, err: None, None)
    try:
        with pytest.raises(virthub.libvirtError) as info:
            conn.domainEventDeregisterAny(987654)
        assert info.value.get_error_code() == virthub.VIR_ERR_INVALID_ARG
        assert 'could not find event callback 987654' in info.value.get_error_message()
    finally:
        virthub.registerErrorHandler(None, None)


def test_events_on_read_only_connection(loop, conn):
    ro = virthub.openReadOnly(URI)
    rec = Recorder()
    cid = ro.domainEventRegisterAny(None, LIFECYCLE, rec, None)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        dom.resume()
        assert rec.wait_for(2)
        assert rec.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        assert all(c[0] is ro for c in rec.calls)
    finally:
        _unregister_any(ro, cid)
        ro.close()


# ---- exceptions in callbacks

@pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')
def test_exception_in_callback_does_not_kill_the_loop(loop, conn, capfd):
    seen = []
    arrived = threading.Condition()

    def cb(c, dom, event, detail, opaque):
        with arrived:
            seen.append(event)
            arrived.notify_all()
        if len(seen) == 1:
            raise RuntimeError('raised inside a callback')

    cid = conn.domainEventRegisterAny(None, LIFECYCLE, cb, None)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        with arrived:
            assert arrived.wait_for(lambda: len(seen) >= 1, TIMEOUT)
        dom.resume()
        with arrived:
            assert arrived.wait_for(lambda: len(seen) >= 2, TIMEOUT)
        assert seen == [SUSPENDED, RESUMED]
        assert loop.thread.is_alive()
    finally:
        _unregister_any(conn, cid)
    capfd.readouterr()


# ---- the legacy registration

def test_legacy_register(loop, conn):
    rec = Recorder()
    opaque = object()
    conn.domainEventRegister(rec, opaque)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        dom.resume()
        assert rec.wait_for(2)
        assert rec.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        for c, d, event, detail, op, ident in rec.calls:
            assert c is conn
            assert isinstance(d, virthub.virDomain)
            assert op is opaque
    finally:
        conn.domainEventDeregister(rec)


def test_legacy_two_callbacks_and_deregister(loop, conn, other_conn):
    first, second, sentinel = Recorder(), Recorder(), Recorder()
    conn.domainEventRegister(first, 1)
    conn.domainEventRegister(second, 2)
    sid = other_conn.domainEventRegisterAny(None, LIFECYCLE, sentinel, None)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        assert first.wait_for(1) and second.wait_for(1) and sentinel.wait_for(1)
        conn.domainEventDeregister(first)
        dom.resume()
        assert second.wait_for(2) and sentinel.wait_for(2)
        assert first.events() == [('test', SUSPENDED, 0)]
        assert second.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        assert [c[4] for c in second.calls] == [2, 2]
        conn.domainEventDeregister(second)
        dom.suspend()
        dom.resume()
        assert sentinel.wait_for(4)
        assert len(first.calls) == 1 and len(second.calls) == 2
    finally:
        _unregister_any(other_conn, sid)


def test_legacy_register_and_deregister_return_none(loop, conn):
    """libvirt-python's domainEventRegister and domainEventDeregister return None."""
    rec = Recorder()
    assert conn.domainEventRegister(rec, None) is None
    assert conn.domainEventDeregister(rec) is None


def test_legacy_deregister_when_none_registered(loop, conn):
    """libvirt-python ignores a legacy deregistration when no legacy callback is left."""
    rec = Recorder()
    conn.domainEventRegister(rec, None)
    conn.domainEventDeregister(rec)
    assert conn.domainEventDeregister(rec) is None


def test_legacy_register_same_callback_twice_replaces_opaque(loop, conn, other_conn):
    """libvirt-python keeps legacy callbacks in a dict: registering cb again replaces its
    opaque, and cb is still called once per event."""
    rec, sentinel = Recorder(), Recorder()
    conn.domainEventRegister(rec, 'old')
    sid = other_conn.domainEventRegisterAny(None, LIFECYCLE, sentinel, None)
    try:
        conn.domainEventRegister(rec, 'new')
        dom = conn.lookupByName('test')
        dom.suspend()
        dom.resume()
        assert sentinel.wait_for(2) and rec.wait_for(2)
        assert rec.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
        assert [c[4] for c in rec.calls] == ['new', 'new']
    finally:
        _unregister_any(other_conn, sid)
        conn.domainEventDeregister(rec)


def test_legacy_and_any_together(loop, conn):
    """The legacy registration is libvirt's own (virConnectDomainEventRegister): it does not
    take the place of a domainEventRegisterAny(None, LIFECYCLE) registration."""
    legacy, anyrec = Recorder(), Recorder()
    conn.domainEventRegister(legacy, None)
    cid = conn.domainEventRegisterAny(None, LIFECYCLE, anyrec, None)
    try:
        dom = conn.lookupByName('test')
        dom.suspend()
        dom.resume()
        assert legacy.wait_for(2) and anyrec.wait_for(2)
        assert legacy.events() == anyrec.events() == [('test', SUSPENDED, 0), ('test', RESUMED, 0)]
    finally:
        _unregister_any(conn, cid)
        conn.domainEventDeregister(legacy)


# ---- close callbacks

def test_register_and_unregister_close_callback(loop):
    c = virthub.open(URI)
    try:
        assert c.registerCloseCallback(lambda conn, reason, opaque: None, 'opaque') == 0
        c.unregisterCloseCallback()
    finally:
        c.close()


def test_unregister_close_callback_returns_none(loop):
    """libvirt-python's unregisterCloseCallback returns None."""
    c = virthub.open(URI)
    try:
        c.registerCloseCallback(lambda conn, reason, opaque: None, None)
        assert c.unregisterCloseCallback() is None
    finally:
        c.close()


def test_close_with_close_callback_registered(loop):
    c = virthub.open(URI)
    c.registerCloseCallback(lambda conn, reason, opaque: None, None)
    assert c.close() == 0


# ---- timeouts

def test_timeout_fires_with_timer_and_opaque(loop):
    fired = []
    cond = threading.Condition()
    opaque = object()

    def cb(timer, op):
        with cond:
            fired.append((timer, op, threading.get_ident()))
            cond.notify_all()

    timer = virthub.virEventAddTimeout(10, cb, opaque)
    try:
        assert isinstance(timer, int) and timer > 0
        with cond:
            assert cond.wait_for(lambda: len(fired) >= 3, TIMEOUT)  # periodic
        for t, op, ident in fired[:3]:
            assert t == timer
            assert op is opaque
            assert ident == loop.thread.ident
    finally:
        assert virthub.virEventRemoveTimeout(timer) == 0


def test_removed_timeout_stops_firing(loop):
    fired, sentinel = [], []
    cond = threading.Condition()

    def count(into):
        def cb(timer, op):
            with cond:
                into.append(timer)
                cond.notify_all()
        return cb

    timer = virthub.virEventAddTimeout(1, count(fired), None)
    with cond:
        assert cond.wait_for(lambda: len(fired) >= 1, TIMEOUT)
    assert virthub.virEventRemoveTimeout(timer) == 0
    at_removal = len(fired)
    other = virthub.virEventAddTimeout(1, count(sentinel), None)
    try:
        with cond:
            assert cond.wait_for(lambda: len(sentinel) >= 3, TIMEOUT)
        assert len(fired) <= at_removal + 1  # at most one dispatch already under way
    finally:
        virthub.virEventRemoveTimeout(other)


def test_update_timeout(loop):
    fired = []
    cond = threading.Condition()

    def cb(timer, op):
        with cond:
            fired.append(timer)
            cond.notify_all()

    timer = virthub.virEventAddTimeout(-1, cb, None)  # -1: disabled
    try:
        assert fired == []
        assert virthub.virEventUpdateTimeout(timer, 0) is None
        with cond:
            assert cond.wait_for(lambda: len(fired) >= 2, TIMEOUT)
        virthub.virEventUpdateTimeout(timer, -1)
    finally:
        virthub.virEventRemoveTimeout(timer)


def test_remove_timeout_twice_raises(loop):
    timer = virthub.virEventAddTimeout(-1, lambda t, o: None, None)
    assert virthub.virEventRemoveTimeout(timer) == 0
    with pytest.raises(virthub.libvirtError):
        virthub.virEventRemoveTimeout(timer)


# ---- handles

def test_handle_fires_when_readable(loop):
    r, w = os.pipe()
    got = []
    cond = threading.Condition()
    opaque = object()

    def cb(watch, fd, events, op):
        data = os.read(fd, 100)
        with cond:
            got.append((watch, fd, events, op, data, threading.get_ident()))
            cond.notify_all()

    watch = virthub.virEventAddHandle(r, virthub.VIR_EVENT_HANDLE_READABLE, cb, opaque)
    try:
        assert isinstance(watch, int) and watch > 0
        os.write(w, b'x')
        with cond:
            assert cond.wait_for(lambda: len(got) >= 1, TIMEOUT)
        wt, fd, events, op, data, ident = got[0]
        assert wt == watch
        assert fd == r
        assert events & virthub.VIR_EVENT_HANDLE_READABLE
        assert events == virthub.VIR_EVENT_HANDLE_READABLE == 1
        assert op is opaque
        assert data == b'x'
        assert ident == loop.thread.ident
        os.write(w, b'y')
        with cond:
            assert cond.wait_for(lambda: len(got) >= 2, TIMEOUT)
        assert got[1][4] == b'y'
    finally:
        assert virthub.virEventRemoveHandle(watch) == 0
        os.close(r)
        os.close(w)


def test_update_handle_disables_and_enables(loop):
    r, w = os.pipe()
    got, ticks = [], []
    cond = threading.Condition()

    def cb(watch, fd, events, op):
        with cond:
            got.append(os.read(fd, 100))
            cond.notify_all()

    def tick(timer, op):
        with cond:
            ticks.append(timer)
            cond.notify_all()

    watch = virthub.virEventAddHandle(r, virthub.VIR_EVENT_HANDLE_READABLE, cb, None)
    timer = None
    try:
        assert virthub.virEventUpdateHandle(watch, 0) is None
        os.write(w, b'a')
        # several loop iterations go by without the disabled handle firing
        timer = virthub.virEventAddTimeout(1, tick, None)
        with cond:
            assert cond.wait_for(lambda: len(ticks) >= 3, TIMEOUT)
        assert got == []
        virthub.virEventUpdateHandle(watch, virthub.VIR_EVENT_HANDLE_READABLE)
        with cond:
            assert cond.wait_for(lambda: len(got) >= 1, TIMEOUT)
        assert got[0] == b'a'
    finally:
        if timer is not None:
            virthub.virEventRemoveTimeout(timer)
        virthub.virEventRemoveHandle(watch)
        os.close(r)
        os.close(w)


def test_remove_handle_twice_raises(loop):
    r, w = os.pipe()
    try:
        watch = virthub.virEventAddHandle(r, virthub.VIR_EVENT_HANDLE_READABLE,
                                          lambda *a: None, None)
        assert virthub.virEventRemoveHandle(watch) == 0
        with pytest.raises(virthub.libvirtError):
            virthub.virEventRemoveHandle(watch)
    finally:
        os.close(r)
        os.close(w)


# ---- the interpreter exiting while the loop thread runs

EXIT_SCRIPT = textwrap.dedent('''
    import os, sys, threading
    if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
        import libvirt as virthub
    else:
        import virthub
    virthub.virEventRegisterDefaultImpl()
    virthub.virEventAddTimeout(1, lambda timer, opaque: None, None)
    started = threading.Event()

    def run():
        for _ in range(10 ** 8):
            started.set()
            virthub.virEventRunDefaultImpl()

    threading.Thread(target=run, daemon=True).start()
    assert started.wait(5)
    conn = virthub.open('test:///default')
    conn.lookupByName('test').name()
    print('exiting')
''')


def test_exit_with_event_loop_thread_running():
    """A daemon thread inside virEventRunDefaultImpl when Python exits must not abort the
    process (libvirt-python exits with status 0)."""
    env = dict(os.environ)
    pkg_dir = os.path.dirname(os.path.dirname(os.path.abspath(virthub.__file__)))
    env['PYTHONPATH'] = os.pathsep.join([pkg_dir] + [p for p in sys.path if p])
    for _ in range(3):
        proc = subprocess.run([sys.executable, '-c', EXIT_SCRIPT], env=env, capture_output=True,
                              text=True, timeout=60)
        assert proc.stdout == 'exiting\n'
        assert 'terminate called' not in proc.stderr
        assert proc.returncode == 0, proc.stderr[-2000:]


# ---- the loop sleeps until something is due

def test_loop_sleeps_until_timer_is_due(loop):
    """virEventRunDefaultImpl must block in poll() until the next timer is due, not spin.

    Counted, not timed: with a 20 ms timer (and the fixture's 100 ms one) the loop goes round
    about once per firing; libvirt does so.  A loop that wakes early and polls with a
    0 ms timeout until the timer is due goes round hundreds of times per firing.
    """
    fired = []
    cond = threading.Condition()

    def cb(timer, op):
        with cond:
            fired.append(loop.iterations)
            cond.notify_all()

    timer = virthub.virEventAddTimeout(20, cb, None)
    try:
        with cond:
            assert cond.wait_for(lambda: len(fired) >= 6, TIMEOUT)
        rounds = [b - a for a, b in zip(fired[1:], fired[2:])]
        assert max(rounds) <= 5, 'loop iterations between firings of a 20 ms timer: %s' % rounds
    finally:
        virthub.virEventRemoveTimeout(timer)
