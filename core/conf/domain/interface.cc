#include "conf/domain/interface.h"

#include "conf/domain/domain_def.h"

#include <cstdio>
#include <random>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
const char *const kTypes[] = {"user", "ethernet", "vhostuser", "server", "client", "mcast", "network",
                              "bridge", "internal", "direct", "hostdev", "udp", "vdpa", "null", "vds"};

const char *sourceAttr(const std::string &type)
{
    if (type == "network")
        return "network";
    if (type == "bridge")
        return "bridge";
    if (type == "direct" || type == "ethernet")
        return "dev";
    return nullptr;
}
} // namespace

std::optional<std::string> parseMac(std::string_view s)
{
    unsigned int b[6];
    char tail;
    std::string str(s);
    if (sscanf(str.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
        str.size() != 17)
        return std::nullopt;
    char out[18];
    snprintf(out, sizeof(out), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return std::string(out);
}

Result<InterfaceDef> InterfaceDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    InterfaceDef d;
    d.type = xml::attr(n, "type").value_or("user");
    bool known = false;
    for (const char *t : kTypes)
        known |= d.type == t;
    if (!known)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute 'type' in element 'interface': '%s'.", d.type.c_str());
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "mac")) {
            std::string text = xml::attr(c, "address").value_or("");
            auto mac = parseMac(text);
            if (!mac)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "unable to parse mac address '%s'", text.c_str());
            d.mac = *mac;
        } else if (xml::is(c, "source")) {
            if (const char *a = sourceAttr(d.type))
                d.source = xml::attr(c, a).value_or("");
            d.sourceMode = xml::attr(c, "mode").value_or("");
        } else if (xml::is(c, "target")) {
            d.targetDev = xml::attr(c, "dev").value_or("");
            // names the host would generate are runtime state, not part of a persistent config
            if (ctx.inactive() && (d.targetDev.rfind("vnet", 0) == 0 || d.targetDev.rfind("macvtap", 0) == 0 ||
                             d.targetDev.rfind("macvlan", 0) == 0))
                d.targetDev.clear();
        } else if (xml::is(c, "model")) {
            d.model = xml::attr(c, "type").value_or("");
        }
    }
    auto info = DeviceInfo::parse(n, ctx);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void InterfaceDef::postParseAll(DomainDef &def)
{
    // a generated 52:54:00 MAC when none was given
    static thread_local std::mt19937 gen{std::random_device{}()};
    for (InterfaceDef &i : def.devices.interfaces) {
        if (!i.mac.empty())
            continue;
        char out[18];
        snprintf(out, sizeof(out), "52:54:00:%02x:%02x:%02x", static_cast<unsigned>(gen() & 0xff),
                 static_cast<unsigned>(gen() & 0xff), static_cast<unsigned>(gen() & 0xff));
        i.mac = out;
    }
}

Result<void> InterfaceDef::validateAll(const DomainDef &)
{
    return {};
}

void InterfaceDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("interface").attr("type", type);
    w.start("mac").attr("address", mac).end();
    const char *a = sourceAttr(type);
    if (a && !source.empty()) {
        w.start("source").attr(a, source);
        if (!sourceMode.empty())
            w.attr("mode", sourceMode);
        w.end();
    }
    if (!targetDev.empty())
        w.start("target").attr("dev", targetDev).end();
    if (!model.empty())
        w.start("model").attr("type", model).end();
    info.format(w, ctx);
    w.end();
}

} // namespace vh::conf
