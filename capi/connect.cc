// Opening and closing connections, and the library's own version.
#include <cstdlib>
#include <cstring>

#include "capi/entry.h"
#include "drivers/registry.h"

namespace {

constexpr unsigned long kLibVersion = 9000000;   // behaves as libvirt 9.0.0

virConnectPtr open(const char *fn, const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    vh::capi::Entry e_(fn, VIR_FROM_NONE);
    return e_.run<virConnectPtr>(nullptr, [&]() -> vh::Result<virConnectPtr> {
        auto c = vh::drv::openConnection(name, auth, flags);
        if (!c)
            return std::move(c).error();
        return c->release();
    });
}

} // namespace

extern "C" {

int virInitialize(void)
{
    return 0;
}

int virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    vh::capi::Entry e_("virGetVersion", VIR_FROM_NONE);
    if (!libVer) {      // libvirt fails here without reporting why
        e_.report(vh::Error::plain(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "An error occurred, but the cause is unknown"));
        return -1;
    }
    *libVer = kLibVersion;
    if (typeVer)
        *typeVer = kLibVersion;
    return 0;
}

virConnectPtr virConnectOpen(const char *name)
{
    return open("virConnectOpen", name, nullptr, 0);
}

virConnectPtr virConnectOpenReadOnly(const char *name)
{
    return open("virConnectOpenReadOnly", name, nullptr, VIR_CONNECT_RO);
}

virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    return open("virConnectOpenAuth", name, auth, flags);
}

int virConnectClose(virConnectPtr conn)
{
    vh::capi::Entry e_("virConnectClose", VIR_FROM_NONE);
    if (!e_.checkArg(conn))
        return -1;
    return conn->unref() > 0 ? 1 : 0;     // libvirt answers 1 while anything still holds it
}

char *virConnectGetURI(virConnectPtr conn)
{
    vh::capi::Entry e_("virConnectGetURI", VIR_FROM_DOMAIN);
    if (!e_.check(conn))
        return nullptr;
    return e_.run<char *>(nullptr, [&]() -> vh::Result<char *> {
        char *s = strdup(conn->uri.c_str());
        if (!s)
            throw std::bad_alloc();
        return s;
    });
}

int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)
{
    vh::capi::Entry e_("virConnectGetLibVersion", VIR_FROM_DOMAIN);
    if (!e_.check(conn) || !e_.nonNull(libVer, "libVer"))
        return -1;
    *libVer = kLibVersion;
    return 0;
}

} // extern "C"

extern "C" {

// A close callback reports a connection its driver lost (a daemon going away). No virthub
// driver loses its connections, so, as libvirt does with drivers that cannot, the callback is
// taken and never called, nor its free function.
int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb, void *opaque, virFreeCallback freecb)
{
    (void)opaque;
    (void)freecb;
    vh::capi::Entry e_("virConnectRegisterCloseCallback", VIR_FROM_DOMAIN);
    if (!e_.check(conn) || !e_.nonNull(cb, "cb"))
        return -1;
    return 0;
}

int virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb)
{
    vh::capi::Entry e_("virConnectUnregisterCloseCallback", VIR_FROM_DOMAIN);
    if (!e_.check(conn) || !e_.nonNull(cb, "cb"))
        return -1;
    return 0;
}

} // extern "C"
