// Which definitions a call with VIR_DOMAIN_AFFECT_* flags changes: the running one, the
// persistent config, or both (CURRENT: the running one when active, else the config).
#pragma once

#include <utility>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv {

// {live, config}, either null when not affected. Obj is a driver's domain object: active(),
// persistent, keepConfig() (a running domain's config starts as a copy) and config().
template <class Obj>
Result<std::pair<conf::DomainDef *, conf::DomainDef *>> affectedDefs(Obj &obj, unsigned int flags)
{
    bool live = flags & VIR_DOMAIN_AFFECT_LIVE;
    bool config = flags & VIR_DOMAIN_AFFECT_CONFIG;
    if (!live && !config) {
        live = obj.active();
        config = !live;
    }
    if (live && !obj.active())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain is not running");
    if (config && !obj.persistent)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "transient domains do not have any persistent config");
    conf::DomainDef *cfg = nullptr;
    if (config) {
        if (obj.active())
            obj.keepConfig();
        cfg = &obj.config();
    }
    return std::pair{live ? obj.def.get() : nullptr, cfg};
}

} // namespace vh::drv
