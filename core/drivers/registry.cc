#include "drivers/registry.h"

#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "drivers/qemu/qemu_driver.h"
#include "drivers/test/test_driver.h"

namespace vh::drv {

namespace {

const ConnectDriver kDrivers[] = {
    {"Test", "test", test::open},
    {"QEMU", "qemu", qemu::open},
};

} // namespace

Result<Ref<_virConnect>> openConnection(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    std::string text = name ? name : "";
    if (text.empty()) {
        const char *env = getenv("LIBVIRT_DEFAULT_URI");
        if (env && *env)
            text = env;
    }
    if (text.empty())
        return Error::make(VIR_FROM_NONE, VIR_ERR_NO_CONNECT, "no default URI: set LIBVIRT_DEFAULT_URI or name a URI");
    auto uri = Uri::parse(text);
    if (!uri)
        return std::move(uri).error();
    if (uri->scheme.empty())
        return Error::make(VIR_FROM_NONE, VIR_ERR_NO_CONNECT, "URI '" + text + "' does not include a driver name");
    auto conn = Ref<_virConnect>::adopt(new _virConnect);
    conn->uri = text;
    conn->readonly = flags & VIR_CONNECT_RO;
    for (const ConnectDriver &d : kDrivers) {
        if (uri->scheme != d.scheme || !uri->local())
            continue;
        auto r = d.open(conn.get(), *uri, auth, flags);
        if (!r)
            return std::move(r).error();
        return conn;
    }
    return Error::make(VIR_FROM_NONE, VIR_ERR_NO_CONNECT, text);
}

} // namespace vh::drv
