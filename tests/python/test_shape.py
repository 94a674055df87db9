"""The shape of the virthub package against libvirt-python's, as recorded from Debian's
libvirt-python 9.0.0 in libvirt_python_api.tsv (names, constants) and
libvirt_python_signatures.tsv (call signatures).

Names libvirt-python has and virthub lacks are listed below, each with a reason: NOT_EXPOSED
for what virthub leaves out on purpose (reasons from build/gen/python/exposure.txt),
KNOWN_GAPS for what is simply missing.  A test fails when one of those names appears, so the
lists stay current.
"""

import ast
import inspect
import os

import pytest

if os.environ.get('VIRTHUB_TEST_MODULE') == 'libvirt':
    pytest.skip('checks virthub\'s own shape', allow_module_level=True)

import virthub  # noqa: E402
from signatures import params  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
API_TSV = os.path.join(HERE, 'libvirt_python_api.tsv')
SIGNATURES_TSV = os.path.join(HERE, 'libvirt_python_signatures.tsv')

# (owner, name) -> reason, as build/gen/python/exposure.txt gives it ("not exposed").
NOT_EXPOSED = {
    ('module', 'virInitialize'):
        'the module initializes the library when imported',
    ('virConnect', 'getCPUMap'):
        'shaped (ncpus, cpumap, online) in libvirt-python; no driver implements it yet',
    ('virDomain', 'diskErrors'):
        'shaped {disk: error} in libvirt-python; no driver implements it yet',
    ('virDomain', 'fsInfo'):
        'shaped [(mountpoint, name, fstype, [devices])] in libvirt-python; no driver implements it yet',
    ('virDomain', 'getCPUStats'):
        'shaped [dict per CPU] in libvirt-python; no driver implements it yet',
    ('virDomain', 'interfaceAddresses'):
        'shaped {name: {hwaddr, addrs}} in libvirt-python; no driver implements it yet',
    ('virDomain', 'ioThreadInfo'):
        'shaped [(id, cpumap)] in libvirt-python; no driver implements it yet',
    ('virDomain', 'memoryStats'):
        'shaped {tag name: value} in libvirt-python; no driver implements it yet',
    ('virDomain', 'securityLabelList'):
        'shaped [[label, enforcing]] in libvirt-python; no driver implements it yet',
    ('virDomain', 'vcpus'):
        'shaped (vcpu tuples, cpumaps) in libvirt-python; no driver implements it yet',
    ('virNetwork', 'DHCPLeases'):
        'shaped [lease dict] in libvirt-python; no driver implements it yet',
}

# The C function exposure.txt files each NOT_EXPOSED name under.
NOT_EXPOSED_C = {
    ('module', 'virInitialize'): 'virInitialize',
    ('virConnect', 'getCPUMap'): 'virNodeGetCPUMap',
    ('virDomain', 'diskErrors'): 'virDomainGetDiskErrors',
    ('virDomain', 'fsInfo'): 'virDomainGetFSInfo',
    ('virDomain', 'getCPUStats'): 'virDomainGetCPUStats',
    ('virDomain', 'interfaceAddresses'): 'virDomainInterfaceAddresses',
    ('virDomain', 'ioThreadInfo'): 'virDomainGetIOThreadInfo',
    ('virDomain', 'memoryStats'): 'virDomainMemoryStats',
    ('virDomain', 'securityLabelList'): 'virDomainGetSecurityLabelList',
    ('virDomain', 'vcpus'): 'virDomainGetVcpus',
    ('virNetwork', 'DHCPLeases'): 'virNetworkGetDHCPLeases',
}

# Missing for no deliberate reason: real gaps in the binding.
KNOWN_GAPS = {}

# Recorded from libvirt.py's namespace but not libvirt API.
NOT_LIBVIRT_API = {
    ('module', 'overload'): "typing.overload, imported into libvirt.py's namespace",
}

LIBVIRT_ERROR_METHODS = (
    'get_error_code', 'get_error_domain', 'get_error_message', 'get_error_level',
    'get_str1', 'get_str2', 'get_str3', 'get_int1', 'get_int2',
)


def _facts():
    rows = []
    with open(API_TSV) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            kind, owner, name, value = line.rstrip('\n').split('\t')
            rows.append((kind, owner, name, value))
    return rows


FACTS = _facts()
CONSTANTS = [(n, v) for k, o, n, v in FACTS if k == 'constant']
FUNCTIONS = [(o, n) for k, o, n, v in FACTS if k == 'function']
METHODS = [(o, n) for k, o, n, v in FACTS if k == 'method']
EXCUSED = {**NOT_EXPOSED, **KNOWN_GAPS, **NOT_LIBVIRT_API}


def _listing(items):
    return '%d:\n  ' % len(items) + '\n  '.join(str(i) for i in items)


def _find(owner, name):
    """The attribute virthub has for a recorded name, or None."""
    if owner == 'module':
        return getattr(virthub, name, None)
    cls = getattr(virthub, owner, None)
    return None if cls is None else getattr(cls, name, None)


def _signature_facts():
    rows = []
    with open(SIGNATURES_TSV) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            owner, name, *params = line.rstrip('\n').split('\t')
            rows.append((owner, name, params))
    return rows


def _exposure_txt():
    env = os.environ.get('VIRTHUB_EXPOSURE_TXT')
    if env:
        return env
    pkg = os.path.dirname(os.path.abspath(virthub.__file__))
    # build/bindings/python/virthub -> build/gen/python/exposure.txt
    return os.path.normpath(os.path.join(pkg, '..', '..', '..', 'gen', 'python', 'exposure.txt'))


# ---- the recorded facts themselves

def test_facts_were_read():
    assert len(CONSTANTS) > 1000
    assert len(FUNCTIONS) > 15
    assert len(METHODS) > 400
    assert all(o == 'module' for o, _ in FUNCTIONS)


# ---- constants

def test_every_constant_exists():
    missing = [n for n, _ in CONSTANTS if not hasattr(virthub, n)]
    assert not missing, _listing(missing)


def test_every_constant_has_libvirt_python_value():
    wrong = []
    for name, value in CONSTANTS:
        if not hasattr(virthub, name):
            continue
        expected = ast.literal_eval(value)
        got = getattr(virthub, name)
        if got != expected or type(got) is not type(expected):
            wrong.append((name, expected, got))
    assert not wrong, _listing(wrong)


# ---- module functions and class methods

def test_every_recorded_class_exists():
    owners = sorted({o for o, _ in METHODS})
    missing = [o for o in owners if not inspect.isclass(getattr(virthub, o, None))]
    assert not missing, _listing(missing)


def test_every_module_function_exists():
    missing = [n for o, n in FUNCTIONS if (o, n) not in EXCUSED and _find(o, n) is None]
    assert not missing, _listing(missing)


def test_every_module_function_is_callable():
    wrong = [n for o, n in FUNCTIONS if _find(o, n) is not None and not callable(_find(o, n))]
    assert not wrong, _listing(wrong)


def test_every_class_method_exists():
    missing = ['%s.%s' % (o, n) for o, n in METHODS if (o, n) not in EXCUSED and _find(o, n) is None]
    assert not missing, _listing(missing)


def test_every_class_method_is_callable():
    wrong = ['%s.%s' % (o, n) for o, n in METHODS
             if _find(o, n) is not None and not callable(_find(o, n))]
    assert not wrong, _listing(wrong)


def test_excused_names_are_recorded():
    recorded = set(FUNCTIONS) | set(METHODS)
    stray = sorted(set(EXCUSED) - recorded)
    assert not stray, _listing(stray)


@pytest.mark.parametrize('owner,name', sorted(EXCUSED), ids=lambda x: str(x))
def test_excused_name_is_still_missing(owner, name):
    """When virthub gains one of these, take it off its list."""
    assert _find(owner, name) is None, (
        '%s.%s exists now: remove it from NOT_EXPOSED/KNOWN_GAPS/NOT_LIBVIRT_API' % (owner, name))


def test_not_exposed_reasons_match_exposure_txt():
    path = _exposure_txt()
    if not os.path.exists(path):
        pytest.skip('no exposure.txt at %s (set VIRTHUB_EXPOSURE_TXT)' % path)
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) >= 5:
                rows[parts[0]] = parts
    wrong = []
    for key, reason in NOT_EXPOSED.items():
        row = rows.get(NOT_EXPOSED_C[key])
        if row is None or row[1] != 'not exposed' or row[4] != reason:
            wrong.append((key, row))
    assert not wrong, _listing(wrong)


# ---- signatures

SIGNATURES = _signature_facts()


def test_signature_facts_cover_the_recorded_names():
    assert {(o, n) for o, n, _ in SIGNATURES} == set(FUNCTIONS) | set(METHODS)


def _signature_mismatches(compare):
    out = []
    for owner, name, expected in SIGNATURES:
        fn = _find(owner, name)
        if fn is None or (owner, name) in EXCUSED:
            continue
        try:
            got = params(fn)
        except (TypeError, ValueError):
            continue
        if not compare(expected, got):
            out.append('%s.%s(%s) but libvirt-python has (%s)'
                       % (owner, name, ', '.join(got), ', '.join(expected)))
    return out


def _positional_shape(params):
    """How a positional call sees the parameters: (required count, optional count)."""
    required = [p for p in params if '=' not in p and not p.startswith('*')]
    optional = [p for p in params if '=' in p]
    return len(required), len(optional), any(p.startswith('*') for p in params)


def test_signatures_take_the_same_positional_arguments():
    """A call that works positionally with libvirt-python must work with virthub."""
    wrong = _signature_mismatches(
        lambda exp, got: _positional_shape(exp) == _positional_shape(got))
    assert not wrong, _listing(wrong)


def test_signatures_use_the_same_keyword_names():
    """Calls passing arguments by keyword (dom.blockInfo(path=...)) must keep working."""
    wrong = _signature_mismatches(
        lambda exp, got: [p.split('=')[0] for p in exp] == [p.split('=')[0] for p in got])
    assert not wrong, _listing(wrong)


def test_signatures_have_the_same_defaults():
    wrong = _signature_mismatches(lambda exp, got: exp == got)
    assert not wrong, _listing(wrong)


# ---- libvirtError

def test_libvirt_error_is_an_exception():
    assert inspect.isclass(virthub.libvirtError)
    assert issubclass(virthub.libvirtError, Exception)


@pytest.mark.parametrize('method', LIBVIRT_ERROR_METHODS)
def test_libvirt_error_accessors(method):
    assert callable(getattr(virthub.libvirtError, method, None))


def test_libvirt_error_made_by_hand():
    """libvirt-python's libvirtError(defmsg) works with no libvirt error pending."""
    virthub.virResetLastError()
    e = virthub.libvirtError('my message')
    assert str(e) == 'my message'
    assert e.err is None
    for method in LIBVIRT_ERROR_METHODS:
        assert getattr(e, method)() is None


# ---- the type stub

def _stub_path():
    return os.path.join(os.path.dirname(os.path.abspath(virthub.__file__)), '__init__.pyi')


def _stub_tree():
    with open(_stub_path()) as f:
        return ast.parse(f.read(), filename=_stub_path())


def test_stub_exists_beside_init():
    assert os.path.isfile(_stub_path())
    assert os.path.isfile(os.path.join(os.path.dirname(_stub_path()), 'py.typed'))


def test_stub_parses():
    tree = _stub_tree()
    assert isinstance(tree, ast.Module) and tree.body


def _stub_names():
    module, classes = set(), {}
    for node in _stub_tree().body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            module.add(node.target.id)
        elif isinstance(node, ast.Assign):
            module.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ClassDef):
            module.add(node.name)
            classes[node.name] = {b.name: b for b in node.body
                                  if isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return module, classes


def test_stub_declares_every_constant():
    module, _ = _stub_names()
    missing = [n for n, _ in CONSTANTS if n not in module]
    assert not missing, _listing(missing)


def test_stub_declares_every_function_and_method_virthub_has():
    """Type checkers see only the stub: what virthub has at run time must be in it."""
    module, classes = _stub_names()
    missing = []
    for o, n in FUNCTIONS + METHODS:
        if _find(o, n) is None:
            continue
        if (n not in module) if o == 'module' else (n not in classes.get(o, {})):
            missing.append('%s.%s' % (o, n))
    assert not missing, _listing(missing)


def test_stub_signatures_match_run_time():
    """Each stub method takes the parameters the run-time method takes."""
    _, classes = _stub_names()
    wrong = []
    for cls_name, methods in classes.items():
        cls = getattr(virthub, cls_name, None)
        if cls is None:
            wrong.append(cls_name + ' is in the stub only')
            continue
        for name, node in methods.items():
            fn = getattr(cls, name, None)
            if fn is None:
                wrong.append('%s.%s is in the stub only' % (cls_name, name))
                continue
            try:
                runtime = list(inspect.signature(fn).parameters)
            except (TypeError, ValueError):
                continue
            a = node.args
            stub = [x.arg for x in a.posonlyargs + a.args]
            if a.vararg:
                # def f(self, *args) in a stub accepts whatever follows
                runtime = runtime[:len(stub)]
            else:
                stub += [x.arg for x in a.kwonlyargs]
                if a.kwarg:
                    stub.append(a.kwarg.arg)
            if stub != runtime:
                wrong.append('%s.%s: stub (%s), run time (%s)'
                             % (cls_name, name, ', '.join(stub), ', '.join(runtime)))
    assert not wrong, _listing(wrong)
