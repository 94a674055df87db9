// <iommu>: the guest's IOMMU (model and the <driver> attributes of the intel model).
#pragma once

#include <optional>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class IommuModel { Intel, Smmuv3, Virtio, Last };
VH_ENUM_TABLE(kIommuModel, IommuModel, "intel", "smmuv3", "virtio");

struct IommuDef {
    IommuModel model = IommuModel::Intel;
    std::optional<bool> intremap, cachingMode, eim, iotlb;   // <driver> (on/off)
    unsigned int awBits = 0;                                   // 0: not set
    DeviceInfo info;

    static Result<IommuDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // One IOMMU; which models take driver attributes and an address; eim needs intremap.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
