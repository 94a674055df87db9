"""A function's parameters as libvirt_python_signatures.tsv writes them (self left out):
name, name=<repr of default>, *name or **name. Shared by the recorder and test_shape.py."""
import inspect


def params(fn):
    out = []
    for i, p in enumerate(inspect.signature(fn).parameters.values()):
        if i == 0 and p.name == 'self':
            continue
        if p.kind is p.VAR_POSITIONAL:
            out.append('*' + p.name)
        elif p.kind is p.VAR_KEYWORD:
            out.append('**' + p.name)
        elif p.default is p.empty:
            out.append(p.name)
        else:
            out.append('%s=%r' % (p.name, p.default))
    return out
