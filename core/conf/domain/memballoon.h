// <memballoon>: the memory balloon device (model, autodeflate, freePageReporting, stats
// period, virtio <driver> options, address).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/chardev.h"
#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct MemballoonDef {
    std::string model;          // virtio, xen, none, virtio-transitional, virtio-non-transitional
    std::optional<bool> autodeflate;
    std::optional<bool> freePageReporting;
    int statsPeriod = 0;        // <stats period='N'/>, seconds; 0: not set
    VirtioOptions virtio;
    DeviceInfo info;

    static Result<MemballoonDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // At most one balloon.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
