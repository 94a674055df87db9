// What every driver keeps of a domain: its definitions, its state and its snapshots. A driver's own domain
// object adds what it needs (a QEMU process, a save image flag, ...).
#pragma once

#include <memory>

#include <libvirt/libvirt.h>

#include "conf/domain/domain_def.h"
#include "drivers/handles.h"
#include "drivers/snapshot_list.h"
#include "util/result.h"
#include "util/uuid.h"

namespace vh::drv {

struct DomainRecord {
    std::unique_ptr<conf::DomainDef> def;      // the running definition, or the config when off
    std::unique_ptr<conf::DomainDef> newDef;   // the config to use after a running domain stops
    int state = VIR_DOMAIN_SHUTOFF;
    int reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    bool persistent = false;   // a config outlives the running guest; set when defined
    bool autostart = false;
    SnapshotList snapshots;

    bool active() const { return def->id >= 0; }
    // The definition a config change or an inactive view applies to.
    conf::DomainDef &config() { return newDef ? *newDef : *def; }
    // While running, the persistent config starts as a copy of the running definition.
    void keepConfig()
    {
        if (!newDef) {
            newDef = std::make_unique<conf::DomainDef>(*def);
            newDef->id = -1;
        }
    }
};

// A new handle on the domain, for the caller.
inline Ref<_virDomain> domainHandle(virConnectPtr conn, const DomainRecord &obj)
{
    return Ref<_virDomain>::adopt(new _virDomain(conn, obj.def->name, obj.def->uuid, obj.def->id));
}

// The error for a handle whose domain the driver no longer has.
inline Error noDomainFor(int errDomain, virDomainPtr dom)
{
    return Error::format(errDomain, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                         uuidFormat(dom->uuid).c_str(), dom->name.c_str());
}

} // namespace vh::drv
