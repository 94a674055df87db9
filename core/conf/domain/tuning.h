// Resource tuning: <blkiotune>; <memtune>; <cputune> (bandwidth, pinning, schedulers,
// cache and memory bandwidth allocation); <numatune>; <resource>.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "conf/domain/context.h"
#include "conf/domain/memory.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

struct BlkioDevice {
    std::string path;
    unsigned int weight = 0;
    unsigned int readIops = 0, writeIops = 0;
    unsigned long long readBytes = 0, writeBytes = 0;
};

// <blkiotune>
struct BlkioTuneDef {
    unsigned int weight = 0;
    std::vector<BlkioDevice> devices;

    static Result<BlkioTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    // Each path once.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// <memtune>: limits in KiB; nullopt is unlimited (libvirt's default, not printed), and so is a
// value at or above the unlimited one, which a driver keeps as it was set.
struct MemTuneDef {
    std::optional<unsigned long long> hardLimitKiB, softLimitKiB, swapHardLimitKiB;
    unsigned long long minGuaranteeKiB = 0;

    static Result<MemTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

enum class SchedPolicy { None, Batch, Idle, Fifo, Rr, Last };
VH_ENUM_TABLE(kSchedPolicy, SchedPolicy, "none", "batch", "idle", "fifo", "rr");

struct ThreadSched {
    SchedPolicy policy = SchedPolicy::None;
    int priority = 0;                    // fifo and rr only
};

enum class CacheType { Both, Code, Data, Last };
VH_ENUM_TABLE(kCacheType, CacheType, "both", "code", "data");

// One resource control group (<cachetune> and <memorytune> with the same vcpus share one).
struct ResctrlDef {
    Bitmap vcpus;
    std::map<std::tuple<unsigned int, CacheType, unsigned int>, unsigned long long> caches;   // (level, type, id) -> bytes
    std::map<unsigned int, unsigned int> bandwidths;   // memory node -> percent
    struct Monitor {
        bool cache;                      // <cachetune><monitor level='3'>; else <memorytune><monitor>
        Bitmap vcpus;
    };
    std::vector<Monitor> monitors;

    bool allocEmpty() const { return caches.empty() && bandwidths.empty(); }
};

struct CpuPin {
    unsigned int id;                     // vCPU or I/O thread
    Bitmap cpuset;
};

// <cputune>
struct CpuTuneDef {
    std::optional<unsigned long long> shares;
    unsigned long long period = 0, globalPeriod = 0, emulatorPeriod = 0, iothreadPeriod = 0;
    long long quota = 0, globalQuota = 0, emulatorQuota = 0, iothreadQuota = 0;
    std::vector<CpuPin> vcpupins;        // by vCPU
    std::optional<Bitmap> emulatorpin;
    std::vector<CpuPin> iothreadpins;    // in <iothreadids>' order
    std::optional<ThreadSched> emulatorsched;
    std::map<unsigned int, ThreadSched> vcpusched;
    std::vector<std::pair<unsigned int, ThreadSched>> iothreadsched;   // in <iothreadids>' order
    std::vector<ResctrlDef> resctrls;

    static Result<CpuTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    // Bandwidth ranges.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

enum class NumatuneMode { Strict, Preferred, Interleave, Restrictive, Last };
VH_ENUM_TABLE(kNumatuneMode, NumatuneMode, "strict", "preferred", "interleave", "restrictive");
enum class NumatunePlacement { Default, Static, Auto, Last };
VH_ENUM_TABLE(kNumatunePlacement, NumatunePlacement, "default", "static", "auto");

struct MemnodeDef {
    unsigned int cellid = 0;
    NumatuneMode mode = NumatuneMode::Strict;
    Bitmap nodeset;
};

// <numatune>
struct NumaTuneDef {
    bool specified = false;              // <memory>, or automatic placement from <vcpu>
    NumatuneMode mode = NumatuneMode::Strict;
    NumatunePlacement placement = NumatunePlacement::Default;
    std::optional<Bitmap> nodeset;
    std::vector<MemnodeDef> memnodes;    // by cellid

    static Result<NumaTuneDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

// <resource>
struct ResourceDef {
    std::string partition;
    std::string appid;                   // <fibrechannel appid=.../>

    static Result<ResourceDef> parse(const TopLevel &top, const ParseContext &ctx);
    // The Fibre Channel application id: 1 to 128 printable characters.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
