// Whether KVM really runs guests on this host: /dev/kvm opening and QEMU reporting "running"
// under KVM do not prove it (QEMU-FACTS.md), so the probe boots a tiny test guest under KVM that
// must reach a known point within a bound. The verdict is cached by the binary (path, size,
// mtime), the boot (/proc/sys/kernel/random/boot_id) and /dev/kvm's presence.
#pragma once

#include <chrono>
#include <string>

#include "drivers/qemu/capabilities.h"
#include "util/result.h"

namespace vh::drv::qemu {

struct KvmVerdict {
    bool usable = false;
    std::string reason;      // why not, when not usable
    bool cached = false;     // served from the cache (this process's or cacheDir's file)
};

// The verdict for the host's own architecture with this binary (its arch must be the host's).
KvmVerdict probeKvm(const EmulatorCaps &emulator, const std::string &cacheDir);

// Runs the test guest in `binary` with accel ("kvm" or "tcg"); success when it reaches its
// known point within `bound`, else an error saying why. The guest image is written to dir.
Result<void> runKvmTestGuest(const std::string &binary, const std::string &accel, std::chrono::milliseconds bound,
                             const std::string &dir);

// The bound the probe gives the test guest under KVM.
constexpr std::chrono::milliseconds kKvmProbeBound{2000};

} // namespace vh::drv::qemu
