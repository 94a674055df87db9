// A network filter (<filter>): rules over every protocol libvirt knows (mac, vlan, stp, arp,
// rarp, ip, ipv6, tcp, udp, udplite, esp, ah, sctp, icmp, igmp, all and their -ipv6 forms) and
// references to other filters with parameters, read and written as libvirt 9.0.0 does (its
// nwfilter_conf): each attribute by its table of data types, variables ($NAME, $NAME[i],
// $NAME[@i]), match='no', and the fix-ups libvirt applies after parsing a rule.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/network/netdev.h"
#include "util/result.h"

namespace vh::conf {

enum class NWFilterAction { Drop, Accept, Reject, Return, Continue, Last };
VH_ENUM_TABLE(kNWFilterAction, NWFilterAction, "drop", "accept", "reject", "return", "continue");

enum class NWFilterDirection { In, Out, InOut, Last };
VH_ENUM_TABLE(kNWFilterDirection, NWFilterDirection, "in", "out", "inout");

// <parameter name= value=/> of a <filterref>: values per name, names sorted as libvirt prints them.
using NWFilterParams = std::map<std::string, std::vector<std::string>>;

// Reads the <parameter> children of a <filterref>; libvirt silently skips any with a missing or
// invalid name or value.
NWFilterParams parseNWFilterParams(const xmlNode *filterref);
void formatNWFilterParams(std::string &out, const NWFilterParams &params, int depth);

// One attribute's value (libvirt's nwItemDesc).
struct NWFilterItem {
    bool exists = false, negated = false, hasVar = false;
    unsigned datatype = 0;          // the data type it was read as
    unsigned long long num = 0;     // integers, booleans, mask bits, state/tcp flags
    unsigned long long mask = 0;    // tcp flags: the mask part
    net::SockAddr addr;
    net::Mac mac{};
    std::string str;                // comment, ipset name
    std::vector<bool> ipsetFlags;   // true: dst
    // $name, $name[index], $name[@iterator]
    std::string varName;
    bool varElement = false;
    unsigned int varIndex = 0;
};

struct NWFilterRule {
    NWFilterAction action = NWFilterAction::Drop;
    NWFilterDirection direction = NWFilterDirection::In;
    int priority = 500;
    bool noStateMatch = false;
    int protocol = -1;                   // index in the protocol table; -1: none
    std::vector<NWFilterItem> items;     // one per attribute of the protocol's table
};

struct NWFilterRef {
    std::string filter;
    NWFilterParams params;
};

struct NWFilterEntry {
    std::optional<NWFilterRule> rule;
    std::optional<NWFilterRef> ref;
};

struct NWFilterDef {
    std::string name;
    std::string chain = "root";
    int chainPriority = 0;
    std::array<unsigned char, 16> uuid{};
    std::vector<NWFilterEntry> entries;
};

Result<std::unique_ptr<NWFilterDef>> parseNWFilter(std::string_view xml, unsigned int flags);
std::string formatNWFilter(const NWFilterDef &def, unsigned int flags);

} // namespace vh::conf
