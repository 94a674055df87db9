// What the installed QEMU binaries can do, probed once per binary over QMP (one QEMU process
// with -machine none), cached in memory and on disk by path, size and modification time (so an
// upgraded binary is probed again), and the capabilities XML built from it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conf/capabilities/capabilities.h"
#include "drivers/qemu/command_line.h"
#include "util/result.h"

namespace vh::drv::qemu {

struct CpuModelCaps {
    std::string name;
    std::optional<bool> usable;               // unknown when QEMU does not say
    bool deprecated = false;
};

struct EmulatorCaps {
    std::string path;
    std::string arch;                         // x86_64, s390x, ...
    unsigned long version = 0;                // major * 1,000,000 + minor * 1,000 + micro
    std::string package;                      // e.g. "Debian 1:7.2+dfsg-7"
    // machine types, the default first and each alias right after its machine (as libvirt
    // lists them); an alias has `canonical` set
    std::vector<conf::CapsMachine> machines;
    std::vector<CpuModelCaps> cpuModels;      // query-cpu-definitions, in its order
    std::vector<std::string> devices;         // instantiable device types, sorted (vfio-ap, isa-serial, ...)
    // the properties of the few devices whose properties decide something (kPropertyDevices)
    std::map<std::string, std::vector<std::string>> deviceProperties;
    std::vector<std::string> accelerators;    // tcg, kvm, ... (compiled in, not necessarily usable)

    bool hasDevice(const std::string &name) const;
    bool hasAccel(const std::string &name) const;
    bool deviceHasProperty(const std::string &device, const std::string &property) const;
    // A machine type by name or alias; nullptr when unknown.
    const conf::CapsMachine *machine(const std::string &name) const;
    // The name an alias stands for (the name itself when it is no alias).
    std::string canonicalMachine(const std::string &name) const;
};

// The devices whose properties are probed, and why:
//   virtio-blk-pci, virtio-blk-ccw: "iothread" decides <iothreads supported> in domain capabilities.
extern const char *const kPropertyDevices[2];

// The qemu-system-* binaries in /usr/bin, probed (those that fail to answer are left out).
std::vector<EmulatorCaps> installedEmulators(const std::string &cacheDir = {});
// One binary, from the cache (this process's, then cacheDir's files) when it has not changed.
Result<EmulatorCaps> probeEmulator(const std::string &path, const std::string &cacheDir = {});

// Whether KVM on this host could run guests of arch (its own, and i686 on x86_64), were it usable.
bool kvmArch(const std::string &arch);

// Forgets this process's probe results (tests: the next probe reads the cache files).
void forgetProbes();

// virConnectGetCapabilities' document for this host and these emulators; KVM is offered for the
// host's architecture only when host.kvmUsable, otherwise a comment in that guest says why.
std::string capabilitiesXML(const std::vector<EmulatorCaps> &emulators, const HostFacts &host);

// How long probing a binary may take before its QEMU is killed.
constexpr int kProbeTimeoutMs = 15000;

} // namespace vh::drv::qemu
