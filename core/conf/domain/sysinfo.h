// <sysinfo>: what the guest's firmware reports (type='smbios': BIOS, system, base boards,
// chassis, OEM strings; type='fwcfg': QEMU firmware config entries). A domain may have several.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

enum class SysinfoType { Smbios, Fwcfg, Last };
VH_ENUM_TABLE(kSysinfoType, SysinfoType, "smbios", "fwcfg");

// The <entry name=...> values of one block, in libvirt's order of names; "" is unset.
template <size_t N>
using SysinfoEntries = std::array<std::string, N>;

inline constexpr std::array<const char *, 4> kSysinfoBiosNames{"vendor", "version", "date", "release"};
inline constexpr std::array<const char *, 7> kSysinfoSystemNames{"manufacturer", "product", "version", "serial",
                                                                 "uuid", "sku", "family"};
inline constexpr std::array<const char *, 6> kSysinfoBaseBoardNames{"manufacturer", "product", "version",
                                                                    "serial", "asset", "location"};
inline constexpr std::array<const char *, 5> kSysinfoChassisNames{"manufacturer", "version", "serial", "asset", "sku"};

struct FwcfgEntry {
    std::string name;
    std::optional<std::string> value, file;   // file wins when both are given
};

struct SysinfoBlock {
    SysinfoType type = SysinfoType::Smbios;
    std::optional<SysinfoEntries<4>> bios;
    std::optional<SysinfoEntries<7>> system;           // uuid in canonical form
    std::vector<SysinfoEntries<6>> baseBoards;
    std::optional<SysinfoEntries<5>> chassis;
    std::optional<std::vector<std::string>> oemStrings;
    std::vector<FwcfgEntry> fwcfg;
};

struct SysinfoDef {
    std::vector<SysinfoBlock> blocks;
    // A domain without <uuid> takes the system UUID of its sysinfo (the last one given),
    // applied by postParseAll.
    std::optional<std::array<unsigned char, 16>> adoptUuid;

    static Result<SysinfoDef> parse(const TopLevel &top, const ParseContext &ctx);
    static void postParseAll(DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
