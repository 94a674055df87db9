#!/usr/bin/python3
"""Records the call signatures of Debian's libvirt-python 9.0.0 (every module function and
class method that record_libvirt_python_api.py lists) as facts test_shape.py checks the
binding against.  Run with the interpreter that has python3-libvirt:

    /usr/bin/python3 tests/python/record_libvirt_python_signatures.py \
        > tests/python/libvirt_python_signatures.tsv

Each line: owner, name, then the parameters after self, separated by tabs; a parameter is
written name, name=<repr of default>, *name or **name.
"""
import inspect

import libvirt

from signatures import params




def main():
    print('# owner\tname\tparameters... (recorded from libvirt-python %s)' % libvirt.getVersion())
    for name, value in sorted(vars(libvirt).items()):
        if inspect.isfunction(value) and not name.startswith('_'):
            print('\t'.join(['module', name] + params(value)))
        elif inspect.isclass(value) and name.startswith('vir') and name != 'virEventAsyncIOImpl':
            for mname, m in sorted(vars(value).items()):
                if inspect.isfunction(m) and not mname.startswith('_'):
                    print('\t'.join([name, mname] + params(m)))


if __name__ == '__main__':
    main()
