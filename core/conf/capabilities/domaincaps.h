// Domain capabilities (<domainCapabilities>): what one emulator, machine type, architecture and
// virtualization type offer a domain: vCPU limit, firmware and loaders, CPU modes and models,
// memory backing, the values each device family accepts, and features (GIC, SEV, SGX, Hyper-V).
//
// libvirt only prints this document; drivers build a DomainCapsDef and format it. The parser
// reads the same layout back. Enum values are kept in the order given (libvirt prints them in
// the order of its own enums, which is the order of any document it printed).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace vh::conf {

// <enum name='bus'><value>ide</value>...</enum>
struct DomainCapsEnum {
    std::string name;
    std::vector<std::string> values;
};

// An element with supported='yes|no' and enums (devices, memoryBacking, hyperv, gic).
struct DomainCapsItem {
    std::optional<bool> supported;
    std::vector<DomainCapsEnum> enums;
};

struct DomainCapsLoader {
    std::optional<bool> supported;
    std::vector<std::string> values;    // firmware paths
    std::vector<DomainCapsEnum> enums;  // type, readonly, secure
};

struct DomainCapsOS {
    std::optional<bool> supported;
    std::vector<DomainCapsEnum> enums;  // firmware
    std::optional<DomainCapsLoader> loader;
};

struct DomainCapsCpuFeature {
    std::string policy, name;
};

struct DomainCapsCpuModel {
    std::string name;
    std::string usable;                 // yes, no, unknown
    bool deprecated = false;
    std::string vendor;
};

// <mode name='host-passthrough|maximum|host-model|custom' supported=...>
struct DomainCapsCpuMode {
    bool supported = false;
    std::vector<DomainCapsEnum> enums;  // hostPassthroughMigratable, maximumMigratable
    // host-model
    std::string model, fallback, vendorId, vendor;
    std::vector<DomainCapsCpuFeature> features;
    // custom
    std::vector<DomainCapsCpuModel> models;
};

// The devices in libvirt's order.
enum class DomainCapsDevice { Disk, Graphics, Video, Hostdev, Rng, Filesystem, Tpm, Redirdev, Channel, Crypto, Last };
// Features printed as <name supported='yes|no'/>, in libvirt's order.
enum class DomainCapsSimple { Vmcoreinfo, Genid, BackingStoreInput, Backup, S390Pv, AsyncTeardown, Last };
// The CPU modes in libvirt's order.
enum class DomainCapsCpuModeName { HostPassthrough, Maximum, HostModel, Custom, Last };

struct DomainCapsSev {
    bool supported = false;
    int cbitpos = 0, reducedPhysBits = 0;
    std::optional<unsigned int> maxGuests, maxESGuests;
};

struct DomainCapsSgx {
    bool supported = false;
    std::optional<bool> flc;
    unsigned long long epcSizeKiB = 0;
    struct Section {
        int node = 0;
        unsigned long long sizeKiB = 0;
    };
    std::optional<std::vector<Section>> sections;
};

struct DomainCapsDef {
    std::string path, domain, machine, arch;
    std::optional<int> maxVcpus;
    std::optional<bool> iothreads;
    std::optional<DomainCapsOS> os;
    bool hasCpu = false;
    std::optional<DomainCapsCpuMode> cpuModes[static_cast<size_t>(DomainCapsCpuModeName::Last)];
    std::optional<DomainCapsItem> memoryBacking;
    bool hasDevices = false;
    std::optional<DomainCapsItem> devices[static_cast<size_t>(DomainCapsDevice::Last)];
    bool hasFeatures = false;
    std::optional<DomainCapsItem> gic;
    std::optional<bool> simple[static_cast<size_t>(DomainCapsSimple::Last)];
    std::optional<DomainCapsSev> sev;
    std::optional<DomainCapsSgx> sgx;
    std::optional<DomainCapsItem> hyperv;
};

Result<std::unique_ptr<DomainCapsDef>> parseDomainCaps(std::string_view xml, unsigned int flags);
std::string formatDomainCaps(const DomainCapsDef &def, unsigned int flags);

} // namespace vh::conf
