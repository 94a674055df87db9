// <lease>: a lock manager lease the domain holds (libvirt's virDomainLeaseDef).
#pragma once

#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct LeaseDef {
    std::string lockspace;
    std::string key;
    std::string path;
    unsigned long long offset = 0;
    DeviceInfo info;                 // a lease has none; kept for the device iterators

    static Result<LeaseDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
