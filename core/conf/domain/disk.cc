#include "conf/domain/disk.h"

#include "conf/domain/domain_def.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
const char *const kTypes[] = {"file", "block", "dir", "network", "volume", "nvme", "vhostuser"};
const char *const kDevices[] = {"disk", "cdrom", "floppy", "lun"};

template <size_t N>
bool oneOf(const std::string &v, const char *const (&set)[N])
{
    for (const char *s : set)
        if (v == s)
            return true;
    return false;
}

const char *sourceAttr(const std::string &type)
{
    if (type == "block")
        return "dev";
    if (type == "dir")
        return "dir";
    return "file";
}
} // namespace

Result<DiskDef> DiskDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    DiskDef d;
    d.type = xml::attr(n, "type").value_or("file");
    if (!oneOf(d.type, kTypes))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute 'type' in element 'disk': '%s'.", d.type.c_str());
    d.device = xml::attr(n, "device").value_or("disk");
    if (!oneOf(d.device, kDevices))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute 'device' in element 'disk': '%s'.", d.device.c_str());
    for (const xmlNode *c : xml::Children(n)) {
        if (xml::is(c, "driver")) {
            d.driverName = xml::attr(c, "name").value_or("");
            d.driverType = xml::attr(c, "type").value_or("");
        } else if (xml::is(c, "source")) {
            d.source = xml::attr(c, sourceAttr(d.type)).value_or("");
        } else if (xml::is(c, "target")) {
            d.targetDev = xml::attr(c, "dev").value_or("");
            d.targetBus = xml::attr(c, "bus").value_or("");
        } else if (xml::is(c, "readonly")) {
            d.readonly = true;
        } else if (xml::is(c, "shareable")) {
            d.shareable = true;
        }
    }
    if (d.targetDev.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_TARGET, d.source.empty() ? std::string("") : d.source);
    auto info = DeviceInfo::parse(n, ctx);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void DiskDef::postParseAll(DomainDef &def)
{
    // the bus from the target name
    static const std::pair<const char *, const char *> prefixes[] = {
        {"hd", "ide"}, {"sd", "scsi"}, {"vd", "virtio"}, {"xvd", "xen"}, {"ubd", "uml"}, {"fd", "fdc"},
    };
    for (DiskDef &d : def.devices.disks) {
        if (!d.targetBus.empty())
            continue;
        d.targetBus = "ide";
        for (auto [prefix, bus] : prefixes) {
            if (d.targetDev.rfind(prefix, 0) == 0) {
                d.targetBus = bus;
                break;
            }
        }
    }
}

Result<void> DiskDef::validateAll(const DomainDef &def)
{
    const auto &disks = def.devices.disks;
    for (size_t i = 0; i < disks.size(); i++) {
        for (size_t j = i + 1; j < disks.size(); j++) {
            if (disks[i].targetDev == disks[j].targetDev)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "target '%s' duplicated for disk sources '%s' and '%s'",
                                     disks[i].targetDev.c_str(), disks[i].source.c_str(), disks[j].source.c_str());
        }
    }
    return {};
}

void DiskDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("disk").attr("type", type).attr("device", device);
    if (!driverName.empty() || !driverType.empty()) {
        w.start("driver");
        if (!driverName.empty())
            w.attr("name", driverName);
        if (!driverType.empty())
            w.attr("type", driverType);
        w.end();
    }
    if (!source.empty())
        w.start("source").attr(sourceAttr(type), source).end();
    w.start("target").attr("dev", targetDev);
    if (!targetBus.empty())
        w.attr("bus", targetBus);
    w.end();
    if (readonly)
        w.start("readonly").end();
    if (shareable)
        w.start("shareable").end();
    info.format(w, ctx);
    w.end();
}

} // namespace vh::conf
