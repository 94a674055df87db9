// <shmem>: shared memory between guests and the host (name, role, model, size, server, msi,
// address).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class ShmemModel { Ivshmem, IvshmemPlain, IvshmemDoorbell, Last };
VH_ENUM_TABLE(kShmemModel, ShmemModel, "ivshmem", "ivshmem-plain", "ivshmem-doorbell");

enum class ShmemRole { Default, Master, Peer, Last };
VH_ENUM_TABLE(kShmemRole, ShmemRole, "default", "master", "peer");

struct ShmemDef {
    std::string name;
    ShmemModel model = ShmemModel::Ivshmem;
    ShmemRole role = ShmemRole::Default;
    unsigned long long size = 0;        // bytes; 0: not set
    bool server = false;
    std::optional<std::string> serverPath;
    bool msi = false;
    unsigned int msiVectors = 0;
    std::optional<bool> msiIoeventfd;
    DeviceInfo info;

    static Result<ShmemDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // Names that cannot name a host object.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
