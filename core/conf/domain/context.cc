#include "conf/domain/context.h"

#include <libvirt/libvirt.h>

#include "conf/xml.h"

namespace vh::conf {

bool FormatContext::secure() const
{
    return flags & VIR_DOMAIN_XML_SECURE;
}

bool FormatContext::inactive() const
{
    return flags & VIR_DOMAIN_XML_INACTIVE;
}

TopLevel::TopLevel(const xmlNode *root) : root_(root)
{
    for (const xmlNode *c : xml::Children(root))
        elements_.emplace_back(reinterpret_cast<const char *>(c->name), c);
}

const xmlNode *TopLevel::first(std::string_view name) const
{
    for (const auto &[n, node] : elements_)
        if (n == name && !node->ns)
            return node;
    return nullptr;
}

std::vector<const xmlNode *> TopLevel::all(std::string_view name) const
{
    std::vector<const xmlNode *> out;
    for (const auto &[n, node] : elements_)
        if (n == name && !node->ns)
            out.push_back(node);
    return out;
}

} // namespace vh::conf
