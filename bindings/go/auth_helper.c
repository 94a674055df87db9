/* NewConnectWithAuth's C side: libvirt calls vhAuthCallback with the credentials it needs, and
 * the Go callback (behind the cgo.Handle in cbdata) fills their results. */
#include <stdlib.h>

#include "_cgo_export.h"
#include "auth_helper.h"

static int vhAuthCallback(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    return vhGoAuthCallback(cred, ncred, *(uintptr_t *)cbdata);
}

virConnectPtr vhOpenAuth(const char *uri, int *credtypes, unsigned int ncredtypes, uintptr_t handle,
                         unsigned int flags, virErrorPtr err)
{
    virConnectAuth auth = {credtypes, ncredtypes, vhAuthCallback, &handle};
    virConnectPtr conn = virConnectOpenAuth(uri, &auth, flags);
    if (!conn)
        virCopyLastError(err);
    return conn;
}
