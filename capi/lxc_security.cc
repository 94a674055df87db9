// virDomainLxcEnterSecurityLabel's body, kept in libvirt.so.0 (where the errors live) and
// reached from libvirt-lxc.so.0 (capi/lxc/).
#include <cstring>

#include <libvirt/libvirt-lxc.h>
#include <libvirt/virterror.h>

#include "capi/entry.h"
#include "capi/lxc_security.h"

namespace vh::capi {

// virthub has no SELinux or AppArmor security driver: only the "none" model can be entered,
// as in a libvirt built without either.
int lxcEnterSecurityLabel(virSecurityModelPtr model, virSecurityLabelPtr label, virSecurityLabelPtr oldlabel,
                          unsigned int flags) noexcept
{
    Entry e("virDomainLxcEnterSecurityLabel", VIR_FROM_NONE);
    if (flags) {
        e.report(vh::Error::unsupportedFlags(VIR_FROM_NONE, "virDomainLxcEnterSecurityLabel", flags));
        return -1;
    }
    if (!e.nonNull(model, "model") || !e.nonNull(label, "label"))
        return -1;
    if (oldlabel)
        memset(oldlabel, 0, sizeof(*oldlabel));
    if (strcmp(model->model, "none") == 0)
        return 0;
    if (strcmp(model->model, "selinux") == 0)
        e.report(vh::Error::make(VIR_FROM_NONE, VIR_ERR_ARGUMENT_UNSUPPORTED, "Support for SELinux is not enabled"));
    else if (strcmp(model->model, "apparmor") == 0)
        e.report(vh::Error::make(VIR_FROM_NONE, VIR_ERR_ARGUMENT_UNSUPPORTED, "Support for AppArmor is not enabled"));
    else
        e.report(vh::Error::format(VIR_FROM_NONE, VIR_ERR_ARGUMENT_UNSUPPORTED, "Security model %s cannot be entered",
                                   model->model));
    return -1;
}

} // namespace vh::capi
