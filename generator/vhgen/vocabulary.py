"""The ownership vocabulary of the API description (documented in api/types.yaml).

An argument's kind says who allocates, who frees, and which way data flows; a return's kind
says what the value means and which value signals failure. Emitters read these, never guess.
"""
from __future__ import annotations

import dataclasses
import re

SCALARS = {'int', 'unsigned int', 'unsigned long', 'unsigned long long', 'long long', 'double', 'size_t'}

# kind -> one line saying what it is (the same text opens api/types.yaml)
ARG_KINDS = {
    'object': 'a handle (virXxxPtr) the caller keeps; checked for validity',
    'flags': 'unsigned int flags, a bitwise OR of a named enum',
    'in': 'a scalar passed by value',
    'string': 'a borrowed NUL-terminated string (const char *)',
    'out': 'pointer to a scalar the call fills',
    'struct_out': 'pointer to a caller-allocated struct the call fills',
    'struct_in': 'pointer to a caller-owned struct the call reads',
    'uuid_in': 'VIR_UUID_BUFLEN raw bytes',
    'uuid_string': 'a UUID as a string; parsed before the driver sees it (as raw bytes, under the name `as`)',
    'uuid_out': 'caller buffer of VIR_UUID_BUFLEN bytes',
    'uuid_string_out': 'caller buffer of VIR_UUID_STRING_BUFLEN chars',
    'names_out': 'caller-allocated array of `max` slots, filled with strings the caller frees; returns the count',
    'ids_out': 'caller-allocated int array of `max` slots; returns the count',
    'object_list_out': 'optional; receives a NULL-terminated array of new references; caller frees each and the array',
    'string_list_out': 'receives a NULL-terminated array of strings; caller frees each and the array',
    'string_out': 'receives one string the caller frees',
    'typed_params_in': 'array of `count` typed parameters the call reads',
    'typed_params_fill': 'caller-allocated typed parameters; *count in: slots (0 asks how many), out: filled',
    'typed_params_alloc': 'receives an array of typed parameters (free with virTypedParamsFree) and its count',
    'string_array_in': 'array of `count` borrowed strings (or NULL-terminated without count)',
    'array_in': 'array of `count` scalars the call reads',
    'array_out': 'caller-allocated array of `count` elements the call fills',
    'object_array_in': 'NULL-terminated array of handles the call reads',
    'struct_list_out': 'receives an array of structs, each freed with `free`, then the array with free()',
    'struct_list_in': 'an array previously returned by the library, to free',
    'struct_array_alloc': 'receives an array of structs the caller frees with free()',
    'stats_fill': 'caller-allocated stats array; *count in: slots (0 asks how many), out: filled',
    'buffer_in': 'bytes the call reads, `size` long',
    'buffer_out': 'caller buffer of `size` bytes the call fills',
    'buffer_alloc_out': 'optional; receives bytes the caller frees with free()',
    'fd_list_out': 'receives an array of file descriptors the caller closes and frees',
    'callback': 'a function pointer; with `opaque` and a `free_callback` it is held until unregistered',
    'opaque': 'user data handed back to a callback',
    'free_callback': 'called with the opaque when the library no longer needs it',
    'auth': 'credentials callback description (virConnectAuthPtr)',
    'error_out': 'caller-allocated virError the call copies into',
    'raw': 'passed through as declared (library functions only)',
}

# kinds whose data the driver returns instead of receiving an argument
COLLECTIONS = {
    'names_out': 'std::vector<std::string>',
    'string_list_out': 'std::vector<std::string>',
    'ids_out': 'std::vector<int>',
    'object_list_out': None,     # std::vector<vh::Ref<object>>
    'typed_params_fill': 'vh::TypedParamList',
    'typed_params_alloc': 'vh::TypedParamList',
}

CHECKS = {
    'nonnull': '%s in %s must not be NULL',
    'nonzero': '%s in %s must not be zero',
    'positive': '%s in %s must be greater than zero',
    'deref_positive': '*%s in %s must be greater than zero',
    'nonempty': 'string %s in %s must not be empty',
    'uuid': '%s in %s must be a valid UUID',
    'uuid_terse': 'Invalid UUID',
}


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
