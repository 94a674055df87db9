#include "conf/network/port.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"

namespace vh::conf {

Result<std::unique_ptr<NetworkPortDef>> parseNetworkPort(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(networkport_definition)", VIR_FROM_XML);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "networkport"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'networkport', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<NetworkPortDef>();
    def->raw = xml::reformat(root, 0);
    return def;
}

std::string formatNetworkPort(const NetworkPortDef &def, unsigned int)
{
    return def.raw;
}

} // namespace vh::conf
