#include "conf/nwfilter/binding.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"

namespace vh::conf {

Result<std::unique_ptr<NWFilterBindingDef>> parseNWFilterBinding(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(filterbinding_definition)", VIR_FROM_XML);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "filterbinding"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'filterbinding', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<NWFilterBindingDef>();
    def->raw = xml::reformat(root, 0);
    return def;
}

std::string formatNWFilterBinding(const NWFilterBindingDef &def, unsigned int)
{
    return def.raw;
}

} // namespace vh::conf
