// What happens when the guest powers off, reboots, crashes or loses a lock (on_*); <pm>
// (suspend to memory or disk); <perf> (the perf events libvirt collects).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

struct LifecycleDef {
    std::string onPoweroff = "destroy", onReboot = "restart", onCrash = "destroy";
    std::string onLockfailure;        // empty: not set (libvirt's "default")

    static Result<LifecycleDef> parse(const TopLevel &top, const ParseContext &ctx);
    // The coredump actions belong to on_crash only.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

struct PmDef {
    std::optional<bool> suspendToMem, suspendToDisk;

    static Result<PmDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

enum class PerfEvent {
    Cmt, Mbmt, Mbml, CpuCycles, Instructions, CacheReferences, CacheMisses, BranchInstructions, BranchMisses,
    BusCycles, StalledCyclesFrontend, StalledCyclesBackend, RefCpuCycles, CpuClock, TaskClock, PageFaults,
    ContextSwitches, CpuMigrations, PageFaultsMin, PageFaultsMaj, AlignmentFaults, EmulationFaults, Last
};
VH_ENUM_TABLE(kPerfEvent, PerfEvent, "cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references",
              "cache_misses", "branch_instructions", "branch_misses", "bus_cycles", "stalled_cycles_frontend",
              "stalled_cycles_backend", "ref_cpu_cycles", "cpu_clock", "task_clock", "page_faults",
              "context_switches", "cpu_migrations", "page_faults_min", "page_faults_maj", "alignment_faults",
              "emulation_faults");

struct PerfDef {
    std::array<std::optional<bool>, static_cast<size_t>(PerfEvent::Last)> events;   // enabled=, by event

    static Result<PerfDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
