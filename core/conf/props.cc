#include "conf/props.h"

#include <cstring>

#include <libvirt/virterror.h>

namespace vh::conf {

Error Props::invalid(const char *name, const std::string &value, const char *expected) const
{
    return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute '%s' in element '%s': '%s'.%s%s",
                         name, element(), value.c_str(), *expected ? " " : "", expected);
}

Error Props::missing(const char *name) const
{
    return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Missing required attribute '%s' in element '%s'", name, element());
}

Result<std::optional<std::string>> Props::str(const char *name, unsigned flags) const
{
    auto v = xml::attr(node_, name);
    if (!v && (flags & PROP_REQUIRED))
        return missing(name);
    return v;
}

namespace {
// libvirt's numeric messages drop the trailing period of the generic one.
Error numeric(const Props &p, const char *name, const std::string &value, const char *expected)
{
    Error e = p.invalid(name, value, "");
    e.message.pop_back();
    e.message += ". ";
    e.message += expected;
    return e;
}
} // namespace

Result<std::optional<unsigned long long>> Props::ull(const char *name, unsigned flags) const
{
    auto raw = str(name, flags);
    if (!raw)
        return std::move(raw).error();
    if (!*raw)
        return std::optional<unsigned long long>{};
    auto v = xml::toULL(**raw, flags & PROP_HEX);
    if (!v)
        return numeric(*this, name, **raw, "Expected non-negative integer value");
    if ((flags & PROP_NONZERO) && *v == 0)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute '%s' in element '%s': Zero is not permitted",
                             name, element());
    return std::optional<unsigned long long>{*v};
}

Result<std::optional<unsigned int>> Props::uint(const char *name, unsigned flags) const
{
    auto v = ull(name, flags);
    if (!v)
        return std::move(v).error();
    if (!*v)
        return std::optional<unsigned int>{};
    if (**v > 0xffffffffull)
        return numeric(*this, name, *str(name), "Expected non-negative integer value");
    return std::optional<unsigned int>{static_cast<unsigned int>(**v)};
}

Result<std::optional<int>> Props::sint(const char *name, unsigned flags) const
{
    auto raw = str(name, flags);
    if (!raw)
        return std::move(raw).error();
    if (!*raw)
        return std::optional<int>{};
    auto v = xml::toLL(**raw);
    if (!v || *v < INT32_MIN || *v > INT32_MAX)
        return numeric(*this, name, **raw, "Expected integer value");
    if ((flags & PROP_NONZERO) && *v == 0)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value for attribute '%s' in element '%s': Zero is not permitted",
                             name, element());
    return std::optional<int>{static_cast<int>(*v)};
}

namespace {
Result<std::optional<bool>> pair(const Props &p, const char *name, unsigned flags, const char *yes, const char *no)
{
    auto raw = p.str(name, flags);
    if (!raw)
        return std::move(raw).error();
    if (!*raw)
        return std::optional<bool>{};
    if (**raw == yes)
        return std::optional<bool>{true};
    if (**raw == no)
        return std::optional<bool>{false};
    return p.invalid(name, **raw, "");
}
} // namespace

Result<std::optional<bool>> Props::yesNo(const char *name, unsigned flags) const
{
    return pair(*this, name, flags, "yes", "no");
}

Result<std::optional<bool>> Props::onOff(const char *name, unsigned flags) const
{
    return pair(*this, name, flags, "on", "off");
}

Result<unsigned long long> elementULL(const xmlNode *n, const std::string &xpath)
{
    std::string value = xml::text(n);
    auto v = xml::toULL(value);
    if (!v)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'",
                             value.c_str(), xpath.c_str());
    return *v;
}

Result<unsigned long long> elementKiB(const xmlNode *n, const std::string &xpath)
{
    auto v = elementULL(n, xpath);
    if (!v)
        return v;
    std::string value = xml::text(n);
    std::string unit = xml::attr(n, "unit").value_or("KiB");
    static const char *const known[] = {"b", "bytes", "k", "kib", "kb", "m", "mib", "mb", "g", "gib", "gb",
                                        "t", "tib", "tb", "p", "pib", "pb", "e", "eib", "eb"};
    std::string lower;
    for (char c : unit)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    bool ok = false;
    for (const char *k : known)
        ok |= lower == k;
    if (!ok)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit.c_str());
    auto kib = xml::scaleToKiB(*v, unit);
    if (!kib || *kib > (1ull << 53) / 1024 * 1024)   // libvirt caps sizes at what a double holds
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %s%s", value.c_str(), unit.c_str());
    return *kib;
}

} // namespace vh::conf
