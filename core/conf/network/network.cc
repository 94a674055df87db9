#include "conf/network/network.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"

namespace vh::conf {

Result<std::unique_ptr<NetworkDef>> parseNetwork(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(network_definition)", VIR_FROM_XML);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "network"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'network', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<NetworkDef>();
    def->raw = xml::reformat(root, 0);
    return def;
}

std::string formatNetwork(const NetworkDef &def, unsigned int)
{
    return def.raw;
}

} // namespace vh::conf
