// virConnectGetDomainCapabilities for the QEMU driver: what one emulator, architecture, machine
// type and virtualization type offer a domain, from the binary's probe (capabilities.h) and
// what this driver maps (command_line.h); formatted by conf/capabilities/domaincaps.h.
#pragma once

#include <functional>
#include <string>

#include "drivers/qemu/capabilities.h"
#include "drivers/qemu/command_line.h"
#include "util/result.h"

namespace vh::drv::qemu {

// libvirt's name of a binary's architecture (qemu-system-i386 -> i686) and back; "" when the
// name is no qemu-system-* binary libvirt knows.
std::string archOfBinary(const std::string &path);
std::string binaryForArch(const std::string &arch);

// The document; any argument may be null (libvirt's defaults: the host's architecture, its
// binary, the binary's default machine, kvm when usable else qemu). host is asked only when
// KVM matters, since it may run the KVM probe.
Result<std::string> domainCapabilitiesXML(const char *emulatorbin, const char *arch, const char *machine,
                                          const char *virttype, const std::string &cacheDir,
                                          const std::function<const HostFacts &()> &host);

} // namespace vh::drv::qemu
