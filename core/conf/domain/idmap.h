// <idmap>: how a container's user and group ids map onto the host's.
#pragma once

#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

struct IdmapEntry {
    unsigned int start = 0, target = 0, count = 0;
};

struct IdmapDef {
    std::vector<IdmapEntry> uids, gids;     // sorted by start, as libvirt keeps them

    static Result<IdmapDef> parse(const TopLevel &top, const ParseContext &ctx);
    // Both maps or none, and each maps the container's root.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
