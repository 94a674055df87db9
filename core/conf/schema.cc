#include "conf/schema.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <libvirt/virterror.h>
#include <libxml/relaxng.h>

#include "conf/xml.h"

#ifndef VH_SCHEMA_DIR
#define VH_SCHEMA_DIR "/usr/local/share/virthub/schemas"
#endif

namespace vh::conf::schema {

namespace {

struct Compiled {
    xmlRelaxNGPtr grammar = nullptr;
    ~Compiled() { xmlRelaxNGFree(grammar); }
};

const detail::Embedded *find(std::string_view kind)
{
    for (unsigned i = 0; i < detail::kEmbeddedCount; i++)
        if (kind == detail::kEmbedded[i].kind)
            return &detail::kEmbedded[i];
    return nullptr;
}

void collect(void *data, xmlErrorPtr e)
{
    if (e && e->message)
        *static_cast<std::string *>(data) += e->message;
}

// Each schema is compiled once, on first use; a compiled grammar is read-only and shared by
// every thread's validation context.
Result<const xmlRelaxNG *> compiled(std::string_view kind, int errDomain)
{
    static std::mutex lock;
    static std::map<std::string, std::unique_ptr<Compiled>, std::less<>> cache;
    std::lock_guard guard(lock);
    if (auto it = cache.find(kind); it != cache.end())
        return it->second->grammar;
    const detail::Embedded *schema = find(kind);
    if (!schema)
        return Error::format(errDomain, VIR_ERR_INTERNAL_ERROR, "no schema for %.*s documents",
                             static_cast<int>(kind.size()), kind.data());
    xmlRelaxNGParserCtxtPtr parser = xmlRelaxNGNewMemParserCtxt(schema->text, static_cast<int>(strlen(schema->text)));
    std::string errors;
    xmlRelaxNGSetParserStructuredErrors(parser, collect, &errors);
    auto c = std::make_unique<Compiled>();
    c->grammar = xmlRelaxNGParse(parser);
    xmlRelaxNGFreeParserCtxt(parser);
    if (!c->grammar)
        return Error::format(errDomain, VIR_ERR_INTERNAL_ERROR, "the %s schema does not compile: %s",
                             schema->kind, errors.c_str());
    const xmlRelaxNG *grammar = c->grammar;
    cache.emplace(std::string(kind), std::move(c));
    return grammar;
}

} // namespace

bool has(std::string_view kind)
{
    return find(kind) != nullptr;
}

std::string installedPath(std::string_view kind)
{
    return std::string(VH_SCHEMA_DIR) + "/" + std::string(kind) + ".rng";
}

Result<void> validate(const xmlDoc *doc, std::string_view kind, int errDomain)
{
    auto grammar = compiled(kind, errDomain);
    if (!grammar)
        return grammar.error();
    xmlRelaxNGValidCtxtPtr ctxt = xmlRelaxNGNewValidCtxt(const_cast<xmlRelaxNG *>(*grammar));
    if (!ctxt)
        throw std::bad_alloc();
    std::string errors;
    xmlRelaxNGSetValidStructuredErrors(ctxt, collect, &errors);
    int rc = xmlRelaxNGValidateDoc(ctxt, const_cast<xmlDoc *>(doc));
    xmlRelaxNGFreeValidCtxt(ctxt);
    if (rc == 0)
        return {};
    return Error::format(errDomain, VIR_ERR_XML_INVALID_SCHEMA, "Unable to validate doc against %s\n%s",
                         installedPath(kind).c_str(), errors.c_str());
}

Result<void> validate(std::string_view xml, std::string_view kind, int errDomain)
{
    auto doc = xml::parse(xml, "(validation)", errDomain);
    if (!doc)
        return std::move(doc).error();
    return validate(doc->get(), kind, errDomain);
}

} // namespace vh::conf::schema
