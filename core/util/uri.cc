#include "util/uri.h"

#include <libxml/uri.h>
#include <libvirt/virterror.h>

namespace vh {

namespace {
std::string decode(const std::string &s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '%' && i + 2 < s.size() && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}
} // namespace

const std::string *Uri::param(const std::string &name) const
{
    for (const auto &[k, v] : params)
        if (k == name)
            return &v;
    return nullptr;
}

Result<Uri> Uri::parse(const std::string &text)
{
    // libxml2's RFC 3986 parser, as libvirt uses
    xmlURIPtr x = xmlParseURI(text.c_str());
    if (!x)
        return Error::make(VIR_FROM_URI, VIR_ERR_INTERNAL_ERROR, "Unable to parse URI " + text);
    Uri u;
    u.text = text;
    std::string scheme = x->scheme ? x->scheme : "";
    auto plus = scheme.find('+');
    u.scheme = scheme.substr(0, plus);
    if (plus != std::string::npos)
        u.transport = scheme.substr(plus + 1);
    if (x->user)
        u.user = x->user;
    if (x->server)
        u.server = x->server;
    u.port = x->port > 0 ? x->port : 0;
    if (x->path)
        u.path = x->path;
    std::string query = x->query_raw ? x->query_raw : "";
    xmlFreeURI(x);
    size_t start = 0;
    while (start < query.size()) {
        size_t end = query.find_first_of("&;", start);
        if (end == std::string::npos)
            end = query.size();
        std::string item = query.substr(start, end - start);
        if (!item.empty()) {
            auto eq = item.find('=');
            std::string key = decode(item.substr(0, eq));
            std::string value = eq == std::string::npos ? "" : decode(item.substr(eq + 1));
            u.params.emplace_back(key, value);
        }
        start = end + 1;
    }
    return u;
}

} // namespace vh
