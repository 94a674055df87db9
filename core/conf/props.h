// Reading XML values the way libvirt's virXMLProp* helpers do, with libvirt's messages:
//
//   Invalid value for attribute 'cache' in element 'driver': 'zz'.
//   Invalid value for attribute 'order' in element 'boot': 'x'. Expected non-negative integer value
//   Invalid value for attribute 'order' in element 'boot': Zero is not permitted
//   Missing required attribute 'model' in element 'memballoon'
//
// (VIR_ERR_XML_ERROR in VIR_FROM_XML). Enums are tables of libvirt's names, as VIR_ENUM_IMPL.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <libxml/tree.h>

#include "conf/xml.h"
#include "util/result.h"

namespace vh::conf {

// libvirt's names of an enum's values, in the order of its members (E(0), E(1), ...).
template <class E, size_t N>
struct EnumTable {
    std::array<std::string_view, N> names;

    constexpr std::optional<E> parse(std::string_view s) const
    {
        for (size_t i = 0; i < N; i++)
            if (names[i] == s)
                return static_cast<E>(i);
        return std::nullopt;
    }
    constexpr std::string_view name(E e) const { return names[static_cast<size_t>(e)]; }
    static constexpr size_t size() { return N; }
};

// VH_ENUM_TABLE(kDiskBus, DiskBus, "none", "ide", ...): the table for enum DiskBus, whose
// last member must be Last (checked at compile time).
#define VH_ENUM_TABLE(var, E, ...)                                                                  \
    inline constexpr ::vh::conf::EnumTable<E, std::size(std::initializer_list<std::string_view>{__VA_ARGS__})> \
        var{{__VA_ARGS__}};                                                                         \
    static_assert(var.size() == static_cast<size_t>(E::Last), #var " must name every member of " #E)

// How an attribute's absence or a zero is treated.
enum PropFlags : unsigned {
    PROP_REQUIRED = 1u << 0,   // "Missing required attribute ..."
    PROP_NONZERO = 1u << 1,    // "... Zero is not permitted"
    PROP_HEX = 1u << 2,        // "0x" prefixes allowed (addresses)
    PROP_NONE_INVALID = 1u << 3, // enums: the value at index 0 (usually "none"/"default") is refused
};

// The attributes of one element.
class Props {
public:
    explicit Props(const xmlNode *n) : node_(n) {}

    std::optional<std::string> str(const char *name) const { return xml::attr(node_, name); }
    Result<std::optional<std::string>> str(const char *name, unsigned flags) const;
    Result<std::optional<unsigned int>> uint(const char *name, unsigned flags = 0) const;
    Result<std::optional<int>> sint(const char *name, unsigned flags = 0) const;
    Result<std::optional<unsigned long long>> ull(const char *name, unsigned flags = 0) const;
    // yes/no (virTristateBool) and on/off (virTristateSwitch)
    Result<std::optional<bool>> yesNo(const char *name, unsigned flags = 0) const;
    Result<std::optional<bool>> onOff(const char *name, unsigned flags = 0) const;

    template <class E, size_t N>
    Result<std::optional<E>> enumeration(const char *name, const EnumTable<E, N> &table, unsigned flags = 0) const
    {
        auto raw = str(name, flags);
        if (!raw)
            return std::move(raw).error();
        if (!*raw)
            return std::optional<E>{};
        auto e = table.parse(**raw);
        if (!e || ((flags & PROP_NONE_INVALID) && static_cast<size_t>(*e) == 0))
            return invalid(name, **raw, "");
        return std::optional<E>{*e};
    }

    // The errors, for values read some other way.
    Error invalid(const char *name, const std::string &value, const char *expected) const;
    Error missing(const char *name) const;

private:
    const char *element() const { return reinterpret_cast<const char *>(node_->name); }
    const xmlNode *node_;
};

// Formats a tristate as libvirt does ("yes"/"no", "on"/"off").
inline const char *yesNo(bool b) { return b ? "yes" : "no"; }
inline const char *onOff(bool b) { return b ? "on" : "off"; }

// An element's text as an unsigned number; libvirt's message names it by an XPath
// ("Invalid value 'x' for element or attribute './memtune/hard_limit[1]'").
Result<unsigned long long> elementULL(const xmlNode *n, const std::string &xpath);

// A size element (<memory unit='MiB'>512</memory>) scaled to KiB, with libvirt's unit and
// overflow errors.
Result<unsigned long long> elementKiB(const xmlNode *n, const std::string &xpath);

} // namespace vh::conf
