// The runtime behind the generated wrappers (see binding.h).
#include "binding.h"

#include <algorithm>

namespace vhpy {

char released_marker;

py::object &error_class()
{
    // Leaked on purpose: it must outlive every wrapper, including those run at interpreter exit.
    static auto *cls = new py::object();
    return *cls;
}

void raise(const char *fn)
{
    py::object cls = error_class();
    if (!cls)
        throw std::runtime_error(std::string(fn) + "() failed");
    py::object exc = cls(std::string(fn) + "() failed");
    PyErr_SetObject(cls.ptr(), exc.ptr());
    throw py::error_already_set();
}

// The capsule behind a capsule or a binding object: its `_o`, None once the object is closed.
// Every call converts its objects here, so the attribute name is interned once.
static py::object capsule_of(py::handle h, const char *type)
{
    if (PyCapsule_CheckExact(h.ptr()))
        return py::reinterpret_borrow<py::object>(h);
    static PyObject *o_name = PyUnicode_InternFromString("_o");
    PyObject *o = PyObject_GetAttr(h.ptr(), o_name);
    if (!o) {
        PyErr_Clear();
        type_error(std::string("expected a ") + type + " object");
    }
    return py::reinterpret_steal<py::object>(o);
}

void *handle_ptr(py::handle h, const char *type)
{
    if (h.is_none())
        return nullptr;
    py::object cap = capsule_of(h, type);
    if (cap.is_none())
        return nullptr;     // a closed object
    if (!PyCapsule_CheckExact(cap.ptr()))
        type_error(std::string("expected a ") + type + " object");
    const char *name = PyCapsule_GetName(cap.ptr());
    if (!name || strcmp(name, type) != 0)
        type_error(std::string("expected a ") + type + " object, got " + (name ? name : "another object"));
    if (PyCapsule_GetContext(cap.ptr()) == &released_marker)
        return nullptr;
    return PyCapsule_GetPointer(cap.ptr(), type);
}

void mark_released(py::handle h)
{
    py::object cap = capsule_of(h, "virthub");
    if (PyCapsule_CheckExact(cap.ptr()))
        PyCapsule_SetContext(cap.ptr(), &released_marker);
}

void *capsule_owned(PyObject *cap, const char *type)
{
    if (PyCapsule_GetContext(cap) == &released_marker)
        return nullptr;
    return PyCapsule_GetPointer(cap, type);
}

const char *cstr(py::handle h, const char *name)
{
    if (h.is_none())
        return nullptr;
    if (!PyUnicode_Check(h.ptr()))
        type_error(std::string(name) + " must be a str");
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(h.ptr(), &n);
    if (!s)
        throw py::error_already_set();
    if (strlen(s) != static_cast<size_t>(n))
        throw py::value_error(std::string(name) + ": embedded null character");
    return s;
}

const unsigned char *cbytes(py::handle h, const char *name, size_t *len)
{
    if (h.is_none()) {
        if (len)
            *len = 0;
        return nullptr;
    }
    char *data;
    Py_ssize_t n;
    if (PyBytes_Check(h.ptr())) {
        PyBytes_AsStringAndSize(h.ptr(), &data, &n);
    } else if (PyByteArray_Check(h.ptr())) {
        data = PyByteArray_AsString(h.ptr());
        n = PyByteArray_Size(h.ptr());
    } else if (PyUnicode_Check(h.ptr())) {
        // libvirt-python accepts str where C takes bytes (stream data, secret values)
        data = const_cast<char *>(PyUnicode_AsUTF8AndSize(h.ptr(), &n));
        if (!data)
            throw py::error_already_set();
    } else {
        type_error(std::string(name) + " must be bytes");
    }
    if (len)
        *len = static_cast<size_t>(n);
    return reinterpret_cast<const unsigned char *>(data);
}

std::vector<const char *> cstr_list(py::handle h, const char *name)
{
    std::vector<const char *> out;
    if (h.is_none())
        return out;
    for (py::handle item : py::reinterpret_borrow<py::iterable>(h))
        out.push_back(cstr(item, name));
    return out;
}

// Python values carry no C type, so each is given the widest type of its kind, as libvirt's
// drivers accept any integer type for an integer parameter... except where the type matters:
// a bool is VIR_TYPED_PARAM_BOOLEAN, a negative int a signed one.
namespace {

// Adds one parameter of a known type; false when the value is not one of that type.
int add_typed(virTypedParameterPtr *params, int *n, int *max, const char *key, int type, py::handle v)
{
    switch (type) {
    case VIR_TYPED_PARAM_INT:
        return virTypedParamsAddInt(params, n, max, key, num<int>(v, key));
    case VIR_TYPED_PARAM_UINT:
        return virTypedParamsAddUInt(params, n, max, key, num<unsigned int>(v, key));
    case VIR_TYPED_PARAM_LLONG:
        return virTypedParamsAddLLong(params, n, max, key, num<long long>(v, key));
    case VIR_TYPED_PARAM_ULLONG:
        return virTypedParamsAddULLong(params, n, max, key, num<unsigned long long>(v, key));
    case VIR_TYPED_PARAM_DOUBLE:
        if (!PyFloat_Check(v.ptr()) && !PyLong_Check(v.ptr()))
            type_error(std::string(key) + " must be a float");
        return virTypedParamsAddDouble(params, n, max, key, PyFloat_AsDouble(v.ptr()));
    case VIR_TYPED_PARAM_BOOLEAN:
        if (!PyBool_Check(v.ptr()) && !PyLong_Check(v.ptr()))
            type_error(std::string(key) + " must be a bool");
        return virTypedParamsAddBoolean(params, n, max, key, PyObject_IsTrue(v.ptr()));
    default:
        if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
            auto items = cstr_list(v, key);
            items.push_back(nullptr);
            return virTypedParamsAddStringList(params, n, max, key, items.data());
        }
        if (!PyUnicode_Check(v.ptr()))
            type_error(std::string(key) + " must be a str");
        return virTypedParamsAddString(params, n, max, key, cstr(v, key));
    }
}

} // namespace

Params::Params(py::handle dict, const char *name, const ParamType *types, size_t ntypes)
{
    if (dict.is_none())
        return;
    if (!PyDict_Check(dict.ptr()))
        type_error(std::string(name) + " must be a dict");
    for (auto item : py::reinterpret_borrow<py::dict>(dict)) {
        const char *key = cstr(item.first, name);
        if (!key)
            type_error(std::string(name) + " keys must be str");
        PyObject *v = item.second.ptr();
        int rc;
        auto known = std::find_if(types, types + ntypes, [&](const ParamType &t) { return !strcmp(t.name, key); });
        if (known != types + ntypes) {
            rc = add_typed(&params_, &n_, &max_, key, known->type, item.second);
        } else if (PyBool_Check(v)) {
            rc = virTypedParamsAddBoolean(&params_, &n_, &max_, key, v == Py_True);
        } else if (PyLong_Check(v)) {
            long long s = PyLong_AsLongLong(v);
            if (s == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                rc = virTypedParamsAddULLong(&params_, &n_, &max_, key, num<unsigned long long>(v, key));
            } else if (s < 0) {
                rc = s >= INT_MIN ? virTypedParamsAddInt(&params_, &n_, &max_, key, static_cast<int>(s))
                                  : virTypedParamsAddLLong(&params_, &n_, &max_, key, s);
            } else {
                rc = s <= UINT_MAX ? virTypedParamsAddUInt(&params_, &n_, &max_, key, static_cast<unsigned>(s))
                                   : virTypedParamsAddULLong(&params_, &n_, &max_, key, static_cast<unsigned long long>(s));
            }
        } else if (PyFloat_Check(v)) {
            rc = virTypedParamsAddDouble(&params_, &n_, &max_, key, PyFloat_AsDouble(v));
        } else if (PyUnicode_Check(v)) {
            rc = virTypedParamsAddString(&params_, &n_, &max_, key, cstr(v, key));
        } else if (PyList_Check(v) || PyTuple_Check(v)) {
            auto items = cstr_list(v, key);
            items.push_back(nullptr);
            rc = virTypedParamsAddStringList(&params_, &n_, &max_, key, items.data());
        } else {
            type_error(std::string("unsupported type for typed parameter '") + key + "'");
        }
        if (rc < 0)
            raise("virTypedParamsAdd");
    }
}

py::dict params_dict(virTypedParameterPtr params, int n)
{
    py::dict out;
    for (int i = 0; i < n; ++i) {
        const virTypedParameter &p = params[i];
        py::object v;
        switch (p.type) {
        case VIR_TYPED_PARAM_INT: v = py::int_(p.value.i); break;
        case VIR_TYPED_PARAM_UINT: v = py::int_(p.value.ui); break;
        case VIR_TYPED_PARAM_LLONG: v = py::int_(p.value.l); break;
        case VIR_TYPED_PARAM_ULLONG: v = py::int_(p.value.ul); break;
        case VIR_TYPED_PARAM_DOUBLE: v = py::float_(p.value.d); break;
        case VIR_TYPED_PARAM_BOOLEAN: v = py::bool_(p.value.b != 0); break;
        case VIR_TYPED_PARAM_STRING: v = str_or_none(p.value.s); break;
        default: continue;
        }
        out[py::str(p.field)] = v;
    }
    return out;
}

void *hold(py::handle callable)
{
    if (callable.is_none())
        return nullptr;
    return callable.inc_ref().ptr();
}

void release(void *opaque)
{
    if (!opaque || !Py_IsInitialized())
        return;
    py::gil_scoped_acquire gil;
    Py_DECREF(static_cast<PyObject *>(opaque));
}

void call(void *opaque, const py::tuple &args)
{
    if (!opaque)
        return;
    try {
        py::handle(static_cast<PyObject *>(opaque))(*args);
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("virthub callback");
    }
}

py::object graphics_address(const virDomainEventGraphicsAddress *a)
{
    if (!a)
        return py::none();
    py::dict d;
    d["family"] = a->family;
    d["node"] = str_or_none(a->node);
    d["service"] = str_or_none(a->service);
    return d;
}

py::object graphics_subject(const virDomainEventGraphicsSubject *s)
{
    py::list out;
    for (int i = 0; s && i < s->nidentity; ++i)
        out.append(py::make_tuple(str_or_none(s->identities[i].type), str_or_none(s->identities[i].name)));
    return out;
}

void check_args(const py::args &a, size_t n, const char *fn)
{
    if (a.size() != n)
        throw py::type_error(std::string(fn) + "() takes " + std::to_string(n) + " arguments (" +
                             std::to_string(a.size()) + " given)");
}

}  // namespace vhpy
