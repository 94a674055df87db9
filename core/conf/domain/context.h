// What every part of the domain XML pipeline is given: the parse flags and the driver's
// options, or the format flags.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libxml/tree.h>

#include "util/result.h"

namespace vh::conf {

struct DomainDef;

// How a document is read (libvirt's virDomainDefParseFlags, the ones that matter here).
enum ParseFlags : unsigned {
    PARSE_INACTIVE = 1u << 0,        // a persistent config: no runtime state (id, live addresses)
    PARSE_SKIP_VALIDATE = 1u << 1,   // loading stored configs: keep what a newer rule rejects
    PARSE_VALIDATE_SCHEMA = 1u << 2, // VIR_DOMAIN_DEFINE_VALIDATE: check against the RELAX NG schema
    PARSE_STATUS = 1u << 3,          // a driver's live status document
};

// What a driver adds to the pipeline (libvirt's virDomainDefParserConfig). Every hook is
// optional; generic code runs around them in libvirt's order.
struct DomainXMLOptions {
    std::string defaultArch;                                       // from the driver's capabilities
    std::string defaultEmulator;
    // XML namespaces whose top-level elements the driver keeps verbatim (qemu:commandline)
    std::vector<std::pair<std::string, std::string>> namespaces;  // (prefix, uri)
    std::function<void(DomainDef &)> postParse;                    // before the generic defaults
    std::function<void(DomainDef &)> devicesPostParse;             // per domain, before device defaults
    std::function<void(DomainDef &)> assignAddresses;              // after the generic defaults
    std::function<Result<void>(const DomainDef &)> validate;       // before generic validation
};

struct ParseContext {
    unsigned flags = 0;
    const DomainXMLOptions *opts = nullptr;
    bool inactive() const { return flags & PARSE_INACTIVE; }
};

// virDomainXMLFlags: VIR_DOMAIN_XML_SECURE shows secrets; VIR_DOMAIN_XML_INACTIVE omits
// runtime state.
struct FormatContext {
    unsigned flags = 0;
    bool secure() const;
    bool inactive() const;
};

// The top-level children of <domain>, collected in one walk; sections take theirs from it.
class TopLevel {
public:
    explicit TopLevel(const xmlNode *root);
    // The first element called name, or nullptr.
    const xmlNode *first(std::string_view name) const;
    // Every element called name, in document order.
    std::vector<const xmlNode *> all(std::string_view name) const;
    const xmlNode *root() const { return root_; }

private:
    const xmlNode *root_;
    std::vector<std::pair<std::string_view, const xmlNode *>> elements_;
};

} // namespace vh::conf
