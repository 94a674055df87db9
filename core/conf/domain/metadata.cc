#include "conf/domain/metadata.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"

namespace vh::conf {

namespace {

const char *nsOf(const xmlNode *n)
{
    return n->ns && n->ns->href ? reinterpret_cast<const char *>(n->ns->href) : "";
}

void stripNamespaces(xmlNode *n)
{
    n->ns = nullptr;
    xmlFreeNsList(n->nsDef);
    n->nsDef = nullptr;
    for (xmlNode *c : xml::Children(n))
        stripNamespaces(c);
}

void setNamespace(xmlNode *n, xmlNs *ns)
{
    n->ns = ns;
    for (xmlNode *c : xml::Children(n))
        setNamespace(c, ns);
}

Error notPresent()
{
    return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_DOMAIN_METADATA, "Requested metadata element is not present");
}

} // namespace

Result<void> Metadata::parse(const xmlNode *metadata)
{
    for (const xmlNode *c : xml::Children(metadata)) {
        std::string uri = nsOf(c);
        bool seen = false;
        for (const MetadataElement &e : elements)
            seen |= e.uri == uri;
        if (!seen)    // libvirt keeps the first element of each namespace
            elements.push_back({uri, xml::serialize(c, 2)});
    }
    return {};
}

Result<std::string> Metadata::get(const std::string &uri) const
{
    for (const MetadataElement &e : elements) {
        if (e.uri != uri)
            continue;
        auto doc = xml::parse(e.formatted, "(metadata)", VIR_FROM_DOMAIN);
        if (!doc)
            return std::move(doc).error();
        xmlNode *root = xmlDocGetRootElement(doc->get());
        stripNamespaces(root);
        std::string out = xml::serialize(root, 0);
        if (!out.empty() && out.back() == '\n')
            out.pop_back();
        return out;
    }
    return notPresent();
}

Result<void> Metadata::set(const char *text, const char *key, const std::string &uri)
{
    auto same = [&](const MetadataElement &e) { return e.uri == uri; };
    if (!text || !*text) {
        std::erase_if(elements, same);
        return {};
    }
    auto doc = xml::parse(text, "(metadata_xml)", VIR_FROM_DOMAIN);
    if (!doc)
        return std::move(doc).error();     // the element already there stays
    xmlNode *root = xmlDocGetRootElement(doc->get());
    stripNamespaces(root);
    xmlNs *ns = xmlNewNs(root, reinterpret_cast<const xmlChar *>(uri.c_str()), reinterpret_cast<const xmlChar *>(key));
    setNamespace(root, ns);
    std::erase_if(elements, same);      // as libvirt: the new one goes last
    elements.push_back({uri, xml::serialize(root, 2)});
    return {};
}

} // namespace vh::conf
