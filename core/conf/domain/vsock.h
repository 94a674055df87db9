// <vsock>: the guest's vsock device (model, cid auto/address, virtio driver options, address).
#pragma once

#include <optional>

#include "conf/domain/chardev.h"
#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class VsockModel { Default, Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kVsockModel, VsockModel, "default", "virtio", "virtio-transitional", "virtio-non-transitional");

struct VsockDef {
    VsockModel model = VsockModel::Default;
    std::optional<bool> autoCid;      // <cid auto='yes|no'>; post-parse: yes unless an address is given
    unsigned int cid = 0;             // <cid address='N'>; 0: not set
    VirtioOptions virtio;
    DeviceInfo info;

    static Result<VsockDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // One vsock; guest CIDs from 3; virtio options only on virtio models.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
