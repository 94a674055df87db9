#include "conf/domain/address.h"

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {
Result<unsigned int> number(const xmlNode *n, const char *name)
{
    auto v = xml::attr(n, name);
    if (!v)
        return 0u;
    auto parsed = xml::toULL(*v, true);
    if (!parsed || *parsed > 0xffffffffull)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR,
                             "Invalid value for attribute '%s' in element 'address': '%s'. Expected non-negative integer value",
                             name, v->c_str());
    return static_cast<unsigned int>(*parsed);
}
} // namespace

Result<DeviceAddress> DeviceAddress::parse(const xmlNode *device)
{
    DeviceAddress a;
    const xmlNode *n = xml::child(device, "address");
    if (!n)
        return a;
    auto type = xml::attr(n, "type");
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "No type specified for device address");
    a.type = *type;
    if (a.type == "pci") {
        for (auto [field, name] : {std::pair{&a.domain, "domain"}, {&a.bus, "bus"}, {&a.slot, "slot"}, {&a.function, "function"}}) {
            auto v = number(n, name);
            if (!v)
                return std::move(v).error();
            *field = *v;
        }
        a.multifunction = xml::attr(n, "multifunction").value_or("");
    } else if (a.type == "drive") {
        for (auto [field, name] : {std::pair{&a.controller, "controller"}, {&a.bus, "bus"}, {&a.target, "target"}, {&a.unit, "unit"}}) {
            auto v = number(n, name);
            if (!v)
                return std::move(v).error();
            *field = *v;
        }
    }
    return a;
}

void DeviceAddress::format(xml::Writer &w) const
{
    if (empty())
        return;
    w.start("address").attr("type", type);
    if (type == "pci") {
        w.hexAttr("domain", domain, 4).hexAttr("bus", bus, 2).hexAttr("slot", slot, 2).hexAttr("function", function, 1);
        if (!multifunction.empty())
            w.attr("multifunction", multifunction);
    } else if (type == "drive") {
        w.attr("controller", controller).attr("bus", bus).attr("target", target).attr("unit", unit);
    }
    w.end();
}

} // namespace vh::conf
