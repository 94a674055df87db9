// The wrappers the vocabulary cannot derive: errors as tuples and the error handler,
// credentials callbacks, an event loop implemented in Python (virEventRegisterImpl), and
// statistics records as (domain, dict) pairs.
// api/bindings.yaml lists each as hand-written, so the generator leaves it to this file.
#include "binding.h"

#include <mutex>

namespace vhpy {
namespace {

py::object error_tuple(virErrorPtr err)
{
    if (!err || err->code == VIR_ERR_OK)
        return py::none();
    return py::make_tuple(err->code, err->domain, str_or_none(err->message), static_cast<int>(err->level),
                          str_or_none(err->str1), str_or_none(err->str2), str_or_none(err->str3),
                          err->int1, err->int2);
}

// ---- registerErrorHandler: libvirt-python reports every error through one process-wide
// handler, printing it as libvirt's default handler does until the application sets its own.
py::object *error_handler;     // (f, ctx) or NULL; guarded by the GIL

void on_error(void *, virErrorPtr err)
{
    if (!Py_IsInitialized())
        return;
    py::gil_scoped_acquire gil;
    if (!error_handler) {
        virDefaultErrorFunc(err);
        return;
    }
    py::tuple pair = error_handler->cast<py::tuple>();
    try {
        pair[0](pair[1], error_tuple(err));
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("virthub error handler");
    }
}

int register_error_handler(py::object f, py::object ctx)
{
    if (!f.is_none() && !PyCallable_Check(f.ptr()))
        throw py::type_error("registerErrorHandler: f must be callable or None");
    delete error_handler;
    error_handler = f.is_none() ? nullptr : new py::object(py::make_tuple(f, ctx));
    return 1;
}

// ---- openAuth(uri, [credtypes, callback, cbdata], flags)
struct AuthData {
    py::object callback;
    py::object cbdata;
};

int on_credentials(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    auto *data = static_cast<AuthData *>(cbdata);
    py::gil_scoped_acquire gil;
    try {
        py::list creds;
        for (unsigned int i = 0; i < ncred; ++i)
            creds.append(py::list(py::make_tuple(cred[i].type, str_or_none(cred[i].prompt),
                                                 str_or_none(cred[i].challenge), str_or_none(cred[i].defresult),
                                                 py::none())));
        py::object rc = data->callback(creds, data->cbdata);
        if (rc.is_none() || rc.cast<int>() < 0)
            return -1;
        for (unsigned int i = 0; i < ncred; ++i) {
            py::object result = creds[i].cast<py::list>()[4];
            cred[i].result = nullptr;
            cred[i].resultlen = 0;
            if (!result.is_none()) {
                std::string s = py::str(result);
                cred[i].result = strdup(s.c_str());
                cred[i].resultlen = static_cast<unsigned int>(s.size());
            }
        }
        return 0;
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("virthub credentials callback");
        return -1;
    }
}

py::object open_auth(py::object uri, py::object auth, unsigned int flags)
{
    const char *c_uri = cstr(uri, "uri");
    std::vector<int> credtypes;
    AuthData data;
    virConnectAuth cauth{};
    virConnectAuthPtr pauth = nullptr;
    if (!auth.is_none()) {
        auto seq = auth.cast<py::sequence>();
        if (seq.size() != 3)
            throw py::type_error("auth must be [credtypes, callback, cbdata]");
        credtypes = num_list<int>(seq[0], "credtype");
        data.callback = seq[1];
        data.cbdata = seq[2];
        cauth.credtype = credtypes.data();
        cauth.ncredtype = static_cast<unsigned int>(credtypes.size());
        if (!data.callback.is_none()) {
            cauth.cb = on_credentials;
            cauth.cbdata = &data;
        }
        pauth = &cauth;
    }
    virConnectPtr conn = nogil([&] { return virConnectOpenAuth(c_uri, pauth, flags); });
    if (!conn)
        raise("virConnectOpenAuth");
    return wrap(conn, "virConnectPtr", [](PyObject *cap) {
        if (void *p = capsule_owned(cap, "virConnectPtr"))
            virConnectClose(static_cast<virConnectPtr>(p));
    });
}

// ---- virEventRegisterImpl: an event loop written in Python (virthub.aio is one). libvirt
// hands each registration a C callback, its opaque and a free function; Python receives them
// packed in one capsule and gives it back to virEventInvoke*Callback.
struct Registration {
    void (*cb)();
    void *opaque;
    virFreeCallback ff;
};

constexpr const char *kRegistration = "virEventCallbackData";

py::tuple *impl_funcs;    // the six Python callables, kept for the life of the process

py::object registration(void (*cb)(), void *opaque, virFreeCallback ff)
{
    auto *r = new Registration{cb, opaque, ff};
    return wrap(r, kRegistration, [](PyObject *cap) {
        delete static_cast<Registration *>(PyCapsule_GetPointer(cap, kRegistration));
    });
}

Registration *registration_of(py::handle h)
{
    auto *r = static_cast<Registration *>(PyCapsule_GetPointer(h.ptr(), kRegistration));
    if (!r)
        throw py::error_already_set();
    return r;
}

// Calls the Python implementation's function `which` (the order of virEventRegisterImpl's
// arguments) with the arguments make_args builds once the GIL is held.
template <class MakeArgs>
int call_impl(int which, MakeArgs make_args)
{
    py::gil_scoped_acquire gil;
    try {
        py::object r = (*impl_funcs)[which](*make_args());
        return r.is_none() ? 0 : r.cast<int>();
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("virthub event implementation");
    } catch (py::cast_error &) {
    }
    return -1;
}

int impl_add_handle(int fd, int event, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    return call_impl(0, [&] {
        py::object reg = registration(reinterpret_cast<void (*)()>(cb), opaque, ff);
        return py::make_tuple(fd, event, reg, reg);
    });
}

void impl_update_handle(int watch, int event)
{
    call_impl(1, [&] { return py::make_tuple(watch, event); });
}

int impl_remove_handle(int watch)
{
    return call_impl(2, [&] { return py::make_tuple(watch); });
}

int impl_add_timeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    return call_impl(3, [&] {
        py::object reg = registration(reinterpret_cast<void (*)()>(cb), opaque, ff);
        return py::make_tuple(timeout, reg, reg);
    });
}

void impl_update_timeout(int timer, int timeout)
{
    call_impl(4, [&] { return py::make_tuple(timer, timeout); });
}

int impl_remove_timeout(int timer)
{
    return call_impl(5, [&] { return py::make_tuple(timer); });
}

// ---- getAllDomainStats / domainListGetStats: [(domain capsule, {field: value}), ...]; the
// package wraps each capsule in a virDomain of the connection.
py::list stats_records(virDomainStatsRecordPtr *recs, int n)
{
    py::list out;
    for (int i = 0; i < n; ++i) {
        virDomainRef(recs[i]->dom);    // the capsule's own reference; the list frees the record's
        py::object dom = wrap(recs[i]->dom, "virDomainPtr", [](PyObject *cap) {
            if (void *p = capsule_owned(cap, "virDomainPtr"))
                virDomainFree(static_cast<virDomainPtr>(p));
        });
        out.append(py::make_tuple(dom, params_dict(recs[i]->params, recs[i]->nparams)));
    }
    virDomainStatsRecordListFree(recs);
    return out;
}

py::list get_all_domain_stats(py::object conn, unsigned int stats, unsigned int flags)
{
    auto c = handle<virConnectPtr>(conn, "virConnectPtr");
    virDomainStatsRecordPtr *recs = nullptr;
    int n = nogil([&] { return virConnectGetAllDomainStats(c, stats, &recs, flags); });
    if (n < 0)
        raise("virConnectGetAllDomainStats");
    return stats_records(recs, n);
}

py::list domain_list_get_stats(py::object doms, unsigned int stats, unsigned int flags)
{
    std::vector<virDomainPtr> list;
    for (py::handle h : py::reinterpret_borrow<py::iterable>(doms))
        list.push_back(handle<virDomainPtr>(h, "virDomainPtr"));
    list.push_back(nullptr);
    virDomainStatsRecordPtr *recs = nullptr;
    int n = nogil([&] { return virDomainListGetStats(list.data(), stats, &recs, flags); });
    if (n < 0)
        raise("virDomainListGetStats");
    return stats_records(recs, n);
}

}  // namespace

void add_handwritten(py::module_ &m)
{
    virSetErrorFunc(nullptr, on_error);

    m.def("_set_error_class", [](py::object cls) { error_class() = cls; });
    m.def("virGetLastError", []() { return error_tuple(virGetLastError()); });
    m.def("virConnGetLastError", [](py::object conn) {
        return error_tuple(virConnGetLastError(handle<virConnectPtr>(conn, "virConnectPtr")));
    });
    m.def("virRegisterErrorHandler", register_error_handler);
    m.def("virConnectOpenAuth", open_auth);
    m.def("virConnectGetAllDomainStats", get_all_domain_stats);
    m.def("virDomainListGetStats", domain_list_get_stats);
    m.def("c_pointer", [](py::object h) -> uintptr_t {
        if (!PyCapsule_CheckExact(h.ptr()))
            return 0;      // a closed object
        return reinterpret_cast<uintptr_t>(handle_ptr(h, PyCapsule_GetName(h.ptr())));
    });
    m.def("capsule_type", [](py::handle h) -> py::object {
        if (!PyCapsule_CheckExact(h.ptr()))
            return py::none();
        return str_or_none(PyCapsule_GetName(h.ptr()));
    });

    m.def("virEventRegisterImpl", [](py::object add_handle, py::object update_handle, py::object remove_handle,
                                     py::object add_timeout, py::object update_timeout, py::object remove_timeout) {
        delete impl_funcs;
        impl_funcs = new py::tuple(py::make_tuple(add_handle, update_handle, remove_handle, add_timeout,
                                                   update_timeout, remove_timeout));
        virEventRegisterImpl(impl_add_handle, impl_update_handle, impl_remove_handle, impl_add_timeout,
                             impl_update_timeout, impl_remove_timeout);
    });
    m.def("virEventInvokeHandleCallback", [](int watch, int fd, int event, py::object opaque) {
        Registration *r = registration_of(opaque);
        auto cb = reinterpret_cast<virEventHandleCallback>(r->cb);
        nogil([&] { cb(watch, fd, event, r->opaque); });
        return 0;
    });
    m.def("virEventInvokeTimeoutCallback", [](int timer, py::object opaque) {
        Registration *r = registration_of(opaque);
        auto cb = reinterpret_cast<virEventTimeoutCallback>(r->cb);
        nogil([&] { cb(timer, r->opaque); });
        return 0;
    });
    m.def("virEventInvokeFreeCallback", [](py::object opaque) {
        Registration *r = registration_of(opaque);
        virFreeCallback ff = r->ff;
        r->ff = nullptr;    // once only
        if (ff)
            nogil([&] { ff(r->opaque); });
        return 0;
    });
}

}  // namespace vhpy
