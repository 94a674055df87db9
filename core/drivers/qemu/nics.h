// <interface> -> QEMU: a host side (-netdev) and the guest's network card (-device) joined by
// the netdev id, as libvirt's QEMU driver names them (hostnetN, netN). Only what an
// unprivileged process can set up is mapped: QEMU's user-mode network, and a tap device that
// already exists (type='ethernet' with an unmanaged target).
#pragma once

#include <string>
#include <vector>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv::qemu {

struct NicArgs {
    std::string netdev;   // -netdev value
    std::string device;   // -device value
};

// The interface forms the driver maps; anything else is a VIR_ERR_CONFIG_UNSUPPORTED naming the
// interface by its MAC address.
Result<void> validateInterface(const conf::DomainDef &def, const conf::InterfaceDef &net);

// The -netdev and -device values of the domain's interface at position index.
Result<NicArgs> nicArgs(const conf::DomainDef &def, size_t index);

// Appends every interface's -netdev and -device.
Result<void> appendInterfaces(const conf::DomainDef &def, std::vector<std::string> &argv);

} // namespace vh::drv::qemu
