// libvirt's connection URIs: driver[+transport]://[user@][host][:port]/[path][?param=value&...]
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace vh {

struct Uri {
    std::string text;        // as given
    std::string scheme;      // "qemu" of qemu+ssh; empty for a bare path like "foo"
    std::string transport;   // "ssh" of qemu+ssh, empty for local
    std::string user;
    std::string server;
    int port = 0;
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;   // decoded, in order

    // The value of a query parameter, or nullptr.
    const std::string *param(const std::string &name) const;
    bool local() const { return transport.empty() && server.empty(); }

    // VIR_ERR_INTERNAL_ERROR "Unable to parse URI ..." (domain VIR_FROM_URI) on bad syntax.
    static Result<Uri> parse(const std::string &text);
};

} // namespace vh
