// <cpu>: mode, model, vendor, topology, cache, physical address bits, features; and the
// guest NUMA cells (<numa>) with their memory and distances.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/domain/memory.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

enum class CpuMode { Custom, HostModel, HostPassthrough, Maximum, Last };
VH_ENUM_TABLE(kCpuMode, CpuMode, "custom", "host-model", "host-passthrough", "maximum");
enum class CpuMatch { Minimum, Exact, Strict, Last };
VH_ENUM_TABLE(kCpuMatch, CpuMatch, "minimum", "exact", "strict");
enum class CpuCheck { Default, None, Partial, Full, Last };
VH_ENUM_TABLE(kCpuCheck, CpuCheck, "default", "none", "partial", "full");
enum class CpuFallback { Allow, Forbid, Last };
VH_ENUM_TABLE(kCpuFallback, CpuFallback, "allow", "forbid");
enum class CpuFeaturePolicy { Force, Require, Optional, Disable, Forbid, Last };
VH_ENUM_TABLE(kCpuFeaturePolicy, CpuFeaturePolicy, "force", "require", "optional", "disable", "forbid");
enum class CpuCacheMode { Emulate, Passthrough, Disable, Last };
VH_ENUM_TABLE(kCpuCacheMode, CpuCacheMode, "emulate", "passthrough", "disable");
enum class MaxPhysAddrMode { Emulate, Passthrough, Last };
VH_ENUM_TABLE(kMaxPhysAddrMode, MaxPhysAddrMode, "emulate", "passthrough");

struct CpuFeature {
    std::string name;
    CpuFeaturePolicy policy = CpuFeaturePolicy::Require;
};

// One guest NUMA cell (<numa><cell>).
struct NumaCell {
    std::optional<Bitmap> cpus;
    unsigned long long memKiB = 0;
    MemoryAccess memAccess = MemoryAccess::Default;
    std::optional<bool> discard;
    std::vector<unsigned int> distances;   // to each cell, 0: not given; empty: no <distances>
    std::vector<std::string> raw;          // HMAT <cache> children, kept as written
};

struct CpuDef {
    bool present = false;                // a <cpu> element
    CpuMode mode = CpuMode::Custom;
    CpuMatch match = CpuMatch::Exact;
    CpuCheck check = CpuCheck::Default;
    std::optional<bool> migratable;
    std::string model;
    CpuFallback fallback = CpuFallback::Allow;
    std::string vendorId;
    std::string vendor;
    unsigned int sockets = 0, dies = 0, cores = 0, threads = 0;
    struct Cache {
        int level = -1;
        CpuCacheMode mode = CpuCacheMode::Emulate;
    };
    std::optional<Cache> cache;
    struct MaxPhysAddr {
        MaxPhysAddrMode mode = MaxPhysAddrMode::Emulate;
        int bits = -1;
    };
    std::optional<MaxPhysAddr> maxphysaddr;
    std::vector<CpuFeature> features;
    std::vector<NumaCell> cells;
    std::vector<std::string> numaRaw;    // HMAT <interconnects>, kept as written

    static Result<CpuDef> parse(const TopLevel &top, const ParseContext &ctx);
    // How many NUMA cells the document has (for sections that depend on them).
    static size_t numaCellCount(const TopLevel &top);
    // libvirt's post-parse rule: check='...' needs a model in custom mode.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // The topology's vCPU count fits in 32 bits.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
