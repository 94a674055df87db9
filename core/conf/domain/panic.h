// <panic>: the guest's panic notifier (model, address).
#pragma once

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class PanicModel { Default, Isa, Pseries, Hyperv, S390, Last };
VH_ENUM_TABLE(kPanicModel, PanicModel, "default", "isa", "pseries", "hyperv", "s390");

struct PanicDef {
    PanicModel model = PanicModel::Default;
    DeviceInfo info;

    static Result<PanicDef> parse(const xmlNode *n, const ParseContext &ctx);
    // Nothing at all for a panic without model and address (libvirt drops the empty element).
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    // What libvirt refuses while reading or post-parsing the document (before any driver
    // rule); validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // One panic per model.
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
