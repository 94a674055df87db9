// The domain XML model and its pipeline: parse -> post-parse -> validate -> format
// (ARCHITECTURE.md decision 6). Each part of the document lives in its own file beside this
// one, holding its struct, parse, post-parse, validate and format together.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain/clock.h"
#include "conf/domain/context.h"
#include "conf/domain/cpu.h"
#include "conf/domain/devices.h"
#include "conf/domain/features.h"
#include "conf/domain/idmap.h"
#include "conf/domain/lifecycle.h"
#include "conf/domain/memory.h"
#include "conf/domain/metadata.h"
#include "conf/domain/os.h"
#include "conf/domain/security.h"
#include "conf/domain/sysinfo.h"
#include "conf/domain/tuning.h"
#include "conf/domain/vcpu.h"
#include "util/result.h"

namespace vh::conf {

// Top-level elements of a driver's own XML namespace (qemu:commandline), kept verbatim.
struct NamespaceData {
    std::string prefix, uri;
    std::vector<std::string> elements;   // formatted at depth 1
};

struct DomainDef {
    std::string virtType;       // <domain type=...>
    int id = -1;                // live only
    std::string name;
    unsigned char uuid[16] = {};
    std::optional<std::string> genid;    // "" asks for a generated one
    std::string title;
    std::string description;
    Metadata metadata;

    MemoryDef memory;
    BlkioTuneDef blkiotune;
    MemTuneDef memtune;
    MemoryBackingDef memoryBacking;
    VcpuDef vcpu;
    IothreadsDef iothreads;
    CpuTuneDef cputune;
    NumaTuneDef numatune;
    ResourceDef resource;
    SysinfoDef sysinfo;
    OsDef os;
    IdmapDef idmap;
    FeaturesDef features;
    CpuDef cpu;
    ClockDef clock;
    LifecycleDef lifecycle;
    PmDef pm;
    PerfDef perf;
    DevicesDef devices;
    SecurityDef security;
    std::vector<NamespaceData> namespaces;
};

// parse -> post-parse -> validate (unless PARSE_SKIP_VALIDATE).
Result<std::unique_ptr<DomainDef>> parseDomain(std::string_view xml, const DomainXMLOptions &opts, unsigned flags);
// The same from an already parsed <domain> element (node files of the test driver).
Result<std::unique_ptr<DomainDef>> parseDomainNode(const xmlNode *root, const DomainXMLOptions &opts, unsigned flags);

// virDomainXMLFlags: VIR_DOMAIN_XML_SECURE shows secrets; VIR_DOMAIN_XML_INACTIVE omits
// runtime state (the id).
// `depth` and `root` format it inside another document (a snapshot's <domain>, its
// <inactiveDomain>, a checkpoint's <domain>).
std::string formatDomain(const DomainDef &def, unsigned int xmlFlags, int depth = 0, const char *root = "domain");

// Generic validation (define and start run it), after the driver's hook.
Result<void> validateDomain(const DomainDef &def, const DomainXMLOptions &opts);

} // namespace vh::conf
