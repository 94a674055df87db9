// libvirt-lxc.so.0's library-level function (api/lxc.yaml: impl: library).
#include <libvirt/libvirt-lxc.h>

#include "capi/lxc_security.h"

extern "C" int virDomainLxcEnterSecurityLabel(virSecurityModelPtr model, virSecurityLabelPtr label,
                                              virSecurityLabelPtr oldlabel, unsigned int flags)
{
    return vh::capi::lxcEnterSecurityLabel(model, label, oldlabel, flags);
}
