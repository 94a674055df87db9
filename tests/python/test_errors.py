"""Errors: libvirtError, the last error, error handlers, argument checking.

Every expected value here is what Debian's libvirt-python 9.0.0 gives for the same call
(run with VIRTHUB_TEST_MODULE=libvirt to check them against it).
"""

import os

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    import libvirt as virthub
else:
    import virthub

URI = 'test:///default'

NO_DOMAIN = (42, 12, 'Domain not found', 2, 'Domain not found', None, None, -1, -1)

GOOD_XML = ("<domain type='test'><name>%s</name><memory>1024</memory>"
            "<os><type>hvm</type></os></domain>")


@pytest.fixture
def quiet():
    """Errors go to a list instead of stderr; the default handler comes back afterwards."""
    seen = []
    assert virthub.registerErrorHandler(lambda ctx, err: seen.append(err), None) == 1
    yield seen
    virthub.registerErrorHandler(None, None)


@pytest.fixture(autouse=True)
def default_handler_afterwards():
    yield
    virthub.registerErrorHandler(None, None)
    virthub.virResetLastError()


def _raises(fn):
    with pytest.raises(virthub.libvirtError) as info:
        fn()
    return info.value


# ---- libvirtError for a missing domain

def test_missing_domain_raises_libvirt_error(conn, quiet):
    e = _raises(lambda: conn.lookupByName('no-such-domain'))
    assert isinstance(e, Exception)
    assert e.get_error_code() == virthub.VIR_ERR_NO_DOMAIN == 42
    assert e.get_error_domain() == virthub.VIR_FROM_TEST == 12
    assert e.get_error_message() == 'Domain not found'
    assert str(e) == 'Domain not found'


def test_error_is_the_nine_tuple(conn, quiet):
    e = _raises(lambda: conn.lookupByName('no-such-domain'))
    assert isinstance(e.err, tuple)
    assert e.err == NO_DOMAIN
    assert e.get_error_level() == virthub.VIR_ERR_ERROR == 2
    assert e.get_str1() == 'Domain not found'
    assert e.get_str2() is None
    assert e.get_str3() is None
    assert e.get_int1() == -1
    assert e.get_int2() == -1


def test_lookup_by_id_of_missing_domain(conn, quiet):
    assert _raises(lambda: conn.lookupByID(99)).err == NO_DOMAIN


def test_last_error_after_failure(conn, quiet):
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert virthub.virGetLastError() == NO_DOMAIN
    assert virthub.virGetLastErrorCode() == 42
    assert virthub.virGetLastErrorDomain() == 12
    assert virthub.virGetLastErrorMessage() == 'Domain not found'
    assert conn.virConnGetLastError() == NO_DOMAIN


def test_reset_last_error(conn, quiet):
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert virthub.virResetLastError() is None
    assert virthub.virGetLastError() is None
    assert virthub.virGetLastErrorCode() == 0
    assert virthub.virGetLastErrorDomain() == 0
    assert virthub.virGetLastErrorMessage() == 'no error'


def test_successful_call_clears_last_error(conn, quiet):
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert conn.lookupByName('test').name() == 'test'
    assert virthub.virGetLastError() is None


def test_exception_keeps_its_own_error(conn, quiet):
    first = _raises(lambda: conn.lookupByName('no-such-domain'))
    second = _raises(lambda: conn.defineXML('<foo/>'))
    assert first.err == NO_DOMAIN
    assert second.get_error_code() == virthub.VIR_ERR_XML_ERROR
    assert virthub.virGetLastError() == second.err


def test_invalid_uuid_string(conn, quiet):
    e = _raises(lambda: conn.lookupByUUIDString('nope'))
    assert e.err == (8, 20, 'Invalid UUID', 2, 'virDomainLookupByUUIDString', 'uuidstr', None, 0, 0)


def test_none_for_a_required_string(conn, quiet):
    """libvirt-python passes None as NULL; the C library refuses it."""
    e = _raises(lambda: conn.lookupByName(None))
    assert e.err == (virthub.VIR_ERR_INVALID_ARG, virthub.VIR_FROM_DOMAIN,
                     'name in virDomainLookupByName must not be NULL', 2,
                     'virDomainLookupByName', 'name', None, 0, 0)


def test_create_of_existing_domain(conn, quiet):
    e = _raises(lambda: conn.createXML(GOOD_XML % 'test'))
    assert e.get_error_code() == virthub.VIR_ERR_OPERATION_FAILED == 9
    assert e.get_error_domain() == virthub.VIR_FROM_DOMAIN == 20
    assert e.get_error_message().startswith("operation failed: domain 'test' already exists")


# ---- error handlers

def test_error_handler_gets_ctx_and_tuple_for_each_error(conn):
    seen = []
    ctx = object()
    assert virthub.registerErrorHandler(lambda c, err: seen.append((c, err)), ctx) == 1
    for _ in range(2):
        _raises(lambda: conn.lookupByName('no-such-domain'))
    _raises(lambda: conn.defineXML('<foo/>'))
    assert len(seen) == 3
    assert all(c is ctx for c, _ in seen)
    assert seen[0][1] == NO_DOMAIN
    assert seen[1][1] == NO_DOMAIN
    assert seen[2][1] == (27, 5, "XML error: expecting root element of 'domain', not 'foo'", 2,
                          'XML error: %s', "expecting root element of 'domain', not 'foo'",
                          None, -1, -1)


def test_error_handler_replaces_printing(conn, capfd):
    virthub.registerErrorHandler(lambda c, err: None, None)
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert capfd.readouterr().err == ''


def test_default_handler_prints_to_stderr(conn, capfd):
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert capfd.readouterr().err == 'libvirt: Test Driver error : Domain not found\n'


def test_register_none_restores_default(conn, capfd):
    seen = []
    virthub.registerErrorHandler(lambda c, err: seen.append(err), 'ctx')
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert capfd.readouterr().err == ''
    assert virthub.registerErrorHandler(None, None) == 1
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert capfd.readouterr().err == 'libvirt: Test Driver error : Domain not found\n'
    assert len(seen) == 1


def test_replacing_a_handler(conn):
    first, second = [], []
    virthub.registerErrorHandler(lambda c, err: first.append(err), None)
    virthub.registerErrorHandler(lambda c, err: second.append(err), None)
    _raises(lambda: conn.lookupByName('no-such-domain'))
    assert first == [] and second == [NO_DOMAIN]


@pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')
def test_handler_that_raises_does_not_break_the_process(conn):
    """libvirt-python turns this into SystemError; any exception will do, and later calls work."""
    def boom(ctx, err):
        raise ValueError('boom')
    virthub.registerErrorHandler(boom, None)
    with pytest.raises(Exception):
        conn.lookupByName('no-such-domain')
    virthub.registerErrorHandler(None, None)
    assert conn.lookupByName('test').name() == 'test'


# ---- bad XML

# (xml, the error tuple libvirt-python gives)
BAD_XML = [
    ('<domain',
     (35, 20, "(domain_definition):1: Couldn't find end of Start Tag domain line 1\n<domain\n-------^",
      2, '%s', "(domain_definition):1: Couldn't find end of Start Tag domain line 1\n<domain\n-------^",
      None, -1, -1)),
    ("<domain type='test'><name>x</name></domain>",
     (27, 20, 'XML error: an os <type> must be specified', 2, 'XML error: %s',
      'an os <type> must be specified', None, -1, -1)),
    ('<foo/>',
     (27, 5, "XML error: expecting root element of 'domain', not 'foo'", 2, 'XML error: %s',
      "expecting root element of 'domain', not 'foo'", None, -1, -1)),
    ('',
     (35, 20, '(domain_definition):1: Document is empty\n(null)\n^', 2, '%s',
      '(domain_definition):1: Document is empty\n(null)\n^', None, -1, -1)),
]


@pytest.mark.parametrize('xml,err', BAD_XML, ids=['unclosed', 'no-os-type', 'wrong-root', 'empty'])
def test_define_bad_xml(conn, quiet, xml, err):
    e = _raises(lambda: conn.defineXML(xml))
    assert e.err == err
    assert e.get_error_code() in (virthub.VIR_ERR_XML_ERROR, virthub.VIR_ERR_XML_DETAIL)
    assert conn.lookupByName('test').name() == 'test'


def test_define_bad_xml_codes():
    assert virthub.VIR_ERR_XML_ERROR == 27
    assert virthub.VIR_ERR_XML_DETAIL == 35


# ---- wrong argument types

WRONG_TYPES = [
    ('lookupByName(5)', lambda c, d: c.lookupByName(5)),
    ('lookupByName(bytes)', lambda c, d: c.lookupByName(b'test')),
    ('lookupByID(str)', lambda c, d: c.lookupByID('a')),
    ('lookupByID(float)', lambda c, d: c.lookupByID(1.5)),
    ('lookupByUUIDString(int)', lambda c, d: c.lookupByUUIDString(5)),
    ('defineXML(int)', lambda c, d: c.defineXML(5)),
    ('setMemory(str)', lambda c, d: d.setMemory('x')),
    ('XMLDesc(str)', lambda c, d: d.XMLDesc('0')),
    ('XMLDesc(None)', lambda c, d: d.XMLDesc(None)),
    ('listAllDomains(str)', lambda c, d: c.listAllDomains('x')),
    ('open(int)', lambda c, d: virthub.open(5)),
    ('lookupByName()', lambda c, d: c.lookupByName()),
    ('info(1)', lambda c, d: d.info(1)),
]


@pytest.mark.parametrize('call', [w[1] for w in WRONG_TYPES], ids=[w[0] for w in WRONG_TYPES])
def test_wrong_argument_type_raises_type_error(conn, call):
    dom = conn.lookupByName('test')
    with pytest.raises(TypeError):
        call(conn, dom)
    # and the process keeps working
    assert conn.lookupByName('test').name() == 'test'
    assert dom.info()[0] in range(8)


def test_keyword_argument(conn):
    assert conn.lookupByName(name='test').name() == 'test'


def test_embedded_nul_in_string_raises_value_error(conn, quiet):
    """libvirt-python: ValueError('embedded null character'); the string must not be cut at NUL."""
    with pytest.raises(ValueError):
        conn.lookupByName('test\0junk')
    with pytest.raises(ValueError):
        conn.lookupByName('te\0st')


def test_non_utf8_string_raises_unicode_error(conn):
    with pytest.raises(UnicodeEncodeError):
        conn.lookupByName('\udcff')


def test_int_out_of_range_raises_overflow_error(conn):
    """libvirt-python parses C ints with PyArg_ParseTuple: OverflowError."""
    with pytest.raises(OverflowError):
        conn.lookupByID(2 ** 40)
    with pytest.raises(OverflowError):
        conn.lookupByID(-2 ** 40)
    with pytest.raises(OverflowError):
        conn.lookupByName('test').setMemory(2 ** 64)


def test_minus_one_for_unsigned_long_reaches_libvirt(conn, quiet):
    """libvirt-python passes -1 for an unsigned long as ULONG_MAX; the driver refuses it."""
    e = _raises(lambda: conn.lookupByName('test').setMemory(-1))
    assert e.get_error_code() == virthub.VIR_ERR_OVERFLOW == 82
    assert e.get_error_domain() == virthub.VIR_FROM_DOMAIN
    e = _raises(lambda: conn.lookupByName('test').setMaxMemory(-1))
    assert e.get_error_code() == virthub.VIR_ERR_OVERFLOW


def test_minus_one_for_unsigned_int_reaches_libvirt(conn, quiet):
    e = _raises(lambda: conn.lookupByName('test').XMLDesc(-1))
    assert e.get_error_code() == virthub.VIR_ERR_INVALID_ARG
    assert e.get_error_message().startswith('unsupported flags (0xfffffff4)')


# ---- read-only connections

def test_read_only_connection_refuses_define(quiet):
    ro = virthub.openReadOnly(URI)
    try:
        e = _raises(lambda: ro.defineXML(GOOD_XML % 'ro-define'))
        assert e.get_error_code() == virthub.VIR_ERR_OPERATION_DENIED == 29
        assert e.err == (29, 20, 'operation forbidden: read only access prevents virDomainDefineXML',
                         2, 'operation forbidden: %s',
                         'read only access prevents virDomainDefineXML', None, -1, -1)
    finally:
        ro.close()


def test_read_only_connection_refuses_suspend_but_reads(quiet):
    ro = virthub.openReadOnly(URI)
    try:
        dom = ro.lookupByName('test')
        assert dom.name() == 'test'
        assert dom.info()[0] == virthub.VIR_DOMAIN_RUNNING
        e = _raises(dom.suspend)
        assert e.get_error_code() == virthub.VIR_ERR_OPERATION_DENIED
        assert e.get_error_message() == 'operation forbidden: read only access prevents virDomainSuspend'
        del dom
    finally:
        ro.close()


def test_define_and_undefine_on_read_write_connection(conn, quiet):
    dom = conn.defineXML(GOOD_XML % 'errors-define')
    try:
        assert dom.name() == 'errors-define'
        assert conn.lookupByName('errors-define').UUIDString() == dom.UUIDString()
    finally:
        dom.undefine()
    assert _raises(lambda: conn.lookupByName('errors-define')).err == NO_DOMAIN
