// What the QEMU driver reads about a running guest, shared by the single-domain calls
// (domain_resources.cc) and the statistics of many domains (domain_all_stats.cc).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "drivers/qemu/state.h"
#include "util/result.h"

namespace vh::drv::qemu {

// The guest's memory as the balloon has it, in KiB; the definition's without a balloon.
unsigned long long balloonKiB(DomainObj &obj);

// CPU time of a process or thread (utime and stime of a /proc/.../stat file), in ns.
struct CpuTimes {
    unsigned long long user = 0, system = 0;
};
CpuTimes cpuTimes(const std::string &statPath);

// QEMU's I/O counters of a disk (wr_highest_offset: the highest byte written, libvirt's
// allocation figure).
struct BlockCounters {
    long long rdReq = 0, rdBytes = 0, rdTimes = 0, wrReq = 0, wrBytes = 0, wrTimes = 0, flushReq = 0, flushTimes = 0;
    long long highestOffset = 0;

    BlockCounters &operator+=(const BlockCounters &o)
    {
        rdReq += o.rdReq, rdBytes += o.rdBytes, rdTimes += o.rdTimes;
        wrReq += o.wrReq, wrBytes += o.wrBytes, wrTimes += o.wrTimes;
        flushReq += o.flushReq, flushTimes += o.flushTimes;
        highestOffset = std::max(highestOffset, o.highestOffset);
        return *this;
    }
};
// Whether QMP's "qdev" (a device's id, or its path /machine/peripheral/ID/virtio-backend)
// names the device with this alias.
bool qdevIs(const std::string &qdev, const std::string &alias);
// Every disk's counters by its device alias, from one query-blockstats.
Result<std::map<std::string, BlockCounters>> blockCountersByAlias(DomainObj &obj);

// The counters of a host-side network device (a tap) from the guest's side: what the host
// device sends, the guest receives.
struct NicCounters {
    long long rxBytes = 0, rxPackets = 0, rxErrs = 0, rxDrop = 0, txBytes = 0, txPackets = 0, txErrs = 0, txDrop = 0;
};
NicCounters tapCounters(const std::string &dev);

// The balloon's and the guest's memory figures, and QEMU's resident memory, as
// virDomainMemoryStats gives them (KiB).
std::vector<virDomainMemoryStatStruct> memoryStatList(DomainObj &obj);

} // namespace vh::drv::qemu
