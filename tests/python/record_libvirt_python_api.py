#!/usr/bin/python3
"""Records the public shape of Debian's libvirt-python 9.0.0 as facts the binding is checked
against: every class method and module function with the C function it calls, and every VIR_*
constant with its value.  Run with the interpreter that has python3-libvirt:

    /usr/bin/python3 tests/python/record_libvirt_python_api.py > tests/python/libvirt_python_api.tsv
"""
import inspect
import re

import libvirt


def c_functions(fn):
    try:
        return sorted(set(re.findall(r'libvirtmod\.(\w+)', inspect.getsource(fn))))
    except (OSError, TypeError):
        return []


def main():
    print('# kind\towner\tname\tC functions or value (recorded from libvirt-python %s)'
          % libvirt.getVersion())
    for name, value in sorted(vars(libvirt).items()):
        if inspect.isfunction(value) and not name.startswith('_'):
            print('function\tmodule\t%s\t%s' % (name, ' '.join(c_functions(value))))
        elif inspect.isclass(value) and name.startswith('vir') and name != 'virEventAsyncIOImpl':
            for mname, m in sorted(vars(value).items()):
                if inspect.isfunction(m) and not mname.startswith('_'):
                    print('method\t%s\t%s\t%s' % (name, mname, ' '.join(c_functions(m))))
        elif name.startswith('VIR_') and isinstance(value, (int, str)):
            print('constant\tmodule\t%s\t%r' % (name, value))


if __name__ == '__main__':
    main()
