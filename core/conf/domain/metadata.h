// <metadata>: applications' own elements, each in its own XML namespace, kept verbatim.
#pragma once

#include <string>
#include <vector>

#include <libxml/tree.h>

#include "util/result.h"

namespace vh::conf {

struct MetadataElement {
    std::string uri;         // its namespace
    std::string formatted;   // the element as <metadata>'s child prints it (indented, newline-ended)
};

struct Metadata {
    std::vector<MetadataElement> elements;

    Result<void> parse(const xmlNode *metadata);
    // virDomainGetMetadata(ELEMENT): the element without its namespace prefix.
    Result<std::string> get(const std::string &uri) const;
    // virDomainSetMetadata(ELEMENT): xml NULL or empty removes the element in uri.
    Result<void> set(const char *xml, const char *key, const std::string &uri);
    bool empty() const { return elements.empty(); }
};

} // namespace vh::conf
