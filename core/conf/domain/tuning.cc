#include "conf/domain/tuning.h"

namespace vh::conf {

Result<BlkioTuneDef> BlkioTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    BlkioTuneDef d;
    for (const xmlNode *n : top.all("blkiotune"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void BlkioTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

Result<MemTuneDef> MemTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    MemTuneDef d;
    for (const xmlNode *n : top.all("memtune"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void MemTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

Result<CpuTuneDef> CpuTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    CpuTuneDef d;
    for (const xmlNode *n : top.all("cputune"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void CpuTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

Result<NumaTuneDef> NumaTuneDef::parse(const TopLevel &top, const ParseContext &)
{
    NumaTuneDef d;
    for (const xmlNode *n : top.all("numatune"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void NumaTuneDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

Result<ResourceDef> ResourceDef::parse(const TopLevel &top, const ParseContext &)
{
    ResourceDef d;
    for (const xmlNode *n : top.all("resource"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void ResourceDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
