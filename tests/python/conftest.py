"""Shared pytest setup for the virthub Python binding tests.

The binding is found through PYTHONPATH (the ctest entry sets it to
build/bindings/python).  VIRTHUB_PYTHONPATH, when set, is put in front of
sys.path as well, for running the tests by hand against another build.

VIRTHUB_TEST_MODULE=libvirt makes the tests (those that check behaviour, not
virthub's own shape) import Debian's libvirt-python in place of virthub, to
check the assertions themselves against the real thing:

    VIRTHUB_TEST_MODULE=libvirt PYTHONPATH=<dir with pytest> /usr/bin/python3 \
        -m pytest -q tests/python -p no:cacheprovider --ignore=tests/python/test_aio.py

libvirt accepts one event implementation per process: test_aio.py registers
its own with virEventRegisterImpl, test_threads.py and test_events.py use the
default one (the `default_event_loop` fixture below), so test_aio.py must run
in a process of its own.
"""

import os
import sys
import threading

import pytest

_extra = os.environ.get('VIRTHUB_PYTHONPATH')
if _extra:
    for _p in reversed([p for p in _extra.split(os.pathsep) if p]):
        if _p not in sys.path:
            sys.path.insert(0, _p)

TIMEOUT = 5  # seconds; the bound on every wait in these tests
URI = 'test:///default'


def pytest_configure(config):
    config.addinivalue_line(
        'markers',
        'rss: measures the process RSS (deselect under AddressSanitizer: -m "not rss")')
    config.addinivalue_line(
        'markers',
        'libvirt_python_only: behaviour checked only against libvirt-python')


def binding_module():
    """virthub, or Debian's libvirt-python when VIRTHUB_TEST_MODULE=libvirt."""
    if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
        import libvirt
        return libvirt
    import virthub
    return virthub


@pytest.fixture
def conn():
    """A connection to the test driver, closed afterwards."""
    c = binding_module().open(URI)
    yield c
    c.close()


class DefaultEventLoop:
    """The default event implementation, run by a daemon thread in a bounded loop.

    A disabled-by-default timer (`wake`) lets stop() wake a loop blocked in
    poll(); stop() joins the thread, so no thread is left inside the C library
    when the interpreter exits.
    """

    def __init__(self, mod):
        self.mod = mod
        self.stopping = threading.Event()
        self.entered = threading.Event()
        self.iterations = 0  # calls of virEventRunDefaultImpl that returned
        self.entries = 0  # calls made; entries > iterations while the thread is in one
        self.errors = []
        self.thread = None
        self.wake_timer = None

    def start(self):
        assert self.mod.virEventRegisterDefaultImpl() == 0
        # a periodic timer so the loop never sleeps longer than 100 ms
        self.wake_timer = self.mod.virEventAddTimeout(100, lambda timer, opaque: None, None)
        self.thread = threading.Thread(target=self._run, name='virEventRunDefaultImpl',
                                       daemon=True)
        self.thread.start()
        assert self.entered.wait(TIMEOUT)

    def _run(self):
        for _ in range(10 ** 7):  # bounded; stop() ends it long before
            if self.stopping.is_set():
                break
            self.entered.set()
            self.entries += 1
            try:
                self.mod.virEventRunDefaultImpl()
            except Exception as e:  # keep the loop going; tests look at .errors
                self.errors.append(e)
            self.iterations += 1

    def in_call(self):
        """Whether the loop thread is inside (or just entering) virEventRunDefaultImpl."""
        return self.entries > self.iterations

    def barrier(self):
        """Waits (bounded) until the loop has run everything due before this call: the events
        a test's clean-up caused reach nobody's later callback. A timer added now fires after the
        event queue's timer, which the events already made due."""
        fired = threading.Event()
        timer = self.mod.virEventAddTimeout(0, lambda t, opaque: fired.set(), None)
        try:
            assert fired.wait(TIMEOUT), 'the event loop did not run a due timer'
        finally:
            self.mod.virEventRemoveTimeout(timer)

    def set_period(self, ms):
        """How long the loop may sleep when nothing else is due (the wake timer's period)."""
        self.mod.virEventUpdateTimeout(self.wake_timer, ms)

    def stop(self):
        self.stopping.set()
        if self.wake_timer is not None:
            try:
                self.mod.virEventUpdateTimeout(self.wake_timer, 0)
            except Exception:
                pass
        if self.thread is not None:
            self.thread.join(TIMEOUT)
            assert not self.thread.is_alive(), 'the event loop thread did not stop'
        if self.wake_timer is not None:
            self.mod.virEventRemoveTimeout(self.wake_timer)
            self.wake_timer = None


@pytest.fixture(scope='module')
def default_event_loop():
    loop = DefaultEventLoop(binding_module())
    loop.start()
    yield loop
    loop.stop()
