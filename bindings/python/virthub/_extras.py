"""The hand-written part of the virthub package: libvirtError, the error handler, the pieces of
libvirt-python's shape that are Python code there too (context managers, the legacy domain
event list, stream loops), and the closures that carry callbacks into the C module.

api/bindings.yaml lists each function written here; everything else is generated.
"""
from __future__ import annotations   # annotations stay strings: no typing import at run time

TYPE_CHECKING = False   # typing costs as much to import as the rest of the package
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

from . import _virthub as _lib

VIR_STREAM_RECV_STOP_AT_HOLE = 1    # as the generated constant; this module loads first

__all__ = ['libvirtError', 'registerErrorHandler', 'virGetLastError', 'openAuth', 'getVersion', 'virEventRegisterImpl',
           'virEventInvokeHandleCallback', 'virEventInvokeTimeoutCallback', 'virEventInvokeFreeCallback']


class libvirtError(Exception):
    """A failed call: the error libvirt reported on this thread, as libvirt-python's."""
    __module__ = 'virthub'      # as tracebacks and repr() show it

    def __init__(self, defmsg: str, conn: Any = None, dom: Any = None, net: Any = None,
                 pool: Any = None, vol: Any = None) -> None:
        err = _lib.virGetLastError()
        msg = defmsg if err is None or err[2] is None else err[2]
        Exception.__init__(self, msg)
        self.err = err

    def _field(self, i):
        return None if self.err is None else self.err[i]

    def get_error_code(self) -> Optional[int]:
        return self._field(0)

    def get_error_domain(self) -> Optional[int]:
        return self._field(1)

    def get_error_message(self) -> Optional[str]:
        return self._field(2)

    def get_error_level(self) -> Optional[int]:
        return self._field(3)

    def get_str1(self) -> Optional[str]:
        return self._field(4)

    def get_str2(self) -> Optional[str]:
        return self._field(5)

    def get_str3(self) -> Optional[str]:
        return self._field(6)

    def get_int1(self) -> Optional[int]:
        return self._field(7)

    def get_int2(self) -> Optional[int]:
        return self._field(8)


_MISSING = object()


def registerErrorHandler(f: Optional[Callable[[Any, tuple], None]], ctx: Any) -> int:
    """Sends every error to f(ctx, error_tuple) instead of printing it; None restores printing."""
    return _lib.virRegisterErrorHandler(f, ctx)


virGetLastError = _lib.virGetLastError
virEventRegisterImpl = _lib.virEventRegisterImpl
virEventInvokeHandleCallback = _lib.virEventInvokeHandleCallback
virEventInvokeTimeoutCallback = _lib.virEventInvokeTimeoutCallback
virEventInvokeFreeCallback = _lib.virEventInvokeFreeCallback


def getVersion(name: Optional[str] = None) -> Any:
    """The library's version, or (library, hypervisor) versions for a driver name."""
    versions = _lib.virGetVersion(name)
    return versions[0] if name is None else tuple(versions)


def openAuth(uri: Optional[str], auth: Optional[list], flags: int = 0) -> Any:
    """Opens uri; auth is [credential types, callback(creds, cbdata), cbdata]."""
    from . import virConnect
    return virConnect(_obj=_lib.virConnectOpenAuth(uri, auth, flags))


# ---- callbacks: the C module calls the closure with the C callback's arguments, handles as
# capsules; the closure gives the application libvirt-python's arguments.
def _wrap(owner, value):
    capsule = _lib.capsule_type(value)
    if capsule is None:
        return value
    from . import _CLASS_OF_CAPSULE     # the package's classes; it imports this module first
    cls = _CLASS_OF_CAPSULE[capsule]
    if owner is not None and isinstance(owner, cls):
        return owner
    conn = owner._conn if owner is not None else None
    if cls.__name__ == 'virConnect':
        return conn if conn is not None else cls(_obj=value)
    return cls(conn, _obj=value)


def _callback(owner, cb, opaque):
    """A C callback's arguments, each handle as its object, then the application's opaque."""
    if cb is None:
        return None

    def call(*args):
        cb(*[_wrap(owner, a) for a in args], opaque)
    return call


class _Extras:
    """What every virthub object has."""
    _o: Any

    def c_pointer(self) -> int:
        """The address of the underlying C object."""
        return _lib.c_pointer(self._o)

    def connect(self) -> Any:
        """The connection this object belongs to."""
        return self._conn


class _DomainChildExtras(_Extras):
    """Snapshots and checkpoints."""

    def getConnect(self) -> Any:
        return self._conn

    def getDomain(self) -> Any:
        return self._dom

    def domain(self) -> Any:
        return self._dom


class _NetworkPortExtras(_Extras):
    def network(self) -> Any:
        return self._net


class _ConnectExtras(_Extras):
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        self.close()

    def virConnGetLastError(self) -> Optional[tuple]:
        return _lib.virConnGetLastError(self._o)

    # The legacy lifecycle registration: libvirt-python keeps the callbacks in a dict on the
    # connection (registering one again replaces its opaque) behind one C registration.
    def domainEventRegister(self, cb: Callable[..., Any], opaque: Any) -> None:
        """Calls cb(conn, dom, event, detail, opaque) for every domain lifecycle event."""
        legacy = self.__dict__.setdefault('_legacy_callbacks', {})
        if not legacy:
            _lib.virConnectDomainEventRegister(self, _callback(self, self._dispatch_legacy, None))
        legacy[cb] = opaque

    def domainEventDeregister(self, cb: Callable[..., Any]) -> None:
        legacy = self.__dict__.get('_legacy_callbacks', {})
        if legacy.pop(cb, _MISSING) is not _MISSING and not legacy:
            _lib.virConnectDomainEventDeregister(self)

    def _dispatch_legacy(self, conn, dom, event, detail, _opaque):
        for cb, opaque in list(self.__dict__.get('_legacy_callbacks', {}).items()):
            cb(conn, dom, event, detail, opaque)

    def _stats_records(self, records: list) -> list:
        from . import virDomain
        return [(virDomain(self, _obj=dom), params) for dom, params in records]

    def getAllDomainStats(self, stats: int = 0, flags: int = 0) -> list:
        """Statistics of every domain (flags filter them), as [(virDomain, {field: value})]."""
        return self._stats_records(_lib.virConnectGetAllDomainStats(self, stats, flags))

    def domainListGetStats(self, doms: list, stats: int = 0, flags: int = 0) -> list:
        """Statistics of the given domains, as [(virDomain, {field: value})]."""
        return self._stats_records(_lib.virDomainListGetStats(doms, stats, flags))

    def allocPages(self, pages: dict, startCell: int = 0, cellCount: int = 0, flags: int = 0) -> int:
        """Allocates or frees huge pages: pages maps a page size (KiB) to a page count."""
        sizes = list(pages)
        return _lib.virNodeAllocPages(self, sizes, [pages[k] for k in sizes], startCell, cellCount, flags)


def _cpumap(data: bytes, ncpus: int, offset: int = 0) -> tuple:
    return tuple(bool(data[offset + i // 8] & (1 << (i % 8))) for i in range(ncpus))


class _DomainExtras(_Extras):
    def _host_cpus(self) -> int:
        return self._conn.getInfo()[2]

    def emulatorPinInfo(self, flags: int = 0) -> tuple:
        """The host CPUs the emulator threads may run on, one bool per host CPU."""
        cpus = self._host_cpus()
        return _cpumap(_lib.virDomainGetEmulatorPinInfo(self, (cpus + 7) // 8, flags), cpus)

    def vcpuPinInfo(self, flags: int = 0) -> list:
        """For each vCPU, the host CPUs it may run on (a tuple of bools)."""
        cpus = self._host_cpus()
        maplen = (cpus + 7) // 8
        nvcpus = self.info()[3]
        data = _lib.virDomainGetVcpuPinInfo(self, nvcpus, maplen, flags)
        return [_cpumap(data, cpus, v * maplen) for v in range(nvcpus)]

    def sendKey(self, codeset: int, holdtime: int, keycodes: list, nkeycodes: int, flags: int = 0) -> int:
        """Sends the first nkeycodes of keycodes to the guest."""
        return _lib.virDomainSendKey(self, codeset, holdtime, list(keycodes)[:nkeycodes], flags)

    def setTime(self, time: dict = None, flags: int = 0) -> int:
        """Sets the guest's clock from {'seconds': s, 'nseconds': ns}."""
        time = time or {}
        return _lib.virDomainSetTime(self, time.get('seconds', 0), time.get('nseconds', 0), flags)


_CHUNK = 256 * 1024


class _StreamExtras(_Extras):
    def _send_data(self, data: bytes) -> None:
        view = memoryview(data if isinstance(data, bytes) else bytes(data))
        while view:
            sent = self.send(bytes(view))
            if sent < 0:
                self.abort()
                raise libvirtError('cannot send data')
            view = view[sent:]

    def sparseSendAll(self, handler: Callable[[Any, int, Any], bytes],
                      holeHandler: Callable[[Any, Any], Any], skipHandler: Callable[[Any, int, Any], Any],
                      opaque: Any) -> None:
        """Sends data and holes: holeHandler(stream, opaque) says (in data, section length),
        handler(stream, nbytes, opaque) gives data (b'' at the end), skipHandler(stream, length,
        opaque) skips a hole in the source."""
        for _ in range(1 << 40):
            in_data, length = holeHandler(self, opaque)
            if not in_data and length > 0:
                self.sendHole(length)
                skipHandler(self, length, opaque)
                continue
            data = handler(self, min(length, _CHUNK) if in_data and length else _CHUNK, opaque)
            if not data:
                break
            self._send_data(data)
        self.finish()

    def sparseRecvAll(self, handler: Callable[[Any, bytes, Any], int], holeHandler: Callable[[Any, int, Any], int],
                      opaque: Any) -> None:
        """Receives data and holes until the end: handler(stream, data, opaque) for data,
        holeHandler(stream, length, opaque) for a hole."""
        for _ in range(1 << 40):
            data = self.recvFlags(_CHUNK, VIR_STREAM_RECV_STOP_AT_HOLE)
            if data == -3:
                if holeHandler(self, self.recvHole(), opaque) < 0:
                    self.abort()
                    raise libvirtError('cannot receive a hole')
                continue
            if not data:
                break
            if handler(self, data, opaque) < 0:
                self.abort()
                raise libvirtError('cannot receive data')
        self.finish()

    def sendAll(self, handler: Callable[[Any, int, Any], bytes], opaque: Any) -> None:
        """Sends what handler(stream, nbytes, opaque) returns until it returns b''."""
        for _ in range(1 << 40):
            data = handler(self, _CHUNK, opaque)
            if not data:
                break
            self._send_data(data)
        self.finish()

    def recvAll(self, handler: Callable[[Any, bytes, Any], int], opaque: Any) -> None:
        """Receives until the end of the stream, giving each chunk to handler(stream, data, opaque)."""
        for _ in range(1 << 40):
            data = self.recv(_CHUNK)
            if not data:
                break
            if handler(self, data, opaque) < 0:
                self.abort()
                raise libvirtError('cannot receive data')
        self.finish()
