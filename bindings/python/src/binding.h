// The runtime of the generated Python module: converting arguments and results, handles as
// capsules, raising libvirtError, and calling Python from libvirt's threads. The generated
// _virthub.cc holds one wrapper per C function, written only in these terms.
#pragma once

#include <pybind11/pybind11.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace py = pybind11;

namespace vhpy {

// libvirtError, set by the package's __init__ before any call can fail.
py::object &error_class();

// Raises libvirtError for `fn`; its constructor reads the thread's last error, which the
// failed call has just set on this same thread.
[[noreturn]] void raise(const char *fn);

// Raises when a value that can also mean failure (0 from an unsigned long getter) came with an
// error set.
inline void raise_if_error(const char *fn)
{
    if (virGetLastErrorCode() != VIR_ERR_OK)
        raise(fn);
}

// Runs a C call without the GIL. The GIL is taken back in plain code, never in a destructor:
// at interpreter exit Python ends a daemon thread that takes it back (by unwinding its stack),
// which must not start inside a destructor.
template <class Call>
auto nogil(Call &&call)
{
    PyThreadState *state = PyEval_SaveThread();
    if constexpr (std::is_void_v<decltype(call())>) {
        call();
        PyEval_RestoreThread(state);
    } else {
        auto ret = call();
        PyEval_RestoreThread(state);
        return ret;
    }
}

[[noreturn]] inline void type_error(const std::string &what)
{
    throw py::type_error(what);
}

// ---- handles: a PyCapsule named after the C type, owning one reference. The context marks a
// capsule whose reference was given back (close(), an explicit free): its pointer is then
// never used again, and calls see NULL, which the C API answers with libvirt's error.
extern char released_marker;

template <class Ptr>
py::object wrap(Ptr p, const char *type, PyCapsule_Destructor destroy)
{
    if (!p)
        return py::none();
    PyObject *cap = PyCapsule_New(reinterpret_cast<void *>(p), type, destroy);
    if (!cap)
        throw py::error_already_set();
    return py::reinterpret_steal<py::object>(cap);
}

// The pointer behind None, a capsule, or a binding object (anything with `_o`).
void *handle_ptr(py::handle h, const char *type);

template <class Ptr>
Ptr handle(py::handle h, const char *type)
{
    return reinterpret_cast<Ptr>(handle_ptr(h, type));
}

// Marks the capsule's reference as given back by an explicit free or close.
void mark_released(py::handle h);

// The capsule's pointer for a destructor, or NULL when it was released.
void *capsule_owned(PyObject *cap, const char *type);

// ---- scalars and strings
[[noreturn]] inline void overflow(const char *name)
{
    PyErr_Clear();
    PyErr_Format(PyExc_OverflowError, "%s is out of range", name);
    throw py::error_already_set();
}

template <class T>
T num(py::handle h, const char *name)
{
    if (!PyLong_Check(h.ptr()))
        type_error(std::string(name) + " must be an int");
    long long s = PyLong_AsLongLong(h.ptr());
    if (s == -1 && PyErr_Occurred()) {
        if constexpr (std::is_signed_v<T>)
            overflow(name);
        PyErr_Clear();
        unsigned long long v = PyLong_AsUnsignedLongLong(h.ptr());
        if ((v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) || v > std::numeric_limits<T>::max())
            overflow(name);
        return static_cast<T>(v);
    }
    if constexpr (std::is_signed_v<T>) {
        if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max())
            overflow(name);
    } else {
        // a negative value is taken as C takes it (-1: all bits), as libvirt-python does
        using S = std::make_signed_t<T>;
        if (s < std::numeric_limits<S>::min() || (s > 0 && static_cast<unsigned long long>(s) > std::numeric_limits<T>::max()))
            overflow(name);
    }
    return static_cast<T>(s);
}

template <>
inline double num<double>(py::handle h, const char *name)
{
    double v = PyFloat_AsDouble(h.ptr());
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        type_error(std::string(name) + " must be a number");
    }
    return v;
}

// A borrowed UTF-8 view of a str (NULL for None), valid while the argument lives.
const char *cstr(py::handle h, const char *name);

// bytes (or None) as a pointer, with its length.
const unsigned char *cbytes(py::handle h, const char *name, size_t *len = nullptr);

inline py::object str_or_none(const char *s)
{
    if (!s)
        return py::none();
    return py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(s, strlen(s), "surrogateescape"));
}

// A string the caller frees.
inline py::object take_str(char *s)
{
    py::object o = str_or_none(s);
    free(s);
    return o;
}

// Bytes the caller frees.
inline py::object take_bytes(unsigned char *data, size_t size)
{
    py::bytes out(reinterpret_cast<const char *>(data), size);
    free(data);
    return out;
}

// A node statistics array (virNodeCPUStats, virNodeMemoryStats: field and value) as a dict.
template <class Stat>
py::dict stats_dict(const Stat *stats, int n)
{
    py::dict out;
    for (int i = 0; i < n; ++i)
        out[py::str(stats[i].field)] = py::int_(stats[i].value);
    return out;
}

inline py::object int_list(const int *ids, int n)
{
    py::list out(n > 0 ? n : 0);
    for (int i = 0; i < n; ++i)
        out[i] = py::int_(ids[i]);
    return out;
}

inline py::object str_list(char **names, int n, bool owned = true)
{
    py::list out(n);
    for (int i = 0; i < n; ++i) {
        out[i] = str_or_none(names[i]);
        if (owned)
            free(names[i]);
    }
    return out;
}

// ---- typed parameters
// A parameter a call takes, with its type (from the description's parameter groups).
struct ParamType {
    const char *name;
    int type;   // VIR_TYPED_PARAM_*
};

// A Python dict as a caller-owned parameter array. A key the call's group names takes the
// group's type, as libvirt-python does by asking the driver; another key takes its type from
// the Python value.
class Params {
public:
    Params(py::handle dict, const char *name, const ParamType *types = nullptr, size_t ntypes = 0);
    ~Params() { virTypedParamsFree(params_, n_); }
    Params(const Params &) = delete;
    Params &operator=(const Params &) = delete;
    virTypedParameterPtr get() const { return params_; }
    int size() const { return n_; }

private:
    virTypedParameterPtr params_ = nullptr;
    int n_ = 0;
    int max_ = 0;
};

py::dict params_dict(virTypedParameterPtr params, int n);

// ---- lists of numbers and strings from Python
template <class T>
std::vector<T> num_list(py::handle h, const char *name)
{
    std::vector<T> out;
    if (h.is_none())
        return out;
    for (py::handle item : py::reinterpret_borrow<py::iterable>(h))
        out.push_back(num<T>(item, name));
    return out;
}

std::vector<const char *> cstr_list(py::handle h, const char *name);

// ---- callbacks: a Python callable held as libvirt's opaque data
void *hold(py::handle callable);   // a new reference, released by release()
void release(void *opaque);        // a virFreeCallback; takes the GIL
// Calls the callable with the converted arguments; exceptions are reported as unraisable,
// since they cannot cross into libvirt's thread.
void call(void *opaque, const py::tuple &args);

// A domain event's typed parameters, a graphics address, a graphics subject.
py::object graphics_address(const virDomainEventGraphicsAddress *a);
py::object graphics_subject(const virDomainEventGraphicsSubject *s);

void check_args(const py::args &a, size_t n, const char *fn);

// The hand-written wrappers (handwritten.cc), added to the module beside the generated ones.
void add_handwritten(py::module_ &m);

}  // namespace vhpy
