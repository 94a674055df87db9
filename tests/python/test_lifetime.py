"""Object lifetime: explicit close, the context manager, freeing on collection, memory growth.

A connection's close() returns the count of references still held on it (libvirt's
virConnectClose), so close() == 0 shows every object made from the connection was freed.
Expected values are libvirt-python's (VIRTHUB_TEST_MODULE=libvirt checks them against it).

The RSS test is marked `rss`; deselect it under AddressSanitizer with -m "not rss".
"""

import gc
import os
import tracemalloc
import weakref

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    import libvirt as virthub
else:
    import virthub

URI = 'test:///default'
CALLS = 100_000
WARMUP = 5_000


@pytest.fixture(autouse=True)
def quiet_errors():
    virthub.registerErrorHandler(lambda ctx, err: None, None)
    yield
    virthub.registerErrorHandler(None, None)


def _invalid_conn(fn, c_function, domain=None):
    with pytest.raises(virthub.libvirtError) as info:
        fn()
    e = info.value
    assert e.get_error_code() == virthub.VIR_ERR_INVALID_CONN == 6
    assert e.get_error_domain() == (virthub.VIR_FROM_DOMAIN if domain is None else domain)
    assert e.get_error_message() == 'invalid connection pointer in %s' % c_function
    return e


# ---- explicit close

def test_close_returns_zero():
    conn = virthub.open(URI)
    assert conn.close() == 0


def test_close_counts_objects_still_alive():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    assert conn.close() == 1
    assert dom.name() == 'test'


def test_calls_after_close_raise():
    conn = virthub.open(URI)
    assert conn.close() == 0
    e = _invalid_conn(lambda: conn.lookupByName('test'), 'virDomainLookupByName')
    assert e.err == (6, 20, 'invalid connection pointer in virDomainLookupByName', 2,
                     'invalid connection pointer in %s', 'virDomainLookupByName', None, -1, -1)
    _invalid_conn(conn.getURI, 'virConnectGetURI')
    _invalid_conn(conn.getType, 'virConnectGetType')
    _invalid_conn(conn.getHostname, 'virConnectGetHostname')
    _invalid_conn(conn.getCapabilities, 'virConnectGetCapabilities')
    _invalid_conn(conn.listAllDomains, 'virConnectListAllDomains')
    _invalid_conn(conn.numOfDomains, 'virConnectNumOfDomains')
    _invalid_conn(conn.isAlive, 'virConnectIsAlive')
    _invalid_conn(conn.getInfo, 'virNodeGetInfo')
    _invalid_conn(conn.getLibVersion, 'virConnectGetLibVersion')
    _invalid_conn(lambda: conn.defineXML('<foo/>'), 'virDomainDefineXML')


def test_close_twice_raises():
    conn = virthub.open(URI)
    conn.close()
    _invalid_conn(conn.close, 'virConnectClose', domain=virthub.VIR_FROM_NONE)


def test_process_keeps_working_after_calls_on_closed_connection():
    conn = virthub.open(URI)
    conn.close()
    for _ in range(100):
        with pytest.raises(virthub.libvirtError):
            conn.getURI()
    other = virthub.open(URI)
    assert other.lookupByName('test').name() == 'test'
    assert other.close() == 0


def test_c_pointer_is_an_int():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    assert isinstance(conn.c_pointer(), int) and conn.c_pointer() != 0
    assert isinstance(dom.c_pointer(), int) and dom.c_pointer() != 0
    assert conn.c_pointer() == conn.c_pointer()
    del dom
    conn.close()


def test_c_pointer_after_close_is_zero():
    """libvirt-python gives 0 (the NULL pointer) once the connection is closed."""
    conn = virthub.open(URI)
    conn.close()
    assert conn.c_pointer() == 0


# ---- the context manager

def test_with_closes_on_exit():
    with virthub.open(URI) as conn:
        assert isinstance(conn, virthub.virConnect)
        assert conn.getURI() == URI
    _invalid_conn(conn.getURI, 'virConnectGetURI')


def test_with_returns_the_connection_itself():
    c = virthub.open(URI)
    with c as entered:
        assert entered is c
    _invalid_conn(c.getType, 'virConnectGetType')


def test_with_closes_when_the_body_raises():
    with pytest.raises(KeyError):
        with virthub.open(URI) as conn:
            raise KeyError('x')
    _invalid_conn(conn.getURI, 'virConnectGetURI')


def test_domain_from_with_block_outlives_it():
    with virthub.open(URI) as conn:
        dom = conn.lookupByName('test')
    assert dom.name() == 'test'
    assert dom.info()[0] == virthub.VIR_DOMAIN_RUNNING


# ---- freeing on collection

def test_domain_outlives_dropped_connection():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    del conn
    gc.collect()
    assert dom.name() == 'test'
    assert len(dom.info()) == 5
    assert dom.connect().getURI() == URI


def test_domain_outlives_closed_connection():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    conn.close()
    assert dom.name() == 'test'
    assert dom.UUIDString() == '6695eb01-f6a4-8304-79aa-97f2502e193f'
    assert isinstance(dom.c_pointer(), int)


def test_last_domain_keeps_connection_until_collected():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    del conn
    gc.collect()
    again = dom.connect()
    del dom
    gc.collect()
    assert again.close() == 0


def test_domains_are_freed_when_collected():
    conn = virthub.open(URI)
    doms = [conn.lookupByName('test') for _ in range(1000)]
    ref = weakref.ref(doms[0])
    del doms
    gc.collect()
    assert ref() is None
    assert conn.close() == 0


def test_domain_in_reference_cycle_is_freed():
    conn = virthub.open(URI)
    dom = conn.lookupByName('test')
    dom.myself = dom
    del dom
    gc.collect()
    assert conn.close() == 0


def test_listed_domains_are_freed():
    conn = virthub.open(URI)
    for _ in range(100):
        assert [d.name() for d in conn.listAllDomains()] == ['test']
    gc.collect()
    assert conn.close() == 0


def test_read_only_connection_lifetime():
    ro = virthub.openReadOnly(URI)
    dom = ro.lookupByName('test')
    assert ro.close() == 1
    assert dom.name() == 'test'
    del dom
    gc.collect()


# ---- memory growth

def _lookup_loop(conn, n):
    for _ in range(n):
        dom = conn.lookupByName('test')
        dom.name()
        dom.info()


def _failing_lookup_loop(conn, n):
    for _ in range(n):
        try:
            conn.lookupByName('no-such-domain')
        except virthub.libvirtError:
            pass


def _open_close_loop(n):
    for _ in range(n):
        c = virthub.open(URI)
        c.lookupByName('test').name()
        c.close()


def _traced_growth(work, n, warmup):
    work(warmup)
    gc.collect()
    tracemalloc.start()
    try:
        work(warmup // 5)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        work(n)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def _rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def test_no_traced_growth_over_100k_calls():
    conn = virthub.open(URI)
    growth = _traced_growth(lambda n: _lookup_loop(conn, n), CALLS, WARMUP)
    conn.close()
    assert growth < 64 * 1024


def test_no_traced_growth_over_failing_calls():
    conn = virthub.open(URI)
    growth = _traced_growth(lambda n: _failing_lookup_loop(conn, n), CALLS // 2, WARMUP)
    conn.close()
    assert growth < 64 * 1024


def test_no_traced_growth_over_open_close():
    growth = _traced_growth(_open_close_loop, 5_000, 1_000)
    assert growth < 64 * 1024


@pytest.mark.rss
def test_no_rss_growth_over_100k_calls():
    conn = virthub.open(URI)
    _lookup_loop(conn, WARMUP)
    gc.collect()
    before = _rss()
    _lookup_loop(conn, CALLS)
    _failing_lookup_loop(conn, CALLS // 10)
    gc.collect()
    growth = _rss() - before
    conn.close()
    assert growth < 2 * 1024 * 1024
