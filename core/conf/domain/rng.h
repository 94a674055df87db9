// <rng>: a random number generator (model, rate, backend random/egd/builtin, virtio driver
// options, address).
#pragma once

#include <string>

#include "conf/domain/chardev.h"
#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class RngModel { Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kRngModel, RngModel, "virtio", "virtio-transitional", "virtio-non-transitional");

enum class RngBackend { Random, Egd, Builtin, Last };
VH_ENUM_TABLE(kRngBackend, RngBackend, "random", "egd", "builtin");

struct RngDef {
    RngModel model = RngModel::Virtio;
    unsigned int rateBytes = 0;         // <rate bytes period/>; 0: no limit
    unsigned int ratePeriod = 0;
    RngBackend backend = RngBackend::Random;
    std::string file;                   // random: the host device (default /dev/random)
    ChardevSource egd;                  // egd: where the daemon is
    VirtioOptions virtio;
    DeviceInfo info;

    static Result<RngDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // The egd backend's host side.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
