// <tpm>: a TPM (model; backend passthrough with its device, emulator with version,
// persistent_state, encryption and active PCR banks, external with its socket).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class TpmModel { Default, Tis, Crb, Spapr, SpaprProxy, Last };
VH_ENUM_TABLE(kTpmModel, TpmModel, "default", "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy");

enum class TpmBackend { Passthrough, Emulator, External, Last };
VH_ENUM_TABLE(kTpmBackend, TpmBackend, "passthrough", "emulator", "external");

enum class TpmVersion { Default, V12, V20, Last };
VH_ENUM_TABLE(kTpmVersion, TpmVersion, "default", "1.2", "2.0");

enum class TpmPcrBank { Sha1, Sha256, Sha384, Sha512, Last };
VH_ENUM_TABLE(kTpmPcrBank, TpmPcrBank, "sha1", "sha256", "sha384", "sha512");

struct TpmDef {
    TpmModel model = TpmModel::Default;
    TpmBackend backend = TpmBackend::Passthrough;
    std::string path;                   // passthrough: the host device; external: the socket
    TpmVersion version = TpmVersion::Default;       // emulator
    bool persistentState = false;                   // emulator
    std::string secretUuid;                         // emulator: <encryption secret=.../>
    unsigned int pcrBanks = 0;                      // emulator: bit per TpmPcrBank
    DeviceInfo info;

    static Result<TpmDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // Active PCR banks need a TPM 2.0.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
