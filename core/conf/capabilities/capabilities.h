// The host capabilities (<capabilities>): what a driver tells about the host (its CPU, NUMA
// topology, caches, security models) and the guests it can run (OS type, architecture,
// emulators, machine types, domain types, guest features).
//
// libvirt only ever prints this document; drivers build a CapabilitiesDef and format it. The
// parser reads the same layout back (tools, tests), so any document libvirt prints round-trips.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace vh::conf {

// The host CPU, as libvirt prints a host CPU definition.
struct CapsHostCpu {
    std::string arch;
    std::vector<std::string> features;        // <features><pae/>...</features>
    std::string model;
    std::string vendor;
    std::optional<unsigned int> microcode;    // <microcode version=.../>
    struct Signature {
        unsigned int family = 0, model = 0, stepping = 0;
    };
    std::optional<Signature> signature;
    struct Counter {
        unsigned long long frequency = 0;
        std::optional<bool> scaling;
    };
    std::optional<Counter> counter;           // <counter name='tsc' .../>
    unsigned int sockets = 0, dies = 0, cores = 0, threads = 0;   // all set or none printed
    struct MaxPhysAddr {
        std::string mode;                     // emulate, passthrough
        std::optional<unsigned int> bits;
    };
    std::optional<MaxPhysAddr> maxphysaddr;
    std::vector<std::string> cpuFeatures;     // <feature name=.../>
    std::vector<unsigned int> pages;          // page sizes in KiB
};

struct CapsCellCpu {
    unsigned int id = 0;
    // Printed only with siblings: socket_id, die_id, core_id, siblings.
    std::optional<std::string> siblings;
    int socket = 0, die = 0, core = 0;
};

struct CapsCell {
    int id = 0;
    unsigned long long memoryKiB = 0;        // 0: not printed
    struct Pages {
        unsigned int sizeKiB = 0;
        unsigned long long count = 0;
    };
    std::vector<Pages> pages;
    std::vector<std::pair<int, int>> distances;   // (sibling id, value)
    std::vector<CapsCellCpu> cpus;
};

// resctrl monitoring: cache occupancy (level, reuseThreshold) or memory bandwidth.
struct CapsMonitor {
    std::optional<std::pair<unsigned int, unsigned int>> cache;   // (level, reuseThreshold)
    unsigned int maxMonitors = 0;
    std::vector<std::string> features;
};

struct CapsCacheControl {
    unsigned long long granularity = 0;   // bytes
    unsigned long long min = 0;           // bytes; equal to granularity when not printed
    std::string type;                     // both, code, data
    unsigned int maxAllocs = 0;
};

struct CapsCacheBank {
    unsigned int id = 0, level = 0;
    std::string type;                     // both, code, data
    unsigned long long size = 0;          // bytes
    std::string cpus;
    std::vector<CapsCacheControl> controls;
};

struct CapsMemBWNode {
    unsigned int id = 0;
    std::string cpus;
    std::optional<std::array<unsigned int, 3>> control;   // granularity, min, maxAllocs
};

struct CapsSecModel {
    std::string model, doi;
    std::vector<std::pair<std::string, std::string>> baselabels;   // (type, label)
};

struct CapsHost {
    std::optional<std::string> uuid;
    CapsHostCpu cpu;
    unsigned int powerMgmt = 0;           // bits: suspend_mem, suspend_disk, suspend_hybrid
    bool iommu = false;
    bool migration = false;               // <migration_features>
    bool liveMigration = false;
    std::vector<std::string> migrationTransports;
    std::string netprefix;
    std::optional<std::vector<CapsCell>> cells;
    std::vector<CapsCacheBank> cacheBanks;
    std::optional<CapsMonitor> cacheMonitor;
    std::vector<CapsMemBWNode> memBWNodes;
    std::optional<CapsMonitor> memBWMonitor;
    std::vector<CapsSecModel> secModels;
};

struct CapsMachine {
    std::string name;
    std::string canonical;
    int maxCpus = 0;                      // 0: not printed
    bool deprecated = false;
};

struct CapsGuestDomain {
    std::string type;                     // qemu, kvm, test, ...
    std::string emulator, loader;
    std::vector<CapsMachine> machines;
};

// Guest features in libvirt's order; the toggled ones print default= and toggle=.
enum class CapsGuestFeature {
    Pae, NonPae, Ia64Be, Acpi, Apic, CpuSelection, DeviceBoot, DiskSnapshot, Hap, ExternalSnapshot, Last
};

struct CapsGuest {
    std::string osType;                   // hvm, xen, linux, exe, uml, xenpvh
    std::string arch;
    int wordsize = 0;
    std::string emulator, loader;
    std::vector<CapsMachine> machines;
    std::vector<CapsGuestDomain> domains;
    struct Feature {
        bool present = false;
        std::optional<bool> defaultOn;    // default='on'|'off'
        std::optional<bool> toggle;       // toggle='yes'|'no'
    };
    Feature features[static_cast<size_t>(CapsGuestFeature::Last)];
    // Printed as an XML comment at the top of <guest>, which libvirt's parsers skip (e.g. why
    // a domain type is not offered); not read back.
    std::string comment;
};

struct CapabilitiesDef {
    CapsHost host;
    std::vector<CapsGuest> guests;
};

Result<std::unique_ptr<CapabilitiesDef>> parseCapabilities(std::string_view xml, unsigned int flags);
std::string formatCapabilities(const CapabilitiesDef &def, unsigned int flags);

} // namespace vh::conf
