// Domain XML -> QEMU's command line: deterministic, -nodefaults, -no-user-config, the QMP
// monitor on a unix socket, stopped at start (-S) until the driver continues it.
#pragma once

#include <string>
#include <vector>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv::qemu {

// Where a running guest's files are.
struct GuestPaths {
    std::string monitor;   // the QMP socket
    std::string log;       // QEMU's output
};

// What the driver knows of the host when it builds a command line.
struct HostFacts {
    bool kvmUsable = false;
    std::string kvmMissingReason;   // why type='kvm' cannot run, when it cannot
};

// The devices and settings this driver maps; the first one it does not is a
// VIR_ERR_CONFIG_UNSUPPORTED naming it (the driver's validate hook).
Result<void> validateForQemu(const conf::DomainDef &def);

// The QEMU binary a domain runs in: its <emulator>, or qemu-system-<arch>.
std::string emulatorFor(const conf::DomainDef &def);

// Whether the guest has the virtio balloon, through which its memory changes while it runs.
bool hasBalloon(const conf::DomainDef &def);

// Where the host shows a mediated device.
std::string mdevPath(const std::string &uuid);

// Gives every disk and network card the alias QEMU will know it by (libvirt's names), so that
// the running definition keeps them while devices come and go.
void assignAliases(conf::DomainDef &def);

// argv, argv[0] being the emulator.
Result<std::vector<std::string>> buildCommandLine(const conf::DomainDef &def, const GuestPaths &paths, const HostFacts &host);

// argv as one line of shell words (virConnectDomainXMLToNative's qemu-argv).
std::string formatArgv(const std::vector<std::string> &argv);

} // namespace vh::drv::qemu
