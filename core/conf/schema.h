// RELAX NG validation of a document against virthub's own schema for its kind, for the
// *_VALIDATE flags (VIR_DOMAIN_DEFINE_VALIDATE, VIR_NETWORK_DEFINE_VALIDATE, ...). The schemas
// sit beside the code reading the same XML (domain/disk.rng by domain/disk.cc) and are
// embedded in the library at build time by generator/bundle_schemas.py.
#pragma once

#include <string_view>

#include <libxml/tree.h>

#include "util/result.h"

namespace vh::conf::schema {

// Kinds with a schema: domain, network, ... (the root .rng files).
bool has(std::string_view kind);

// VIR_ERR_XML_INVALID_SCHEMA in errDomain, listing libxml2's complaints, if doc does not
// match the schema of kind.
Result<void> validate(const xmlDoc *doc, std::string_view kind, int errDomain);

// The same for a document's text (XML syntax errors as xml::parse reports them).
Result<void> validate(std::string_view xml, std::string_view kind, int errDomain);

// Where the bundled schema of kind is installed (the path the errors name).
std::string installedPath(std::string_view kind);

namespace detail {
struct Embedded {
    const char *kind;
    const char *text;
};
extern const Embedded kEmbedded[];
extern const unsigned kEmbeddedCount;
} // namespace detail

} // namespace vh::conf::schema
