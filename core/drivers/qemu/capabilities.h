// What the installed QEMU binaries can do, probed once per binary (cached by path, size and
// modification time, so an upgraded binary is probed again), and the capabilities XML built
// from it.
#pragma once

#include <string>
#include <vector>

#include "conf/capabilities/capabilities.h"
#include "drivers/qemu/command_line.h"
#include "util/result.h"

namespace vh::drv::qemu {

struct EmulatorCaps {
    std::string path;
    std::string arch;                         // x86_64, s390x, ...
    unsigned long version = 0;                // major * 1,000,000 + minor * 1,000 + micro
    std::vector<conf::CapsMachine> machines;  // the default first, as libvirt lists them
    std::vector<std::string> devices;         // -device names (vfio-ap, isa-serial, ...)

    bool hasDevice(const std::string &name) const;
};

// The qemu-system-* binaries in /usr/bin, probed (those that fail to answer are left out).
std::vector<EmulatorCaps> installedEmulators(const std::string &cacheDir = {});
// One binary, from the cache (this process's, then cacheDir's files) when it has not changed.
Result<EmulatorCaps> probeEmulator(const std::string &path, const std::string &cacheDir = {});

// virConnectGetCapabilities' document for this host and these emulators.
std::string capabilitiesXML(const std::vector<EmulatorCaps> &emulators, const HostFacts &host);

} // namespace vh::drv::qemu
