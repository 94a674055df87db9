#include "conf/domain/security.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

// libvirt drops a model or label longer than its buffers hold.
constexpr size_t kModelMax = 256;
constexpr size_t kLabelMax = 4096;

// The text of the first child called name, unless empty or too long.
std::optional<std::string> labelText(const xmlNode *n, const char *name)
{
    const xmlNode *c = xml::child(n, name);
    if (!c)
        return std::nullopt;
    std::string t = xml::text(c);
    if (t.empty() || t.size() > kLabelMax)
        return std::nullopt;
    return t;
}

Result<SeclabelDef> parseSeclabel(const xmlNode *n, const ParseContext &ctx)
{
    SeclabelDef s;
    Props p(n);
    if (auto model = p.str("model"); model && model->size() <= kModelMax)
        s.model = *model;
    auto type = p.enumeration("type", kSeclabelType, PROP_NONE_INVALID);
    if (!type)
        return std::move(type).error();
    s.type = type->value_or(SeclabelType::Default);
    if (s.type == SeclabelType::Static || s.type == SeclabelType::None)
        s.relabel = false;
    auto relabel = p.yesNo("relabel");
    if (!relabel)
        return std::move(relabel).error();
    if (*relabel) {
        s.relabel = **relabel;
        if (s.type == SeclabelType::Dynamic && !s.relabel)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "dynamic label type must use resource relabeling");
        if (s.type == SeclabelType::None && s.relabel)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "resource relabeling is not compatible with 'none' label type");
    }
    // the 'none' model has no labels
    if (s.model == std::optional<std::string>("none")) {
        if (ctx.inactive()) {
            s.type = SeclabelType::None;   // how older configurations said it
            s.relabel = false;
        } else if (s.type != SeclabelType::None) {
            std::string t(kSeclabelType.name(s.type));
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported type='%s' to model 'none'", t.c_str());
        }
        return s;
    }
    // the label of a static seclabel, or of any live one
    if (s.type == SeclabelType::Static || (!ctx.inactive() && s.type != SeclabelType::None)) {
        s.label = labelText(n, "label");
        if (!s.label)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "security label is missing");
    }
    // the image label of a live seclabel that relabels
    if (s.relabel && !ctx.inactive() && s.type != SeclabelType::None) {
        s.imagelabel = labelText(n, "imagelabel");
        if (!s.imagelabel)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "security imagelabel is missing");
    }
    if (s.type == SeclabelType::Dynamic)
        s.baselabel = labelText(n, "baselabel");
    return s;
}

// An unsigned number (leading blanks and '+' allowed, no '-') in the given base.
std::optional<unsigned int> readUInt(const std::string &s, int base)
{
    if (s.empty() || s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, base);
    if (errno || *end || end == s.c_str() || v > UINT_MAX)
        return std::nullopt;
    return static_cast<unsigned int>(v);
}

// The text of the first child called name, or nullopt when absent or empty.
std::optional<std::string> childText(const xmlNode *n, const char *name)
{
    const xmlNode *c = xml::child(n, name);
    if (!c)
        return std::nullopt;
    std::string t = xml::text(c);
    if (t.empty())
        return std::nullopt;
    return t;
}

Result<void> parseSev(LaunchSecurityDef &l, const xmlNode *n)
{
    auto hashes = Props(n).yesNo("kernelHashes");
    if (!hashes)
        return std::move(hashes).error();
    l.kernelHashes = *hashes;
    auto policyText = childText(n, "policy");
    auto policy = policyText ? readUInt(*policyText, 16) : std::nullopt;
    if (!policy)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "failed to get launch security policy");
    // cbitpos and reducedPhysBits depend on the host; absent, they come from its capabilities
    if (auto text = childText(n, "cbitpos")) {
        l.cbitpos = readUInt(*text, 10);
        if (!l.cbitpos)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid format for launch security cbitpos");
    }
    if (auto text = childText(n, "reducedPhysBits")) {
        l.reducedPhysBits = readUInt(*text, 10);
        if (!l.reducedPhysBits)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid format for launch security reduced-phys-bits");
    }
    l.policy = *policy;
    l.dhCert = childText(n, "dhCert").value_or("");
    l.session = childText(n, "session").value_or("");
    return {};
}

} // namespace

Result<void> SecurityDef::parseSeclabels(const TopLevel &top, const ParseContext &ctx)
{
    for (const xmlNode *n : top.all("seclabel")) {
        auto s = parseSeclabel(n, ctx);
        if (!s)
            return std::move(s).error();
        for (const SeclabelDef &prev : seclabels)
            if (prev.model == s->model)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "seclabel for model %s is already provided",
                                     s->model ? s->model->c_str() : "(null)");
        seclabels.push_back(std::move(*s));
    }
    if (seclabels.size() > 1)
        for (const SeclabelDef &s : seclabels)
            if (!s.model)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing security model when using multiple labels");
    return {};
}

Result<void> SecurityDef::parseLaunchSecurity(const TopLevel &top, const ParseContext &)
{
    const xmlNode *n = top.first("launchSecurity");
    if (!n)
        return {};
    auto type = Props(n).enumeration("type", kLaunchSecurityType, PROP_REQUIRED | PROP_NONE_INVALID);
    if (!type)
        return std::move(type).error();
    LaunchSecurityDef l;
    l.type = **type;
    if (l.type == LaunchSecurityType::Sev)
        VH_TRY(parseSev(l, n));
    launchSecurity = std::move(l);
    return {};
}

Result<void> SecurityDef::parseKeywrap(const TopLevel &top, const ParseContext &)
{
    for (const xmlNode *k : top.all("keywrap")) {
        for (const xmlNode *c : xml::Children(k)) {
            if (!xml::is(c, "cipher"))
                continue;
            Props p(c);
            auto name = p.str("name", PROP_REQUIRED);
            if (!name)
                return std::move(name).error();
            if (**name != "aes" && **name != "dea")
                return p.invalid("name", **name, "");
            auto state = p.onOff("state", PROP_REQUIRED);
            if (!state)
                return std::move(state).error();
            auto &slot = **name == "aes" ? keywrapAes : keywrapDea;
            if (slot)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR,
                                     "A domain definition can have no more than one cipher node with name %s",
                                     name->value().c_str());
            slot = **state;
        }
    }
    return {};
}

Result<SecurityDef> SecurityDef::parse(const TopLevel &top, const ParseContext &ctx)
{
    SecurityDef d;
    VH_TRY(d.parseSeclabels(top, ctx));
    VH_TRY(d.parseLaunchSecurity(top, ctx));
    VH_TRY(d.parseKeywrap(top, ctx));
    return d;
}

void SecurityDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    for (const SeclabelDef &s : seclabels) {
        if (s.type == SeclabelType::Default)
            continue;
        w.start("seclabel").attr("type", kSeclabelType.name(s.type));
        if (s.model)
            w.attr("model", *s.model);
        if (s.type != SeclabelType::None) {
            w.attr("relabel", yesNo(s.relabel));
            if (s.label)
                w.element("label", *s.label);
            if (s.imagelabel && !ctx.inactive() && s.relabel)
                w.element("imagelabel", *s.imagelabel);
            if (s.baselabel && s.type == SeclabelType::Dynamic)
                w.element("baselabel", *s.baselabel);
        }
        w.end();
    }
    if (keywrapAes || keywrapDea) {
        w.start("keywrap");
        if (keywrapAes)
            w.start("cipher").attr("name", "aes").attr("state", onOff(*keywrapAes)).end();
        if (keywrapDea)
            w.start("cipher").attr("name", "dea").attr("state", onOff(*keywrapDea)).end();
        w.end();
    }
    if (launchSecurity) {
        const LaunchSecurityDef &l = *launchSecurity;
        w.start("launchSecurity").attr("type", kLaunchSecurityType.name(l.type));
        if (l.type == LaunchSecurityType::Sev) {
            if (l.kernelHashes)
                w.attr("kernelHashes", yesNo(*l.kernelHashes));
            if (l.cbitpos)
                w.element("cbitpos", std::to_string(*l.cbitpos));
            if (l.reducedPhysBits)
                w.element("reducedPhysBits", std::to_string(*l.reducedPhysBits));
            w.element("policy", strprintf("0x%04x", l.policy));
            if (!l.dhCert.empty())
                w.element("dhCert", l.dhCert);
            if (!l.session.empty())
                w.element("session", l.session);
        }
        w.end();
    }
}

} // namespace vh::conf
