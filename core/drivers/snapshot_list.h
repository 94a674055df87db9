// A domain's snapshots, as every driver keeps them (libvirt's moment list): a tree by parent
// name, the current snapshot, libvirt's list filters, and what virDomainSnapshotCreateXML
// reads and checks before a driver takes the snapshot.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <libvirt/libvirt.h>

#include "conf/snapshot/snapshot.h"
#include "drivers/handles.h"
#include "util/result.h"

namespace vh::drv {

struct DomainRecord;

// Every VIR_DOMAIN_SNAPSHOT_LIST_* flag.
constexpr unsigned int kSnapshotListFlags = (VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL << 1) - 1;

class SnapshotList {
public:
    conf::SnapshotDef *find(std::string_view name) const;
    // The named one, or libvirt's "no domain snapshot with matching name" in errDomain.
    Result<conf::SnapshotDef *> get(std::string_view name, int errDomain) const;
    conf::SnapshotDef *current() const { return find(current_); }
    void setCurrent(std::string name) { current_ = std::move(name); }
    bool empty() const { return defs_.empty(); }
    size_t size() const { return defs_.size(); }
    // In creation order.
    const std::vector<std::unique_ptr<conf::SnapshotDef>> &all() const { return defs_; }

    // Adds a new snapshot, or replaces the one of the same name (a redefinition).
    conf::SnapshotDef &put(std::unique_ptr<conf::SnapshotDef> def);
    // Drops one snapshot: its children move to its parent, and so does "current".
    void remove(std::string_view name);

    // libvirt's listing: with from null, every snapshot (LIST_ROOTS: the roots only); else
    // from's children (LIST_DESCENDANTS: everything below it). Parents come before their
    // children, the newest child first; then the LEAVES, METADATA, state and location
    // filters, each group keeping what matches one of its flags.
    std::vector<conf::SnapshotDef *> list(const conf::SnapshotDef *from, unsigned int flags) const;
    std::vector<std::string> names(const conf::SnapshotDef *from, unsigned int flags) const;
    bool hasChildren(const conf::SnapshotDef &def) const;

    // What virDomainSnapshotDelete with these flags removes, children before their parents.
    std::vector<std::string> deletion(const conf::SnapshotDef &def, unsigned int flags) const;

private:
    std::vector<conf::SnapshotDef *> children(const conf::SnapshotDef *parent) const;
    void walk(const conf::SnapshotDef *parent, bool deep, std::vector<conf::SnapshotDef *> &out) const;

    std::vector<std::unique_ptr<conf::SnapshotDef>> defs_;
    std::string current_;
};

// How a driver reads a new snapshot's memory. Lenient is libvirt's test driver: what a
// document asks is overruled by the domain's state (its memory is kept while it runs, not
// when shut off), external memory taken as asked. Hypervisor is what a real guest allows:
// no memory asked of a shut-off domain, none refused for a running one, nothing external.
enum class SnapshotMemoryRules { Lenient, Hypervisor };

// virDomainSnapshotCreateXML up to the point where the driver saves the guest: the flags
// checked against obj (a transient domain may not halt), the document read (a redefinition
// with VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE, else a new snapshot of obj as it is now: named by
// its creation time, state, parent, memory and disks filled in, every disk internal) and
// checked against the snapshots obj has.
Result<std::unique_ptr<conf::SnapshotDef>> prepareSnapshot(const DomainRecord &obj, const char *xml,
                                                           const conf::DomainXMLOptions &opts, unsigned int flags,
                                                           SnapshotMemoryRules rules, int errDomain);

// A new handle on a snapshot of dom.
inline Ref<_virDomainSnapshot> snapshotHandle(virDomainPtr dom, const conf::SnapshotDef &def)
{
    return Ref<_virDomainSnapshot>::adopt(new _virDomainSnapshot(dom, def.name));
}

// Whether reverting to def brings the guest back running or paused (its memory was saved).
inline bool snapshotHasMemory(const conf::SnapshotDef &def)
{
    return def.state == conf::SnapshotState::Running || def.state == conf::SnapshotState::Paused;
}

// Whether reverting to def with these VIR_DOMAIN_SNAPSHOT_REVERT_* flags leaves the guest
// running (or paused), and paused.
inline bool revertRuns(const conf::SnapshotDef &def, unsigned int flags)
{
    return snapshotHasMemory(def) || (flags & (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED));
}
inline bool revertPauses(const conf::SnapshotDef &def, unsigned int flags)
{
    return !(flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING) &&
           (def.state == conf::SnapshotState::Paused || (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED));
}

// virDomainUndefineFlags: an inactive domain's snapshots must go with it, and do only with
// VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA (their metadata; a driver keeps none elsewhere).
Result<void> checkUndefineSnapshots(DomainRecord &obj, unsigned int flags, int errDomain);

// What every revert of obj needs: the snapshot's definition, and for a transient domain a
// guest that keeps running (it has no config to fall back to).
Result<void> checkRevert(const DomainRecord &obj, const conf::SnapshotDef &def, unsigned int flags, int errDomain);

} // namespace vh::drv
