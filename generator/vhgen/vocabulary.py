"""The ownership vocabulary of the API description (documented in api/types.yaml).

An argument's kind says who allocates, who frees, and which way data flows; a return's kind
says what the value means and which value signals failure. Emitters read these, never guess.
"""
from __future__ import annotations

import dataclasses
import os

import yaml

SCALARS = {'int', 'unsigned int', 'unsigned long', 'unsigned long long', 'long long', 'double', 'size_t'}

# The kinds, checks and their meaning are described in api/types.yaml, the single source.
_TYPES = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), '..', '..', 'api', 'types.yaml')))
ARG_KINDS = _TYPES['arg_kinds']        # kind -> what it means

# kinds whose data the driver returns instead of receiving an argument
COLLECTIONS = {
    'names_out': 'std::vector<std::string>',
    'string_list_out': 'std::vector<std::string>',
    'ids_out': 'std::vector<int>',
    'object_list_out': None,     # std::vector<vh::Ref<object>>
    'typed_params_fill': 'vh::TypedParamList',
    'typed_params_alloc': 'vh::TypedParamList',
}

# struct lists (struct_list_out) a driver returns as C++ records; the entry point builds the C
# structs. The other struct lists still reach the driver as the caller's pointer.
RECORD_LISTS = {'virDomainStatsRecordPtr **': 'std::vector<vh::drv::DomainStatsRecord>'}


def is_collection(a) -> bool:
    """Whether the driver returns this argument's data instead of receiving the argument."""
    return a.kind in COLLECTIONS or (a.kind == 'struct_list_out' and a.ctype in RECORD_LISTS)


CHECKS = _TYPES['checks']              # check -> libvirt's message when it fails
PARAM_TYPES = _TYPES['param_types']    # the types of typed parameters (VIR_TYPED_PARAM_<upper>)


def default_kind(name: str, ctype: str) -> str:
    if ctype.endswith('Ptr') and ctype.startswith('vir') and ctype in HANDLE_TYPES:
        return 'object'
    if ctype == 'unsigned int' and name == 'flags':
        return 'flags'
    if ctype in SCALARS or ctype in ('virDomainBlockJobCursor',):
        return 'in'
    if ctype == 'const char *':
        return 'string'
    return 'raw'


HANDLE_TYPES = {
    'virConnectPtr', 'virDomainPtr', 'virNetworkPtr', 'virNetworkPortPtr', 'virStoragePoolPtr',
    'virStorageVolPtr', 'virNodeDevicePtr', 'virInterfacePtr', 'virSecretPtr', 'virNWFilterPtr',
    'virNWFilterBindingPtr', 'virDomainSnapshotPtr', 'virDomainCheckpointPtr', 'virStreamPtr',
}


@dataclasses.dataclass
class Ret:
    kind: str          # void status count bool int string borrowed_string id ulong ullong buffer object error typed_param
    ctype: str
    borrowed: bool = False

    @property
    def error_value(self):
        return {
            'void': None, 'status': '-1', 'count': '-1', 'bool': '-1', 'int': '-1',
            'id': '(unsigned int)-1', 'ulong': '0', 'ullong': '0',
        }.get(self.kind, 'nullptr')

    @property
    def handle(self):
        """The struct behind an object return, e.g. _virDomain."""
        return '_' + self.ctype[:-3] if self.kind == 'object' else None


def parse_ret(spec: str) -> Ret:
    borrowed = spec.startswith('borrowed ')
    base = spec[len('borrowed '):] if borrowed else spec
    simple = {
        'void': 'void', 'status': 'int', 'count': 'int', 'bool': 'int', 'int': 'int',
        'string': 'char *', 'id': 'unsigned int', 'ulong': 'unsigned long',
        'ullong': 'unsigned long long', 'buffer': 'unsigned char *',
    }
    if base in simple:
        if borrowed and base == 'string':
            return Ret('borrowed_string', 'const char *', True)
        return Ret(base, simple[base], borrowed)
    if base in HANDLE_TYPES:
        return Ret('object', base, borrowed)
    if base == 'virErrorPtr':
        return Ret('error', base, borrowed)
    if base == 'virTypedParameterPtr':
        return Ret('typed_param', base, borrowed)
    raise ValueError('unknown return kind %r' % spec)


def pointee(ctype: str) -> str:
    """int * -> int; virDomainInfoPtr -> virDomainInfo."""
    if ctype.endswith(' *'):
        return ctype[:-2]
    if ctype.endswith('Ptr'):
        return ctype[:-3]
    raise ValueError(ctype)


def c_decl(ctype: str, name: str) -> str:
    """A C declaration of `name` with type `ctype`, spaced as libvirt's headers are."""
    if '[' in ctype:            # struct fields like 'char field[VIR_TYPED_PARAM_FIELD_LENGTH]'
        return ctype
    if ctype.endswith('*'):
        return ctype + name
    return '%s %s' % (ctype, name)


def struct_ptr_name(struct: str) -> str:
    """The pointer typedef of a struct: virDomainInfo -> virDomainInfoPtr,
    virDomainBlockStatsStruct -> virDomainBlockStatsPtr."""
    if struct.endswith('Struct'):
        struct = struct[:-len('Struct')]
    return struct + 'Ptr'
