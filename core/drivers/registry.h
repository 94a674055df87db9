// Connection drivers, keyed by URI scheme (libvirt's virConnectDriver registry).
#pragma once

#include <libvirt/libvirt.h>

#include "drivers/handles.h"
#include "util/result.h"
#include "util/uri.h"

namespace vh::drv {

struct ConnectDriver {
    const char *name;
    const char *scheme;
    // Fills conn->drivers (and may canonicalise conn->uri) for a URI with this scheme.
    Result<void> (*open)(virConnectPtr conn, const Uri &uri, virConnectAuthPtr auth, unsigned int flags);
};

// Opens a connection: resolves the default URI, parses it, finds the driver. flags are
// virConnectFlags (VIR_CONNECT_RO marks the connection read-only).
Result<Ref<_virConnect>> openConnection(const char *name, virConnectAuthPtr auth, unsigned int flags);

} // namespace vh::drv
