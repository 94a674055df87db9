#include "conf/domain/smartcard.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
enum class SmartcardMode { Host, HostCertificates, Passthrough, Last };
VH_ENUM_TABLE(kSmartcardMode, SmartcardMode, "host", "host-certificates", "passthrough");
} // namespace

Result<SmartcardDef> SmartcardDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    SmartcardDef d;
    auto mode = Props(n).enumeration("mode", kSmartcardMode, PROP_REQUIRED);
    if (!mode)
        return std::move(mode).error();
    d.mode = std::string(kSmartcardMode.name(**mode));
    switch (**mode) {
    case SmartcardMode::HostCertificates:
        for (const xmlNode *c : xml::Children(n))
            if (xml::is(c, "certificate"))
                d.certificates.push_back(xml::text(c));
        if (d.certificates.size() != 3)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "host-certificates mode needs exactly three certificates");
        if (auto db = xml::childText(n, "database"); db && !db->empty()) {
            if ((*db)[0] != '/')
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "expecting absolute path: %s", db->c_str());
            d.database = db;
        }
        break;
    case SmartcardMode::Passthrough: {
        auto type = xml::attr(n, "type");
        if (!type)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "passthrough mode requires a character device type attribute");
        auto t = kChrType.parse(*type);
        if (!t)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "unknown type presented to host for character device: %s", type->c_str());
        auto source = ChardevSource::parse(*t, n, ctx, false);
        if (!source)
            return std::move(source).error();
        d.source = std::move(*source);
        break;
    }
    default:
        break;
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    if (!d.info.address.empty() && d.info.address.type != AddressType::Ccid)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Controllers must use the 'ccid' address type");
    return d;
}

void SmartcardDef::postParseAll(DomainDef &)
{
}

Result<void> SmartcardDef::validateAll(const DomainDef &def)
{
    for (const SmartcardDef &s : def.devices.smartcards)
        if (s.mode == "passthrough")
            VH_TRY(s.source.validate());
    return {};
}

void SmartcardDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("smartcard").attr("mode", mode);
    if (mode == "passthrough")
        w.attr("type", kChrType.name(source.type));
    for (const std::string &c : certificates)
        w.element("certificate", c);
    if (database)
        w.element("database", *database);
    if (mode == "passthrough")
        source.format(w, ctx);
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
