// The pieces libvirt's network documents share (<network>, <networkport>, <filterbinding>,
// host <interface>): numbers read the way libvirt's virStrToLong_* read them, socket
// addresses, MAC addresses, and the <bandwidth>, <vlan>, <virtualport> and <port> elements.
// The domain's <interface> uses the same elements and may use these models too.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>

#include <libxml/tree.h>

#include "conf/props.h"
#include "conf/xml.h"
#include "util/result.h"

namespace vh::conf::net {

// ---- numbers, as libvirt's virStrToLong_* (leading blanks allowed, no trailing garbage)

// strtoul into an unsigned int; "-N" wraps (libvirt allows "-1" for UINT_MAX).
std::optional<unsigned int> strToUI(const std::string &s, int base = 10);
// strtoul into an unsigned long; "-N" wraps.
std::optional<unsigned long> strToUL(const std::string &s, int base = 10);
// strtoull refusing any '-'.
std::optional<unsigned long long> strToULLp(const std::string &s, int base = 10);
// strtoul into an unsigned int refusing any '-'.
std::optional<unsigned int> strToUIp(const std::string &s, int base = 10);
std::optional<int> strToI(const std::string &s, int base = 10);
// virXPathUInt/ULong over an attribute: absent or empty is Absent; a bad value is an error
// the caller words.
enum class NumRead { Absent, Ok, Bad };
NumRead readUI(const xmlNode *n, const char *attr, unsigned int &out);
NumRead readUL(const xmlNode *n, const char *attr, unsigned long &out);

// An attribute as libvirt's XPath string() reads it: absent and empty are both nullopt.
std::optional<std::string> xpathAttr(const xmlNode *n, const char *name);
// The first element child in no namespace called name (what "./name" selects), or nullptr.
const xmlNode *firstChild(const xmlNode *parent, const char *name);

// ---- socket addresses (virSocketAddr)

struct SockAddr {
    int family = AF_UNSPEC;
    in_addr v4{};
    in6_addr v6{};

    bool valid() const { return family != AF_UNSPEC; }
    bool isFamily(int f) const { return family == f; }
    std::string format() const;
    bool operator==(const SockAddr &o) const;
    bool isWildcard() const;
};

// getaddrinfo(AI_NUMERICHOST) as libvirt does; family AF_UNSPEC, AF_INET or AF_INET6.
bool parseAddr(const std::string &s, SockAddr &out, int family = AF_UNSPEC);
// libvirt's error for a failed parse: VIR_ERR_SYSTEM_ERROR "Cannot parse socket address ...".
Error addrError(const std::string &s, int family = AF_UNSPEC);
// virSocketAddrGetIPPrefix: the prefix, or the netmask's bits, or the natural (class) prefix;
// -1 when there is none.
int ipPrefix(const SockAddr &address, const SockAddr *netmask, int prefix);
// Bits of a contiguous netmask, -1 otherwise.
int netmaskBits(const SockAddr &netmask);
SockAddr maskByPrefix(const SockAddr &addr, unsigned int prefix);
SockAddr maskBy(const SockAddr &addr, const SockAddr &netmask);
// virSocketAddrGetRange: the size of start..end, with libvirt's errors (start/end within
// net/prefix when net is given).
Result<long> addrRange(const SockAddr &start, const SockAddr &end, const SockAddr *net, int prefix);

// ---- MAC addresses

using Mac = std::array<uint8_t, 6>;
std::optional<Mac> parseMac(const std::string &s);
std::string formatMac(const Mac &m);
inline bool isMulticast(const Mac &m) { return m[0] & 1; }

// ---- PCI addresses (<address domain= bus= slot= function=/>)

struct PciAddress {
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;
    bool operator==(const PciAddress &o) const = default;
};
// virPCIDeviceAddressParseXML: numbers in any base, libvirt's range checks.
Result<PciAddress> parsePciAddress(const xmlNode *n);
void formatPciAddress(xml::Writer &w, const PciAddress &a, bool withType);

// ---- <bandwidth>

struct BandwidthRate {
    unsigned long long average = 0, peak = 0, floor = 0, burst = 0;
};

struct Bandwidth {
    std::optional<BandwidthRate> in, out;
    std::optional<unsigned int> classID;

    // nullopt when the element names no <inbound>/<outbound>. allowFloor: <inbound floor>
    // is accepted (network ports and guests' interfaces on a network); allowClassID: the
    // classID attribute is (network ports).
    static Result<std::optional<Bandwidth>> parse(const xmlNode *n, bool allowFloor, bool allowClassID = false);
    void format(xml::Writer &w) const;
};

// ---- <vlan>

struct Vlan {
    std::vector<unsigned int> tags;
    bool trunk = false;
    int nativeMode = 0;          // 0 none, 1 tagged, 2 untagged
    unsigned int nativeTag = 0;

    static Result<Vlan> parse(const xmlNode *n);
    void format(xml::Writer &w) const;
};

// ---- <virtualport>

enum class VPortType { None, Qbg, Qbh, OpenVSwitch, Midonet, Last };
VH_ENUM_TABLE(kVPortType, VPortType, "none", "802.1Qbg", "802.1Qbh", "openvswitch", "midonet");

struct VirtualPort {
    VPortType type = VPortType::None;
    std::optional<unsigned int> managerID, typeID, typeIDVersion;
    std::optional<std::array<unsigned char, 16>> instanceID, interfaceID;
    std::string profileID;

    enum ParseFlags : unsigned {
        REQUIRE_TYPE = 1u << 0,
    };
    // nullopt for an element with neither a type nor parameters.
    static Result<std::optional<VirtualPort>> parse(const xmlNode *n, unsigned flags);
    void format(xml::Writer &w) const;
    bool anySpecified() const
    {
        return managerID || typeID || typeIDVersion || instanceID || interfaceID || !profileID.empty();
    }
};

// ---- <port isolated='yes|no'/>

struct PortOptions {
    std::optional<bool> isolated;
    static Result<PortOptions> parse(const xmlNode *n);
    void format(xml::Writer &w) const;
};

} // namespace vh::conf::net
