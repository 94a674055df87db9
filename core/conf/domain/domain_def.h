// The domain XML model and its pipeline: parse -> post-parse -> validate -> format
// (ARCHITECTURE.md decision 6). Each device family lives in its own file beside this one,
// holding its struct, parse, post-parse, validate and format together.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libxml/tree.h>

#include "conf/domain/disk.h"
#include "conf/domain/interface.h"
#include "conf/domain/memballoon.h"
#include "conf/domain/metadata.h"
#include "util/result.h"

namespace vh::conf {

// How a document is read (libvirt's virDomainDefParseFlags, the ones that matter here).
enum ParseFlags : unsigned {
    PARSE_INACTIVE = 1u << 0,        // a persistent config: no runtime state (id)
    PARSE_SKIP_VALIDATE = 1u << 1,   // loading stored configs: keep what a newer rule rejects
    PARSE_VALIDATE_SCHEMA = 1u << 2, // VIR_DOMAIN_DEFINE_VALIDATE
};

struct OsDef {
    std::string type;          // hvm, xen, linux, exe
    std::string arch;
    std::string machine;
    std::vector<std::string> boot;   // boot dev order: hd, cdrom, fd, network
    std::optional<bool> bootmenu;
    std::string kernel, initrd, cmdline, dtb;
    std::string init;          // containers
};

// <features>: each child kept as its name plus attributes (a first model; the domain XML
// issue gives the families their own types).
struct FeatureDef {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attrs;
};

struct DomainDef {
    std::string virtType;       // <domain type=...>
    int id = -1;                // live only
    std::string name;
    unsigned char uuid[16] = {};
    std::string title;
    std::string description;
    Metadata metadata;

    unsigned long long maxMemoryKiB = 0;     // <memory>
    unsigned long long currentMemoryKiB = 0; // <currentMemory>
    unsigned int maxVcpus = 0;               // <vcpu>
    unsigned int vcpus = 0;                  // <vcpu current=...>
    std::string vcpuPlacement = "static";
    std::string cpuset;

    OsDef os;
    std::vector<FeatureDef> features;
    std::string clockOffset = "utc";
    std::string onPoweroff = "destroy", onReboot = "restart", onCrash = "destroy";

    std::string emulator;
    std::vector<DiskDef> disks;
    std::vector<InterfaceDef> interfaces;
    std::optional<MemballoonDef> memballoon;
};

// What a driver adds to the pipeline (libvirt's virDomainDefParserConfig).
struct DomainXMLOptions {
    std::string defaultArch;                                        // from the driver's capabilities
    std::function<void(DomainDef &)> devicesPostParse;              // runs before the generic defaults
    std::function<Result<void>(const DomainDef &)> validate;        // runs before generic validation
};

// parse -> post-parse -> validate (unless PARSE_SKIP_VALIDATE).
Result<std::unique_ptr<DomainDef>> parseDomain(std::string_view xml, const DomainXMLOptions &opts, unsigned flags);
// The same from an already parsed <domain> element (node files of the test driver).
Result<std::unique_ptr<DomainDef>> parseDomainNode(const xmlNode *root, const DomainXMLOptions &opts, unsigned flags);

// virDomainXMLFlags: VIR_DOMAIN_XML_SECURE shows secrets; VIR_DOMAIN_XML_INACTIVE omits
// runtime state (the id).
std::string formatDomain(const DomainDef &def, unsigned int xmlFlags);

// Generic validation (define and start run it).
Result<void> validateDomain(const DomainDef &def, const DomainXMLOptions &opts);

} // namespace vh::conf
