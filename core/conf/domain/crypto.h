// <crypto>: libvirt 9.0.0 does not know virtio-crypto devices: its parser skips the element
// (nothing is kept, checked or printed). The family keeps its place in the device list for
// when a later libvirt is followed.
#pragma once

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct CryptoDef {
    DeviceInfo info;

    static Result<CryptoDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
