#include "conf/nwfilter/binding.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

Error internal(const std::string &msg)
{
    return Error::make(VIR_FROM_NWFILTER, VIR_ERR_INTERNAL_ERROR, msg);
}

// XPath string() of an element; nullopt when absent or empty.
std::optional<std::string> stringOf(const xmlNode *n)
{
    if (!n)
        return std::nullopt;
    xmlChar *s = xmlNodeGetContent(n);
    std::string v = s ? reinterpret_cast<const char *>(s) : "";
    xmlFree(s);
    if (v.empty())
        return std::nullopt;
    return v;
}

Result<std::unique_ptr<NWFilterBindingDef>> parseRoot(const xmlNode *root)
{
    auto def = std::make_unique<NWFilterBindingDef>();
    auto portdev = net::xpathAttr(net::firstChild(root, "portdev"), "name");
    if (!portdev)
        return internal("filter binding has no port dev name");
    def->portdev = *portdev;
    if (const xmlNode *link = net::firstChild(root, "linkdev")) {
        def->linkdev = net::xpathAttr(link, "name");
        if (!def->linkdev)
            return internal("filter binding has no link dev name");
    }

    const xmlNode *owner = net::firstChild(root, "owner");
    auto name = stringOf(owner ? net::firstChild(owner, "name") : nullptr);
    if (!name)
        return internal("filter binding has no owner name");
    def->ownerName = *name;
    auto uuid = stringOf(owner ? net::firstChild(owner, "uuid") : nullptr);
    if (!uuid)
        return internal("filter binding has no owner UUID");
    if (!uuidParse(uuid->c_str(), def->ownerUUID.data()))
        return internal("Unable to parse UUID '" + *uuid + "'");

    auto mac = net::xpathAttr(net::firstChild(root, "mac"), "address");
    if (!mac)
        return internal("filter binding has no MAC address");
    auto m = net::parseMac(*mac);
    if (!m)
        return internal("Unable to parse MAC '" + *mac + "'");
    def->mac = *m;

    const xmlNode *ref = net::firstChild(root, "filterref");
    auto filter = net::xpathAttr(ref, "filter");
    if (!filter)
        return internal("filter binding has no filter reference");
    def->filter = *filter;
    def->params = parseNWFilterParams(ref);
    return def;
}

} // namespace

Result<std::unique_ptr<NWFilterBindingDef>> parseNWFilterBinding(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(nwfilterbinding_definition)", VIR_FROM_NWFILTER);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "filterbinding"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'filterbinding', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    return parseRoot(root);
}

std::string formatNWFilterBinding(const NWFilterBindingDef &def, unsigned int)
{
    xml::Writer w;
    w.start("filterbinding").open();
    w.start("owner");
    w.element("name", def.ownerName);
    w.element("uuid", uuidFormat(def.ownerUUID.data()));
    w.end();
    w.start("portdev").attr("name", def.portdev).end();
    if (def.linkdev)
        w.start("linkdev").attr("name", *def.linkdev).end();
    w.start("mac").attr("address", net::formatMac(def.mac)).end();
    // libvirt prints the filter's name unescaped; virthub escapes it
    std::string ref = "  <filterref filter='" + xml::escaped(def.filter) + "'";
    if (def.params.empty()) {
        ref += "/>\n";
    } else {
        ref += ">\n";
        formatNWFilterParams(ref, def.params, 2);
        ref += "  </filterref>\n";
    }
    w.raw(ref);
    w.end();
    return w.take();
}

} // namespace vh::conf
