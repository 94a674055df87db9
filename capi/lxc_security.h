// The library-level function of libvirt-lxc.so.0, implemented in libvirt.so.0.
#pragma once

#include <libvirt/libvirt.h>

namespace vh::capi {

int lxcEnterSecurityLabel(virSecurityModelPtr model, virSecurityLabelPtr label, virSecurityLabelPtr oldlabel,
                          unsigned int flags) noexcept;

} // namespace vh::capi
