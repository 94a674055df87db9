"""asyncio event loop integration for virthub.

Drop-in for libvirt-python's ``libvirtaio`` module: a script written for
libvirt ports by changing ``import libvirtaio`` to ``from virthub import aio``.

    import asyncio
    import virthub as libvirt
    from virthub import aio as libvirtaio

    libvirtaio.virEventRegisterAsyncIOImpl()
    conn = libvirt.open('test:///default')
    ...

Register before opening connections: libvirt binds event sources to the
implementation that is registered when they are created.
"""

import asyncio
import itertools
import threading
import warnings

import virthub

__all__ = [
    'get_current_impl',
    'virEventAsyncIOImpl',
    'virEventRegisterAsyncIOImpl',
]

# libvirt ABI values; the defaults cover a partially imported package
# (aio imported while virthub/__init__ is still running).
_READABLE = getattr(virthub, 'VIR_EVENT_HANDLE_READABLE', 1)
_WRITABLE = getattr(virthub, 'VIR_EVENT_HANDLE_WRITABLE', 2)

_current_impl = None


def _default_loop():
    """The running loop, else the thread's current loop (libvirtaio's rule)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    # get_event_loop() without a running loop warns on 3.12+ and raises on
    # 3.14+ when no loop is set; keep the old behaviour of creating one.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            return loop


class _Handle:
    """One watch (libvirt handle) on a file descriptor."""

    __slots__ = ('watch', 'fd', 'events', 'cb', 'opaque', 'removed')

    def __init__(self, watch, fd, events, cb, opaque):
        self.watch = watch
        self.fd = fd
        self.events = events
        self.cb = cb
        self.opaque = opaque
        self.removed = False


class _Descriptor:
    """All watches on one fd: asyncio allows one reader and one writer per fd,
    while libvirt may put several watches on the same fd."""

    __slots__ = ('fd', 'handles', 'reading', 'writing')

    def __init__(self, fd):
        self.fd = fd
        self.handles = {}
        self.reading = False
        self.writing = False


class _Timer:
    __slots__ = ('timer', 'interval', 'cb', 'opaque', 'removed', 'scheduled')

    def __init__(self, timer, interval, cb, opaque):
        self.timer = timer
        self.interval = interval
        self.cb = cb
        self.opaque = opaque
        self.removed = False
        self.scheduled = None  # asyncio Handle/TimerHandle of the next firing


class virEventAsyncIOImpl:
    """libvirt event loop implementation running on an asyncio loop.

    The six callables may be called by libvirt from any thread; bookkeeping
    happens at once under a lock, while everything that touches the asyncio
    loop (readers, writers, timers, callbacks) is done in the loop's thread.
    """

    def __init__(self, *, loop=None):
        self.loop = loop if loop is not None else _default_loop()
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._handles = {}        # watch id -> _Handle
        self._descriptors = {}    # fd -> _Descriptor
        self._timers = {}         # timer id -> _Timer
        self._pending_ff = 0      # free callbacks scheduled, not yet run
        self._in_flight = 0       # callbacks running right now
        self._idle_waiters = []   # futures of drain() callers

    def __repr__(self):
        return '<%s loop=%r handles=%d timers=%d pending_ff=%d>' % (
            type(self).__name__, self.loop, len(self._handles),
            len(self._timers), self._pending_ff)

    # -- registration ----------------------------------------------------

    def register(self):
        """Hand the six callables to libvirt; returns self."""
        virthub.virEventRegisterImpl(
            self.add_handle, self.update_handle, self.remove_handle,
            self.add_timeout, self.update_timeout, self.remove_timeout)
        return self

    # -- idle tracking -----------------------------------------------------

    def is_idle(self):
        """True when no free callback is pending and no callback is running."""
        with self._lock:
            return self._pending_ff == 0 and self._in_flight == 0

    async def drain(self):
        """Wait until is_idle(); await it in this implementation's loop."""
        while not self.is_idle():
            fut = self.loop.create_future()
            with self._lock:
                self._idle_waiters.append(fut)
            await fut

    def _wake_if_idle(self):
        # Loop thread only: futures are not thread-safe.
        with self._lock:
            if self._pending_ff or self._in_flight or not self._idle_waiters:
                return
            waiters, self._idle_waiters = self._idle_waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    # -- running code in the loop thread -----------------------------------

    def _in_loop_thread(self):
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def _call_in_loop(self, func, *args):
        """Run func now if we are in the running loop, else queue it there.

        Returns False if the loop is closed (nothing can run any more)."""
        if self._in_loop_thread():
            func(*args)
            return True
        try:
            self.loop.call_soon_threadsafe(func, *args)
        except RuntimeError:  # loop closed
            return False
        return True

    def _invoke(self, what, func, *args):
        """Call into libvirt, counting it as in flight; an exception goes to
        the loop's exception handler so one failing callback cannot stop
        other watches or a timer's next firing."""
        with self._lock:
            self._in_flight += 1
        try:
            func(*args)
        except Exception as exc:
            self.loop.call_exception_handler({
                'message': 'virthub event %s callback failed' % what,
                'exception': exc,
            })
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake_if_idle()

    # -- free callbacks ----------------------------------------------------

    def schedule_ff_callback(self, *args):
        """Schedule libvirt's free callback for ``opaque`` to run from the loop.

        Takes ``(opaque)``; the older ``(cb, opaque)`` form is accepted too,
        the last argument being the opaque. libvirt forbids running the free
        callback inside remove_handle/remove_timeout, so it is never run
        synchronously here."""
        if not args:
            raise TypeError('schedule_ff_callback() needs the opaque')
        opaque = args[-1]
        with self._lock:
            self._pending_ff += 1
        try:
            if self._in_loop_thread():
                self.loop.call_soon(self._run_ff, opaque)
            else:
                self.loop.call_soon_threadsafe(self._run_ff, opaque)
        except RuntimeError:
            # Loop closed: the callback can never run; don't stay non-idle.
            with self._lock:
                self._pending_ff -= 1

    def _run_ff(self, opaque):
        try:
            self._invoke('free', virthub.virEventInvokeFreeCallback, opaque)
        finally:
            with self._lock:
                self._pending_ff -= 1
            self._wake_if_idle()

    # -- handles -----------------------------------------------------------

    def add_handle(self, fd, event, cb, opaque):
        """Watch fd for event (READABLE|WRITABLE); returns the watch id."""
        with self._lock:
            watch = next(self._ids)
            handle = _Handle(watch, fd, event, cb, opaque)
            self._handles[watch] = handle
            desc = self._descriptors.get(fd)
            if desc is None:
                desc = self._descriptors[fd] = _Descriptor(fd)
            desc.handles[watch] = handle
        self._call_in_loop(self._sync_fd, fd)
        return watch

    def update_handle(self, watch, event):
        with self._lock:
            handle = self._handles.get(watch)
            if handle is None:
                return
            handle.events = event
            fd = handle.fd
        self._call_in_loop(self._sync_fd, fd)

    def remove_handle(self, watch):
        """Stop watching; returns 0, or -1 for an unknown watch."""
        with self._lock:
            handle = self._handles.pop(watch, None)
            if handle is None:
                return -1
            handle.removed = True
            desc = self._descriptors.get(handle.fd)
            if desc is not None:
                desc.handles.pop(watch, None)
        self._call_in_loop(self._sync_fd, handle.fd)
        self.schedule_ff_callback(handle.opaque)
        return 0

    def _sync_fd(self, fd):
        """Make the loop's reader/writer on fd match the watches' masks.

        Idempotent, so it may be queued any number of times and in any
        order relative to direct calls."""
        with self._lock:
            desc = self._descriptors.get(fd)
            if desc is None:
                return
            # ERROR/HANGUP cannot be asked for: selectors report them as
            # read/write readiness, and libvirt finds out on its next I/O.
            mask = 0
            for handle in desc.handles.values():
                mask |= handle.events
            want_read = bool(mask & _READABLE)
            want_write = bool(mask & _WRITABLE)
            try:
                if want_read and not desc.reading:
                    self.loop.add_reader(fd, self._fd_ready, fd, _READABLE)
                    desc.reading = True
                elif desc.reading and not want_read:
                    self.loop.remove_reader(fd)
                    desc.reading = False
                if want_write and not desc.writing:
                    self.loop.add_writer(fd, self._fd_ready, fd, _WRITABLE)
                    desc.writing = True
                elif desc.writing and not want_write:
                    self.loop.remove_writer(fd)
                    desc.writing = False
            except Exception as exc:  # e.g. an fd the selector rejects
                self.loop.call_exception_handler({
                    'message': 'virthub event loop cannot watch fd %d' % fd,
                    'exception': exc,
                })
            if not desc.handles and not desc.reading and not desc.writing:
                del self._descriptors[fd]

    def _fd_ready(self, fd, flag):
        with self._lock:
            desc = self._descriptors.get(fd)
            if desc is None:
                return
            targets = [h for h in desc.handles.values() if h.events & flag]
        for handle in targets:
            # An earlier callback in this batch may have removed or muted it.
            if handle.removed or not handle.events & flag:
                continue
            self._invoke('handle', self._call_handle, handle, flag)

    @staticmethod
    def _call_handle(handle, flag):
        # libvirt-python hands over its own invoker as `cb` and exports no
        # public virEventInvokeHandleCallback; use the public one if the
        # binding has it, else the invoker we were given.
        invoke = getattr(virthub, 'virEventInvokeHandleCallback', None)
        if invoke is not None:
            invoke(handle.watch, handle.fd, flag, handle.opaque)
        else:
            handle.cb(handle.watch, handle.fd, flag, handle.opaque)

    # -- timeouts ----------------------------------------------------------

    def add_timeout(self, timeout, cb, opaque):
        """Add a timer firing every `timeout` ms (-1: disabled, 0: on every
        loop iteration); returns the timer id."""
        with self._lock:
            timer = next(self._ids)
            t = self._timers[timer] = _Timer(timer, timeout, cb, opaque)
        self._call_in_loop(self._sync_timer, t)
        return timer

    def update_timeout(self, timer, timeout):
        """Change the period; like libvirt's own loop, this restarts it."""
        with self._lock:
            t = self._timers.get(timer)
            if t is None:
                return
            t.interval = timeout
        self._call_in_loop(self._sync_timer, t)

    def remove_timeout(self, timer):
        """Delete a timer; returns 0, or -1 for an unknown timer."""
        with self._lock:
            t = self._timers.pop(timer, None)
            if t is None:
                return -1
            t.removed = True
        self._call_in_loop(self._sync_timer, t)
        self.schedule_ff_callback(t.opaque)
        return 0

    def _sync_timer(self, t):
        with self._lock:
            if t.scheduled is not None:
                t.scheduled.cancel()
                t.scheduled = None
            if t.removed or t.interval < 0:
                return
            if t.interval == 0:
                t.scheduled = self.loop.call_soon(self._timer_fired, t)
            else:
                t.scheduled = self.loop.call_later(
                    t.interval / 1000.0, self._timer_fired, t)

    def _timer_fired(self, t):
        with self._lock:
            t.scheduled = None
            if t.removed or t.interval < 0:
                return
        try:
            self._invoke('timeout', self._call_timeout, t)
        finally:
            # Periodic: re-arm unless the callback already re-armed (via
            # update_timeout), disabled or removed the timer.
            with self._lock:
                rearm = (t.scheduled is None and not t.removed
                         and t.interval >= 0)
            if rearm:
                self._sync_timer(t)

    @staticmethod
    def _call_timeout(t):
        invoke = getattr(virthub, 'virEventInvokeTimeoutCallback', None)
        if invoke is not None:
            invoke(t.timer, t.opaque)
        else:
            t.cb(t.timer, t.opaque)


def get_current_impl():
    """The implementation registered by virEventRegisterAsyncIOImpl, or None."""
    return _current_impl


def virEventRegisterAsyncIOImpl(*, loop=None):
    """Register an asyncio-based event loop implementation with libvirt.

    loop defaults to the running loop, else the thread's current loop.
    libvirt accepts one registration per process; returns the implementation.
    """
    global _current_impl
    _current_impl = virEventAsyncIOImpl(loop=loop).register()
    return _current_impl
