#include "conf/domain/features.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <libvirt/virterror.h>

namespace vh::conf {

namespace {

constexpr size_t idx(Feature f) { return static_cast<size_t>(f); }

// An unsigned attribute read as C reads it with base 0 ("0x10", "010"), as libvirt does for
// these attributes; messages as Props gives them.
Result<std::optional<unsigned int>> uintAnyBase(const Props &p, const char *name, unsigned flags)
{
    auto raw = p.str(name, flags);
    if (!raw)
        return std::move(raw).error();
    if (!*raw)
        return std::optional<unsigned int>{};
    const std::string &s = **raw;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 0);
    if (s.empty() || errno || *end || end == s.c_str() || s.find('-') != std::string::npos || v > UINT_MAX)
        return p.invalid(name, s, "Expected non-negative integer value");
    return std::optional<unsigned int>{static_cast<unsigned int>(v)};
}

// A tristate switch (state='on|off').
Result<std::optional<bool>> stateOf(const xmlNode *n, unsigned flags)
{
    return Props(n).onOff("state", flags);
}

// Scales value by a libvirt unit suffix to bytes (default: `scale` when no unit is given).
// Error: the unit is unknown (VIR_ERR_INVALID_ARG) or the result overflows.
Result<unsigned long long> scaleBytes(unsigned long long value, const std::optional<std::string> &unit,
                                      unsigned long long scale)
{
    unsigned long long factor = scale;
    if (unit && !unit->empty()) {
        std::string u;
        for (char c : *unit)
            u += static_cast<char>(tolower(static_cast<unsigned char>(c)));
        if (u == "b" || u == "byte" || u == "bytes") {
            factor = 1;
        } else {
            static const char letters[] = "kmgtpe";
            const char *p = u.size() <= 3 ? strchr(letters, u[0]) : nullptr;
            unsigned long long base = 0;
            if (p && *p) {
                if (u.size() == 1 || u.substr(1) == "ib")
                    base = 1024;
                else if (u.substr(1) == "b")
                    base = 1000;
            }
            if (!base)
                return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit->c_str());
            factor = 1;
            for (const char *q = letters; q <= p; q++)
                factor *= base;
        }
    }
    if (factor && value > ULLONG_MAX / factor)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %llu%s", value,
                             unit ? unit->c_str() : "");
    return value * factor;
}

// A non-negative number as libvirt's XPath helpers read it: leading blanks and '+' allowed,
// no sign '-'.
std::optional<unsigned long long> readULL(const std::string &s)
{
    if (s.empty() || s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

// libvirt's short form of a size in bytes: the largest unit that divides it.
std::pair<unsigned long long, const char *> prettySize(unsigned long long bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t u = 0;
    while (bytes && bytes % 1024 == 0 && u + 1 < std::size(units)) {
        bytes /= 1024;
        u++;
    }
    return {bytes, units[u]};
}

Result<void> parseHyperv(FeaturesDef &d, const xmlNode *n)
{
    auto mode = Props(n).enumeration("mode", kHypervMode, PROP_NONE_INVALID);
    if (!mode)
        return std::move(mode).error();
    d.hypervMode = mode->value_or(HypervMode::Custom);
    d.state[idx(Feature::Hyperv)] = true;
    for (const xmlNode *c : xml::Children(n)) {
        const char *name = reinterpret_cast<const char *>(c->name);
        auto f = kHypervFeature.parse(name);
        if (!f)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "unsupported HyperV Enlightenment feature: %s", name);
        auto value = stateOf(c, PROP_REQUIRED);
        if (!value)
            return std::move(value).error();
        bool on = **value;
        d.hyperv[static_cast<size_t>(*f)] = on;
        if (!on)
            continue;
        Props p(c);
        switch (*f) {
        case HypervFeature::Stimer:
            for (const xmlNode *s : xml::Children(c)) {
                if (!xml::is(s, "direct"))
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                         "unsupported Hyper-V stimer feature: %s", reinterpret_cast<const char *>(s->name));
                auto direct = stateOf(s, PROP_REQUIRED);
                if (!direct)
                    return std::move(direct).error();
                d.hypervStimerDirect = *direct;
            }
            break;
        case HypervFeature::Spinlocks: {
            auto retries = uintAnyBase(p, "retries", PROP_REQUIRED);
            if (!retries)
                return std::move(retries).error();
            if (**retries < 0xFFF)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "HyperV spinlock retry count must be at least 4095");
            d.hypervSpinlocks = **retries;
            break;
        }
        case HypervFeature::VendorId: {
            auto value = p.str("value");
            if (!value)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing 'value' attribute for HyperV feature 'vendor_id'");
            if (value->size() > 12)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "HyperV vendor_id value must not be more than 12 characters.");
            if (value->find(',') != std::string::npos)   // it goes to QEMU's command line as is
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "HyperV vendor_id value is invalid");
            d.hypervVendorId = *value;
            break;
        }
        default:
            break;
        }
    }
    return {};
}

Result<void> parseKvm(FeaturesDef &d, const xmlNode *n)
{
    for (const xmlNode *c : xml::Children(n)) {
        const char *name = reinterpret_cast<const char *>(c->name);
        auto f = kKvmFeature.parse(name);
        if (!f)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported KVM feature: %s", name);
        auto value = stateOf(c, PROP_REQUIRED);
        if (!value)
            return std::move(value).error();
        d.kvm[static_cast<size_t>(*f)] = **value;
        if (*f == KvmFeature::DirtyRing && **value) {
            auto size = uintAnyBase(Props(c), "size", PROP_REQUIRED);
            if (!size)
                return std::move(size).error();
            unsigned int s = **size;
            if ((s & (s - 1)) != 0 || s < 1024 || s > 65536)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "dirty ring must be power of 2 and ranges [1024, 65536]");
            d.kvmDirtyRingSize = s;
        }
    }
    d.state[idx(Feature::Kvm)] = true;
    return {};
}

Result<void> parseXen(FeaturesDef &d, const xmlNode *n)
{
    for (const xmlNode *c : xml::Children(n)) {
        const char *name = reinterpret_cast<const char *>(c->name);
        auto f = kXenFeature.parse(name);
        if (!f)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported Xen feature: %s", name);
        auto value = stateOf(c, PROP_REQUIRED);
        if (!value)
            return std::move(value).error();
        d.xen[static_cast<size_t>(*f)] = **value;
        if (*f == XenFeature::Passthrough && **value) {
            auto mode = Props(c).enumeration("mode", kXenPassthroughMode, PROP_NONE_INVALID);
            if (!mode)
                return std::move(mode).error();
            if (*mode)
                d.xenPassthroughMode = **mode;
        }
    }
    d.state[idx(Feature::Xen)] = true;
    return {};
}

Result<void> parseCapabilities(FeaturesDef &d, const xmlNode *n)
{
    auto policy = Props(n).enumeration("policy", kCapsPolicy);
    if (!policy)
        return std::move(policy).error();
    d.capsPolicy = policy->value_or(CapsPolicy::Default);
    for (const xmlNode *c : xml::Children(n)) {
        const char *name = reinterpret_cast<const char *>(c->name);
        auto cap = kProcessCap.parse(name);
        if (!cap)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unexpected capability feature '%s'", name);
        auto value = stateOf(c, 0);
        if (!value)
            return std::move(value).error();
        d.caps[static_cast<size_t>(*cap)] = value->value_or(true);
    }
    return {};
}

Result<void> parseHpt(FeaturesDef &d, const xmlNode *n)
{
    auto resizing = Props(n).enumeration("resizing", kHptResizing, PROP_NONE_INVALID);
    if (!resizing)
        return std::move(resizing).error();
    if (*resizing)
        d.hptResizing = **resizing;
    d.hptMaxPageSizeKiB = 0;
    if (const xmlNode *m = xml::child(n, "maxpagesize")) {
        std::string text = xml::text(m);
        if (!text.empty()) {
            auto failed = [] {
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unable to parse HPT maxpagesize setting");
            };
            auto v = readULL(text);
            if (!v)
                return failed();
            auto bytes = scaleBytes(*v, xml::attr(m, "unit"), 1024);
            if (!bytes)
                return failed();
            d.hptMaxPageSizeKiB = *bytes / 1024 + (*bytes % 1024 ? 1 : 0);
        }
    }
    return {};
}

Result<void> parseTcg(FeaturesDef &d, const xmlNode *n)
{
    d.tcgTbCacheKiB = 0;
    const xmlNode *c = xml::child(n, "tb-cache");
    if (!c || xml::text(c).empty())
        return {};
    auto kib = elementKiB(c, "./tb-cache");
    if (!kib)
        return std::move(kib).error();
    d.tcgTbCacheKiB = *kib;
    return {};
}

// <smm><tseg>: the first one, read once the features are known and only when SMM is on.
Result<void> parseTseg(FeaturesDef &d, const std::vector<const xmlNode *> &features)
{
    if (d.state[idx(Feature::Smm)] != true)
        return {};
    const xmlNode *tseg = nullptr;
    for (const xmlNode *f : features)
        for (const xmlNode *c : xml::Children(f))
            if (!tseg && xml::is(c, "smm"))
                tseg = xml::child(c, "tseg");
    if (!tseg)
        return {};
    std::string text = xml::text(tseg);
    if (text.empty())
        return {};
    const char *xpath = "string(./features/smm/tseg)";
    auto v = readULL(text);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'",
                             text.c_str(), xpath);
    auto bytes = scaleBytes(*v, xml::attr(tseg, "unit"), 1024 * 1024);
    if (!bytes)
        return std::move(bytes).error();
    d.tsegBytes = *bytes;
    return {};
}

} // namespace

bool FeaturesDef::has(Feature f) const
{
    switch (f) {
    case Feature::Capabilities:
        if (capsPolicy != CapsPolicy::Default)
            return true;
        for (const auto &c : caps)
            if (c)
                return true;
        return false;
    case Feature::Ioapic:
        return ioapic != IoapicDriver::None;
    case Feature::Hpt:
        return hptResizing != HptResizing::None || hptMaxPageSizeKiB > 0;
    case Feature::Msrs:
        return msrsUnknown.has_value();
    case Feature::Cfpc:
        return cfpc != CfpcValue::None;
    case Feature::Sbbc:
        return sbbc != SbbcValue::None;
    case Feature::Ibs:
        return ibs != IbsValue::None;
    case Feature::Tcg:
        return tcgTbCacheKiB > 0;
    default:
        return state[idx(f)].has_value();
    }
}

Result<FeaturesDef> FeaturesDef::parse(const TopLevel &top, const ParseContext &)
{
    FeaturesDef d;
    auto all = top.all("features");
    for (const xmlNode *features : all) {
        for (const xmlNode *n : xml::Children(features)) {
            const char *name = reinterpret_cast<const char *>(n->name);
            auto f = kFeature.parse(name);
            if (!f)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unexpected feature '%s'", name);
            Props p(n);
            switch (*f) {
            case Feature::Acpi:
            case Feature::Pae:
            case Feature::Viridian:
            case Feature::Privnet:
                d.state[idx(*f)] = true;
                break;
            case Feature::Hap:
            case Feature::Pvspinlock:
            case Feature::Pmu:
            case Feature::Vmport:
            case Feature::Smm:
            case Feature::Vmcoreinfo: {
                auto s = stateOf(n, 0);
                if (!s)
                    return std::move(s).error();
                d.state[idx(*f)] = s->value_or(true);
                break;
            }
            case Feature::Htm:
            case Feature::NestedHv:
            case Feature::CcfAssist: {
                auto s = stateOf(n, PROP_REQUIRED);
                if (!s)
                    return std::move(s).error();
                d.state[idx(*f)] = **s;
                break;
            }
            case Feature::Apic: {
                auto eoi = p.onOff("eoi");
                if (!eoi)
                    return std::move(eoi).error();
                d.state[idx(*f)] = true;
                d.apicEoi = *eoi;
                break;
            }
            case Feature::Hyperv:
                VH_TRY(parseHyperv(d, n));
                break;
            case Feature::Kvm:
                VH_TRY(parseKvm(d, n));
                break;
            case Feature::Xen:
                VH_TRY(parseXen(d, n));
                break;
            case Feature::Capabilities:
                VH_TRY(parseCapabilities(d, n));
                break;
            case Feature::Gic: {
                auto v = p.enumeration("version", kGicVersion, PROP_NONE_INVALID);
                if (!v)
                    return std::move(v).error();
                d.gicVersion = v->value_or(GicVersion::None);
                d.state[idx(*f)] = true;
                break;
            }
            case Feature::Ioapic: {
                auto v = p.enumeration("driver", kIoapicDriver, PROP_NONE_INVALID);
                if (!v)
                    return std::move(v).error();
                if (*v)
                    d.ioapic = **v;
                break;
            }
            case Feature::Hpt:
                VH_TRY(parseHpt(d, n));
                break;
            case Feature::Msrs: {
                auto v = p.enumeration("unknown", kMsrsUnknown, PROP_REQUIRED);
                if (!v)
                    return std::move(v).error();
                d.msrsUnknown = **v;
                break;
            }
            case Feature::Cfpc: {
                auto v = p.enumeration("value", kCfpcValue, PROP_NONE_INVALID);
                if (!v)
                    return std::move(v).error();
                if (*v)
                    d.cfpc = **v;
                break;
            }
            case Feature::Sbbc: {
                auto v = p.enumeration("value", kSbbcValue, PROP_NONE_INVALID);
                if (!v)
                    return std::move(v).error();
                if (*v)
                    d.sbbc = **v;
                break;
            }
            case Feature::Ibs: {
                auto v = p.enumeration("value", kIbsValue, PROP_NONE_INVALID);
                if (!v)
                    return std::move(v).error();
                if (*v)
                    d.ibs = **v;
                break;
            }
            case Feature::Tcg:
                VH_TRY(parseTcg(d, n));
                break;
            case Feature::Last:
                break;
            }
        }
    }
    VH_TRY(parseTseg(d, all));
    return d;
}

namespace {

template <class E, size_t N>
void formatSwitches(xml::Writer &w, const SwitchArray<E> &values, const EnumTable<E, N> &names)
{
    for (size_t i = 0; i < values.size(); i++)
        if (values[i])
            w.start(names.names[i]).attr("state", onOff(*values[i])).end();
}

} // namespace

void FeaturesDef::format(xml::Writer &w, const FormatContext &) const
{
    bool any = false;
    for (size_t i = 0; i < idx(Feature::Last); i++)
        any |= has(static_cast<Feature>(i));
    if (!any)
        return;
    w.start("features").open();
    for (size_t i = 0; i < idx(Feature::Last); i++) {
        auto f = static_cast<Feature>(i);
        if (!has(f))
            continue;
        std::string_view name = kFeature.name(f);
        switch (f) {
        case Feature::Acpi:
        case Feature::Pae:
        case Feature::Viridian:
        case Feature::Privnet:
            w.start(name).end();
            break;
        case Feature::Hap:
        case Feature::Pvspinlock:
        case Feature::Pmu:
        case Feature::Vmport:
        case Feature::Vmcoreinfo:
        case Feature::Htm:
        case Feature::NestedHv:
        case Feature::CcfAssist:
            w.start(name).attr("state", onOff(*state[i])).end();
            break;
        case Feature::Smm:
            w.start(name).attr("state", onOff(*state[i]));
            if (*state[i] && tsegBytes) {
                auto [value, unit] = prettySize(*tsegBytes);
                w.start("tseg").attr("unit", unit).text(std::to_string(value)).end();
            }
            w.end();
            break;
        case Feature::Apic:
            w.start(name);
            if (apicEoi)
                w.attr("eoi", onOff(*apicEoi));
            w.end();
            break;
        case Feature::Hyperv:
            w.start(name).attr("mode", kHypervMode.name(hypervMode)).open();
            for (size_t h = 0; h < hyperv.size(); h++) {
                if (!hyperv[h])
                    continue;
                auto hf = static_cast<HypervFeature>(h);
                bool on = *hyperv[h];
                w.start(kHypervFeature.names[h]).attr("state", onOff(on));
                if (on && hf == HypervFeature::Spinlocks)
                    w.attr("retries", hypervSpinlocks);
                if (on && hf == HypervFeature::VendorId)
                    w.attr("value", hypervVendorId);
                if (on && hf == HypervFeature::Stimer && hypervStimerDirect == true)
                    w.start("direct").attr("state", "on").end();
                w.end();
            }
            w.end();
            break;
        case Feature::Kvm:
            w.start(name).open();
            for (size_t k = 0; k < kvm.size(); k++) {
                if (!kvm[k])
                    continue;
                w.start(kKvmFeature.names[k]).attr("state", onOff(*kvm[k]));
                if (*kvm[k] && static_cast<KvmFeature>(k) == KvmFeature::DirtyRing)
                    w.attr("size", kvmDirtyRingSize);
                w.end();
            }
            w.end();
            break;
        case Feature::Xen:
            w.start(name).open();
            for (size_t x = 0; x < xen.size(); x++) {
                if (!xen[x])
                    continue;
                w.start(kXenFeature.names[x]).attr("state", onOff(*xen[x]));
                if (*xen[x] && static_cast<XenFeature>(x) == XenFeature::Passthrough &&
                    xenPassthroughMode != XenPassthroughMode::Default)
                    w.attr("mode", kXenPassthroughMode.name(xenPassthroughMode));
                w.end();
            }
            w.end();
            break;
        case Feature::Capabilities:
            w.start(name).attr("policy", kCapsPolicy.name(capsPolicy));
            formatSwitches(w, caps, kProcessCap);
            w.end();
            break;
        case Feature::Gic:
            w.start(name);
            if (gicVersion != GicVersion::None)
                w.attr("version", kGicVersion.name(gicVersion));
            w.end();
            break;
        case Feature::Ioapic:
            w.start(name).attr("driver", kIoapicDriver.name(ioapic)).end();
            break;
        case Feature::Hpt:
            w.start(name);
            if (hptResizing != HptResizing::None)
                w.attr("resizing", kHptResizing.name(hptResizing));
            if (hptMaxPageSizeKiB)
                w.start("maxpagesize").attr("unit", "KiB").text(std::to_string(hptMaxPageSizeKiB)).end();
            w.end();
            break;
        case Feature::Msrs:
            w.start(name).attr("unknown", kMsrsUnknown.name(*msrsUnknown)).end();
            break;
        case Feature::Cfpc:
            w.start(name).attr("value", kCfpcValue.name(cfpc)).end();
            break;
        case Feature::Sbbc:
            w.start(name).attr("value", kSbbcValue.name(sbbc)).end();
            break;
        case Feature::Ibs:
            w.start(name).attr("value", kIbsValue.name(ibs)).end();
            break;
        case Feature::Tcg:
            w.start(name);
            w.start("tb-cache").attr("unit", "KiB").text(std::to_string(tcgTbCacheKiB)).end();
            w.end();
            break;
        case Feature::Last:
            break;
        }
    }
    w.end();
}

} // namespace vh::conf
