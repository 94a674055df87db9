#include "conf/domain/shmem.h"

#include "conf/domain/domain_def.h"

#include <climits>

#include <libvirt/virterror.h>

namespace vh::conf {

Result<ShmemDef> ShmemDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    ShmemDef d;
    auto name = xml::attr(n, "name");
    if (!name)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "shmem element must contain 'name' attribute");
    d.name = *name;
    if (const xmlNode *model = xml::child(n, "model")) {
        auto m = Props(model).enumeration("type", kShmemModel);
        if (!m)
            return std::move(m).error();
        d.model = m->value_or(ShmemModel::Ivshmem);
    }
    // the legacy ivshmem model has no roles
    if (d.model != ShmemModel::Ivshmem) {
        auto role = Props(n).enumeration("role", kShmemRole, PROP_NONE_INVALID);
        if (!role)
            return std::move(role).error();
        d.role = role->value_or(ShmemRole::Default);
    }
    if (const xmlNode *size = xml::child(n, "size")) {
        auto bytes = scaledBytes(xml::text(size), xml::attr(size, "unit"), 1, ULLONG_MAX, "./size[1]", false);
        if (!bytes)
            return std::move(bytes).error();
        d.size = bytes->value_or(0);
    }
    if (const xmlNode *server = xml::child(n, "server")) {
        d.server = true;
        d.serverPath = xml::attr(server, "path");
    }
    if (const xmlNode *msi = xml::child(n, "msi")) {
        Props p(msi);
        auto vectors = p.uint("vectors");
        if (!vectors)
            return std::move(vectors).error();
        d.msiVectors = vectors->value_or(0);
        auto ioeventfd = p.onOff("ioeventfd");
        if (!ioeventfd)
            return std::move(ioeventfd).error();
        d.msiIoeventfd = *ioeventfd;
        d.msi = true;
        if (!d.server)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "msi option is only supported with a server");
    }
    auto info = DeviceInfo::parse(n, ctx, 0);
    if (!info)
        return std::move(info).error();
    d.info = std::move(*info);
    return d;
}

void ShmemDef::postParseAll(DomainDef &)
{
}

Result<void> ShmemDef::validateAll(const DomainDef &def)
{
    for (const ShmemDef &s : def.devices.shmems) {
        if (s.name.find('/') != std::string::npos)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "shmem name cannot include '/' character");
    }
    return {};
}

void ShmemDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("shmem").attr("name", name);
    if (role != ShmemRole::Default)
        w.attr("role", kShmemRole.name(role));
    w.start("model").attr("type", kShmemModel.name(model)).end();
    if (size)
        w.start("size").attr("unit", "M").text(std::to_string(size >> 20)).end();
    if (server) {
        w.start("server");
        if (serverPath)
            w.attr("path", *serverPath);
        w.end();
    }
    if (msi) {
        w.start("msi");
        if (msiVectors)
            w.attr("vectors", msiVectors);
        if (msiIoeventfd)
            w.attr("ioeventfd", onOff(*msiIoeventfd));
        w.end();
    }
    info.format(w, ctx, false, false);
    w.end();
}

} // namespace vh::conf
