// <seclabel>s (the domain's security labels, one per security model), <keywrap> (s390 key
// wrapping ciphers) and <launchSecurity> (AMD SEV, s390 protected virtualization).
// Per-device seclabels belong to their devices.
//
// libvirt reads the seclabels early, <launchSecurity> after the devices and <keywrap> last:
// parseSeclabels, parseLaunchSecurity and parseKeywrap; parse() runs all three.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

enum class SeclabelType { Default, None, Dynamic, Static, Last };
VH_ENUM_TABLE(kSeclabelType, SeclabelType, "default", "none", "dynamic", "static");

struct SeclabelDef {
    std::optional<std::string> model;
    SeclabelType type = SeclabelType::Default;   // Default (type= absent) is not printed
    bool relabel = true;
    std::optional<std::string> label, imagelabel, baselabel;
};

enum class LaunchSecurityType { None, Sev, S390Pv, Last };
VH_ENUM_TABLE(kLaunchSecurityType, LaunchSecurityType, "none", "sev", "s390-pv");

struct LaunchSecurityDef {
    LaunchSecurityType type = LaunchSecurityType::None;
    // sev
    std::optional<bool> kernelHashes;
    unsigned int policy = 0;
    std::optional<unsigned int> cbitpos, reducedPhysBits;
    std::string dhCert, session;
};

struct SecurityDef {
    std::vector<SeclabelDef> seclabels;
    std::optional<bool> keywrapAes, keywrapDea;   // cipher state='on|off'
    std::optional<LaunchSecurityDef> launchSecurity;

    // All three steps.
    static Result<SecurityDef> parse(const TopLevel &top, const ParseContext &ctx);
    Result<void> parseSeclabels(const TopLevel &top, const ParseContext &ctx);
    Result<void> parseLaunchSecurity(const TopLevel &top, const ParseContext &ctx);
    Result<void> parseKeywrap(const TopLevel &top, const ParseContext &ctx);

    // <seclabel>s, <keywrap>, <launchSecurity> (the end of <domain>).
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
