// A secret (<secret>): its identity, whether it lives only in memory (ephemeral) and whether
// its value may be read back (private), a description, and what it is used for (<usage>).
// The value itself is never part of the document.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "conf/props.h"
#include "util/result.h"

namespace vh::conf {

// virSecretUsageType
enum class SecretUsageType { None, Volume, Ceph, Iscsi, Tls, Vtpm, Last };
VH_ENUM_TABLE(kSecretUsageType, SecretUsageType, "none", "volume", "ceph", "iscsi", "tls", "vtpm");

struct SecretDef {
    bool ephemeral = false;
    bool isPrivate = false;
    unsigned char uuid[16] = {};
    std::string description;
    SecretUsageType usageType = SecretUsageType::None;
    // the volume path (volume), the IQN (iscsi) or the name (ceph, tls, vtpm)
    std::string usageId;

    // The element <usage> holds usageId in.
    static const char *usageElement(SecretUsageType t);
};

// parse -> post-parse (a missing UUID is generated). libvirt makes all its checks while
// reading, so there is no separate validation.
Result<std::unique_ptr<SecretDef>> parseSecret(std::string_view xml, unsigned int flags);
std::string formatSecret(const SecretDef &def, unsigned int flags);

} // namespace vh::conf
