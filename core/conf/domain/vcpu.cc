#include "conf/domain/vcpu.h"

#include <libvirt/virterror.h>

#include "conf/props.h"

namespace vh::conf {

Result<VcpuDef> VcpuDef::parse(const TopLevel &top, const ParseContext &)
{
    VcpuDef d;
    if (const xmlNode *n = top.first("vcpu")) {
        auto max = xml::toULL(xml::text(n));
        if (!max || *max > 0xffffffffull)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "maximum vcpus count must be an integer");
        d.max = d.current = static_cast<unsigned int>(*max);
        Props p(n);
        auto cur = p.uint("current");
        if (!cur)
            return std::move(cur).error();
        if (*cur)
            d.current = **cur;
        d.placement = p.str("placement").value_or("static");
        if (d.placement != "static" && d.placement != "auto")
            return p.invalid("placement", d.placement, "");
        d.cpuset = p.str("cpuset").value_or("");
        if (d.max == 0)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "CPU IDs in <numa> exceed the <vcpu> count");
        if (d.current > d.max)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                               "maximum vCPU count must not be less than current vCPU count");
    }
    for (const xmlNode *n : top.all("vcpus"))
        d.vcpusRaw.push_back(xml::reformat(n, 1));
    return d;
}

void VcpuDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("vcpu").attr("placement", placement);
    if (!cpuset.empty())
        w.attr("cpuset", cpuset);
    if (current != max)
        w.attr("current", current);
    w.text(std::to_string(max)).end();
    for (const std::string &r : vcpusRaw)
        w.raw(r);
}

Result<IothreadsDef> IothreadsDef::parse(const TopLevel &top, const ParseContext &)
{
    IothreadsDef d;
    for (const char *name : {"iothreads", "iothreadids", "defaultiothread"})
        for (const xmlNode *n : top.all(name))
            d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void IothreadsDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
