#include "conf/domain/vcpu.h"

#include <set>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "conf/props.h"

namespace vh::conf {

namespace {
enum class Placement { Static, Auto, Last };
VH_ENUM_TABLE(kPlacement, Placement, "static", "auto");
} // namespace

// ---- <vcpu>, <vcpus>

Result<VcpuDef> VcpuDef::parse(const TopLevel &top, const ParseContext &)
{
    VcpuDef d;
    if (const xmlNode *n = top.first("vcpu")) {
        auto max = num::uint(xml::text(n), true);
        if (!max)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "maximum vcpus count must be an integer");
        d.max = d.current = *max;
        Props p(n);
        auto cur = p.uint("current");
        if (!cur)
            return std::move(cur).error();
        if (*cur)
            d.current = **cur;
        auto placement = p.enumeration("placement", kPlacement);
        if (!placement)
            return std::move(placement).error();
        d.placement = kPlacement.name(placement->value_or(Placement::Static));
        if (d.placement != "auto") {
            if (auto cpuset = xml::attr(n, "cpuset")) {
                auto b = Bitmap::parse(*cpuset);
                if (!b)
                    return std::move(b).error();
                if (b->empty())
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid value of 'cpuset': %s",
                                         cpuset->c_str());
                d.cpuset = std::move(*b);
            }
        }
    }
    for (const xmlNode *list : top.all("vcpus")) {
        for (const xmlNode *c : xml::Children(list)) {
            if (!xml::is(c, "vcpu"))
                continue;
            d.individual = true;
            Props p(c);
            auto id = p.uint("id", PROP_REQUIRED);
            if (!id)
                return std::move(id).error();
            if (**id >= d.max)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "vcpu id '%u' is out of range of maximum vcpu count",
                                     **id);
            if (d.vcpus.size() <= **id)
                d.vcpus.resize(**id + 1);
            VcpuInfo &v = d.vcpus[**id];
            auto enabled = p.yesNo("enabled", PROP_REQUIRED);
            if (!enabled)
                return std::move(enabled).error();
            v.online = **enabled;
            auto hotpluggable = p.yesNo("hotpluggable");
            if (!hotpluggable)
                return std::move(hotpluggable).error();
            v.hotpluggable = *hotpluggable;
            auto order = p.uint("order");
            if (!order)
                return std::move(order).error();
            v.order = order->value_or(0);
        }
    }
    if (d.individual) {
        d.current = 0;
        for (const VcpuInfo &v : d.vcpus)
            d.current += v.online;
    } else if (d.current > d.max) {
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "maximum vCPU count must not be less than current vCPU count");
    }
    return d;
}

unsigned int VcpuDef::maxFrom(const TopLevel &top)
{
    if (const xmlNode *n = top.first("vcpu"))
        if (auto max = num::uint(xml::text(n), true))
            return *max;
    return 1;
}

VcpuInfo VcpuDef::info(unsigned int i) const
{
    VcpuInfo v = i < vcpus.size() ? vcpus[i] : VcpuInfo{};
    if (!individual) {
        v.online = i < current;
    } else {
        unsigned int online = 0;
        for (size_t j = 0; j < vcpus.size() && j < max; j++)
            online += vcpus[j].online;
        if (online != current)   // a driver changed the count: the first `current` are online
            v.online = i < current;
    }
    return v;
}

void VcpuDef::postParseAll(DomainDef &def)
{
    const NumaTuneDef &nt = def.numatune;
    if (nt.specified && nt.placement == NumatunePlacement::Auto && !def.vcpu.cpuset && def.cputune.vcpupins.empty() &&
        !def.cputune.emulatorpin && def.cputune.iothreadpins.empty())
        def.vcpu.placement = "auto";
}

Result<void> VcpuDef::postParseCheckAll(const DomainDef &def)
{
    const VcpuDef &d = def.vcpu;
    for (unsigned int i = 0; i < d.vcpus.size() && i < d.max; i++) {
        VcpuInfo v = d.info(i);
        if (v.hotpluggable == false && !v.online)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "vcpu '%u' is both offline and not hotpluggable", i);
    }
    return {};
}

void VcpuDef::format(xml::Writer &w, const FormatContext &) const
{
    w.start("vcpu").attr("placement", placement);
    if (cpuset && placement != "auto")
        w.attr("cpuset", cpuset->format());
    if (current < max)
        w.attr("current", current);
    w.text(std::to_string(max)).end();
    if (!individual)
        return;
    w.start("vcpus");
    for (unsigned int i = 0; i < max; i++) {
        VcpuInfo v = info(i);
        bool hotpluggable = v.hotpluggable.value_or(!v.online);
        w.start("vcpu").attr("id", i).attr("enabled", yesNo(v.online)).attr("hotpluggable", yesNo(hotpluggable));
        if (v.order)
            w.attr("order", v.order);
        w.end();
    }
    w.end();
}

// ---- <iothreads>, <iothreadids>, <defaultiothread>

Result<IothreadsDef> IothreadsDef::parse(const TopLevel &top, const ParseContext &)
{
    IothreadsDef d;
    unsigned int count = 0;
    if (const xmlNode *n = top.first("iothreads")) {
        std::string text = xml::text(n);
        if (!text.empty()) {
            auto v = num::uint(text);
            if (!v)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid iothreads count '%s'", text.c_str());
            count = *v;
        }
    }
    if (const xmlNode *n = top.first("defaultiothread")) {
        auto min = nonNegativeInt(n, "thread_pool_min");
        if (!min)
            return std::move(min).error();
        auto max = nonNegativeInt(n, "thread_pool_max");
        if (!max)
            return std::move(max).error();
        d.defaultPoolMin = min->value_or(-1);
        d.defaultPoolMax = max->value_or(-1);
    }
    std::set<unsigned int> used;
    for (const xmlNode *list : top.all("iothreadids")) {
        for (const xmlNode *c : xml::Children(list)) {
            if (!xml::is(c, "iothread"))
                continue;
            IothreadIdDef t;
            auto id = Props(c).uint("id", PROP_REQUIRED | PROP_NONZERO);
            if (!id)
                return std::move(id).error();
            t.id = **id;
            auto min = nonNegativeInt(c, "thread_pool_min");
            if (!min)
                return std::move(min).error();
            t.poolMin = min->value_or(-1);
            auto max = nonNegativeInt(c, "thread_pool_max");
            if (!max)
                return std::move(max).error();
            t.poolMax = max->value_or(-1);
            if (!used.insert(t.id).second)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "duplicate iothread id '%u' found", t.id);
            d.ids.push_back(t);
        }
    }
    // <iothreads> asks for more: the lowest free ids, from 1
    unsigned int candidate = 1;
    while (d.ids.size() < count) {
        while (used.count(candidate))
            candidate++;
        IothreadIdDef t;
        t.id = candidate++;
        t.autofill = true;
        d.ids.push_back(t);
    }
    return d;
}

const IothreadIdDef *IothreadsDef::find(unsigned int id) const
{
    for (const IothreadIdDef &t : ids)
        if (t.id == id)
            return &t;
    return nullptr;
}

namespace {
Result<void> checkPool(int min, int max)
{
    if (max == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "thread_pool_max must be a positive integer");
    // libvirt compares even when only the minimum is set (the maximum then counts as -1)
    if (min > max)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                           "thread_pool_min must be smaller or equal to thread_pool_max");
    return {};
}
} // namespace

Result<void> IothreadsDef::validateAll(const DomainDef &def)
{
    for (const IothreadIdDef &t : def.iothreads.ids)
        VH_TRY(checkPool(t.poolMin, t.poolMax));
    return checkPool(def.iothreads.defaultPoolMin, def.iothreads.defaultPoolMax);
}

void IothreadsDef::format(xml::Writer &w, const FormatContext &) const
{
    if (!ids.empty()) {
        w.element("iothreads", std::to_string(ids.size()));
        bool show = false;
        for (const IothreadIdDef &t : ids)
            show |= !t.autofill || t.poolMin >= 0 || t.poolMax >= 0;
        if (show) {
            w.start("iothreadids");
            for (const IothreadIdDef &t : ids) {
                w.start("iothread").attr("id", t.id);
                if (t.poolMin >= 0)
                    w.attr("thread_pool_min", t.poolMin);
                if (t.poolMax >= 0)
                    w.attr("thread_pool_max", t.poolMax);
                w.end();
            }
            w.end();
        }
    }
    if (defaultPoolMin >= 0 || defaultPoolMax >= 0) {
        w.start("defaultiothread");
        if (defaultPoolMin >= 0)
            w.attr("thread_pool_min", defaultPoolMin);
        if (defaultPoolMax >= 0)
            w.attr("thread_pool_max", defaultPoolMax);
        w.end();
    }
}

} // namespace vh::conf
