#include "conf/secret/secret.h"

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

using xml::childString;
using xml::nonEmpty;

Result<bool> yesNoAttr(const xmlNode *n, const char *name)
{
    auto v = nonEmpty(xml::attr(n, name));
    if (!v)
        return false;
    if (*v == "yes")
        return true;
    if (*v == "no")
        return false;
    return Error::format(VIR_FROM_SECRET, VIR_ERR_XML_ERROR, "invalid value of '%s'", name);
}

Result<void> parseUsage(SecretDef &def, const xmlNode *usage)
{
    auto type = nonEmpty(xml::attr(usage, "type"));
    if (!type)
        return Error::format(VIR_FROM_SECRET, VIR_ERR_XML_ERROR, "unknown secret usage type");
    auto t = kSecretUsageType.parse(*type);
    if (!t)
        return Error::format(VIR_FROM_SECRET, VIR_ERR_CONFIG_UNSUPPORTED, "unknown secret usage type %s", type->c_str());
    def.usageType = *t;
    if (def.usageType == SecretUsageType::None)
        return {};
    auto id = childString(usage, SecretDef::usageElement(def.usageType));
    if (!id) {
        static const char *const kMissing[] = {
            nullptr,
            "volume usage specified, but volume path is missing",
            "Ceph usage specified, but name is missing",
            "iSCSI usage specified, but target is missing",
            "TLS usage specified, but name is missing",
            "vTPM usage specified, but name is missing",
        };
        return Error::format(VIR_FROM_SECRET, VIR_ERR_INTERNAL_ERROR, "%s", kMissing[static_cast<int>(def.usageType)]);
    }
    def.usageId = std::move(*id);
    return {};
}

} // namespace

const char *SecretDef::usageElement(SecretUsageType t)
{
    switch (t) {
    case SecretUsageType::Volume: return "volume";
    case SecretUsageType::Iscsi: return "target";
    default: return "name";
    }
}

Result<std::unique_ptr<SecretDef>> parseSecret(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(definition_of_secret)", VIR_FROM_SECRET);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "secret"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'secret', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<SecretDef>();
    auto ephemeral = yesNoAttr(root, "ephemeral");
    if (!ephemeral)
        return std::move(ephemeral).error();
    def->ephemeral = *ephemeral;
    auto priv = yesNoAttr(root, "private");
    if (!priv)
        return std::move(priv).error();
    def->isPrivate = *priv;

    auto uuid = childString(root, "uuid");
    if (uuid) {
        if (!uuidParse(uuid->c_str(), def->uuid))
            return Error::format(VIR_FROM_SECRET, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
    } else {
        // post-parse: a secret defined without a UUID gets a new one
        uuidGenerate(def->uuid);
    }
    def->description = childString(root, "description").value_or("");
    if (const xmlNode *usage = xml::child(root, "usage"))
        VH_TRY(parseUsage(*def, usage));
    return def;
}

std::string formatSecret(const SecretDef &def, unsigned int)
{
    xml::Writer w;
    w.start("secret").attr("ephemeral", yesNo(def.ephemeral)).attr("private", yesNo(def.isPrivate));
    w.element("uuid", uuidFormat(def.uuid));
    if (!def.description.empty())
        w.element("description", def.description);
    if (def.usageType != SecretUsageType::None) {
        w.start("usage").attr("type", kSecretUsageType.name(def.usageType));
        w.element(SecretDef::usageElement(def.usageType), def.usageId);
        w.end();
    }
    w.end();
    return w.take();
}

} // namespace vh::conf
