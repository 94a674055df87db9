#include "drivers/snapshot_list.h"

#include <algorithm>
#include <ctime>

#include <libvirt/virterror.h>

#include "drivers/domain_obj.h"
#include "util/uuid.h"

namespace vh::drv {

using conf::SnapshotDef;
using conf::SnapshotLocation;
using conf::SnapshotState;

SnapshotDef *SnapshotList::find(std::string_view name) const
{
    for (const auto &d : defs_)
        if (d->name == name)
            return d.get();
    return nullptr;
}

Result<SnapshotDef *> SnapshotList::get(std::string_view name, int errDomain) const
{
    if (SnapshotDef *def = find(name))
        return def;
    return Error::format(errDomain, VIR_ERR_NO_DOMAIN_SNAPSHOT, "no domain snapshot with matching name '%.*s'",
                         static_cast<int>(name.size()), name.data());
}

SnapshotDef &SnapshotList::put(std::unique_ptr<SnapshotDef> def)
{
    for (auto &d : defs_)
        if (d->name == def->name) {
            d = std::move(def);
            return *d;
        }
    defs_.push_back(std::move(def));
    return *defs_.back();
}

void SnapshotList::remove(std::string_view name)
{
    auto it = std::find_if(defs_.begin(), defs_.end(), [&](const auto &d) { return d->name == name; });
    if (it == defs_.end())
        return;
    std::string parent = (*it)->parent;
    for (auto &d : defs_)
        if (d->parent == name)
            d->parent = parent;
    if (current_ == name)
        current_ = parent;
    defs_.erase(it);
}

std::vector<SnapshotDef *> SnapshotList::children(const SnapshotDef *parent) const
{
    std::vector<SnapshotDef *> out;
    const std::string none;
    const std::string &name = parent ? parent->name : none;
    for (auto it = defs_.rbegin(); it != defs_.rend(); ++it)   // newest first, as libvirt links them
        if ((*it)->parent == name)
            out.push_back(it->get());
    return out;
}

void SnapshotList::walk(const SnapshotDef *parent, bool deep, std::vector<SnapshotDef *> &out) const
{
    for (SnapshotDef *child : children(parent)) {
        out.push_back(child);
        if (deep)
            walk(child, deep, out);
    }
}

bool SnapshotList::hasChildren(const SnapshotDef &def) const
{
    return std::any_of(defs_.begin(), defs_.end(), [&](const auto &d) { return d->parent == def.name; });
}

namespace {

// A group of filter flags keeps what matches one of the flags given; none given keeps all.
bool keptByGroup(unsigned int flags, std::initializer_list<std::pair<unsigned int, bool>> group)
{
    bool any = false;
    for (auto [flag, matches] : group) {
        if (flags & flag) {
            any = true;
            if (matches)
                return true;
        }
    }
    return !any;
}

} // namespace

std::vector<SnapshotDef *> SnapshotList::list(const SnapshotDef *from, unsigned int flags) const
{
    std::vector<SnapshotDef *> all;
    bool deep = flags & VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS;   // the same bit as LIST_ROOTS
    if (!from && deep)
        walk(nullptr, false, all);
    else
        walk(from, from ? deep : true, all);

    std::vector<SnapshotDef *> out;
    for (SnapshotDef *d : all) {
        bool leaf = !hasChildren(*d);
        bool external = conf::snapshotIsExternal(*d);
        bool kept =
            keptByGroup(flags, {{VIR_DOMAIN_SNAPSHOT_LIST_LEAVES, leaf}}) &&
            keptByGroup(flags, {{VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, !leaf}}) &&
            keptByGroup(flags, {{VIR_DOMAIN_SNAPSHOT_LIST_METADATA, true}, {VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA, false}}) &&
            keptByGroup(flags, {{VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE, d->state == SnapshotState::Shutoff},
                                {VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE, snapshotHasMemory(*d)},
                                {VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY, d->state == SnapshotState::DiskSnapshot}}) &&
            keptByGroup(flags, {{VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL, !external}, {VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL, external}});
        if (kept)
            out.push_back(d);
    }
    return out;
}

std::vector<std::string> SnapshotList::names(const SnapshotDef *from, unsigned int flags) const
{
    std::vector<std::string> out;
    for (const SnapshotDef *d : list(from, flags))
        out.push_back(d->name);
    return out;
}

std::vector<std::string> SnapshotList::deletion(const SnapshotDef &def, unsigned int flags) const
{
    std::vector<std::string> out;
    if (flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        std::vector<SnapshotDef *> below;
        walk(&def, true, below);
        for (auto it = below.rbegin(); it != below.rend(); ++it)
            out.push_back((*it)->name);
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY))
        out.push_back(def.name);
    return out;
}

namespace {

// A redefinition: its domain must be this one, its parent must exist without making a cycle,
// and a snapshot it replaces must keep being online or offline.
Result<std::unique_ptr<SnapshotDef>> redefined(const DomainRecord &obj, const char *xml, const conf::DomainXMLOptions &opts)
{
    auto def = conf::parseSnapshot(xml, opts, conf::SNAPSHOT_PARSE_NO_ALIGN);
    if (!def)
        return std::move(def).error();
    SnapshotDef &d = **def;
    if (d.domain && !std::equal(d.domain->uuid, d.domain->uuid + VIR_UUID_BUFLEN, obj.def->uuid))
        return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, "definition for snapshot %s must use uuid %s",
                             d.name.c_str(), uuidFormat(obj.def->uuid).c_str());
    if (!d.parent.empty()) {
        if (d.parent == d.name)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "cannot set moment %s as its own parent", d.name.c_str());
        const SnapshotList &snapshots = obj.snapshots;
        const SnapshotDef *p = snapshots.find(d.parent);
        if (!p)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "parent %s for moment %s not found", d.parent.c_str(),
                                 d.name.c_str());
        for (size_t hops = 0; p && hops <= snapshots.size(); hops++, p = snapshots.find(p->parent))
            if (p->name == d.name)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "parent %s would create cycle to %s",
                                     d.parent.c_str(), d.name.c_str());
    }
    if (const SnapshotDef *old = obj.snapshots.find(d.name)) {
        auto offline = [](const SnapshotDef &s) { return !snapshotHasMemory(s); };
        if (offline(*old) != offline(d))
            return Error::format(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG,
                                 "cannot change between online and offline snapshot state in snapshot %s", d.name.c_str());
        if (!d.domain)
            d.domain = old->domain;
    }
    VH_TRY(conf::prepareRedefinedSnapshot(d));
    return def;
}

} // namespace

Result<std::unique_ptr<SnapshotDef>> prepareSnapshot(const DomainRecord &obj, const char *xml,
                                                     const conf::DomainXMLOptions &opts, unsigned int flags,
                                                     SnapshotMemoryRules rules, int errDomain)
{
    if (!obj.persistent && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT))
        return Error::make(errDomain, VIR_ERR_OPERATION_INVALID, "cannot halt after transient domain snapshot");
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        return redefined(obj, xml, opts);

    bool active = obj.active();
    bool hypervisor = rules == SnapshotMemoryRules::Hypervisor;
    auto def = conf::parseSnapshot(xml, opts,
                                   conf::SNAPSHOT_PARSE_NEW | (active || !hypervisor ? 0u : unsigned(conf::SNAPSHOT_PARSE_OFFLINE)));
    if (!def)
        return std::move(def).error();
    SnapshotDef &d = **def;
    d.creationTime = time(nullptr);
    if (d.name.empty())
        d.name = std::to_string(d.creationTime);
    const SnapshotList &snapshots = obj.snapshots;
    if (snapshots.find(d.name))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, "domain moment %s already exists", d.name.c_str());
    d.state = static_cast<SnapshotState>(obj.state);
    d.parent = snapshots.current() ? snapshots.current()->name : "";
    d.domain = std::make_shared<conf::DomainDef>(*obj.def);
    bool externalMemory = d.memory == SnapshotLocation::External;
    if (hypervisor && externalMemory)
        return Error::make(errDomain, VIR_ERR_OPERATION_UNSUPPORTED, "external snapshots are not supported yet");
    if (hypervisor && active && d.memory == SnapshotLocation::No)
        return Error::make(errDomain, VIR_ERR_CONFIG_UNSUPPORTED, "internal snapshot of a running VM must include the memory state");
    // external memory takes the disks outside the images too, by default
    VH_TRY(conf::alignSnapshotDisks(d, externalMemory ? SnapshotLocation::External : SnapshotLocation::Internal,
                                    !externalMemory));
    if (!externalMemory)
        d.memory = active ? SnapshotLocation::Internal : SnapshotLocation::No;
    return def;
}

Result<void> checkRevert(const DomainRecord &obj, const SnapshotDef &def, unsigned int flags, int errDomain)
{
    if (!def.domain)
        return Error::format(errDomain, VIR_ERR_SNAPSHOT_REVERT_RISKY, "snapshot '%s' lacks domain rollback info",
                             def.name.c_str());
    if (!obj.persistent && !revertRuns(def, flags))
        return Error::make(errDomain, VIR_ERR_OPERATION_INVALID,
                           "transient domain needs to request run or pause to revert to inactive snapshot");
    return {};
}

Result<void> checkUndefineSnapshots(DomainRecord &obj, unsigned int flags, int errDomain)
{
    if (obj.snapshots.empty() || obj.active())
        return {};
    if (!(flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA))
        return Error::format(errDomain, VIR_ERR_OPERATION_INVALID, "cannot delete inactive domain with %zu snapshots",
                             obj.snapshots.size());
    obj.snapshots = SnapshotList();
    return {};
}

} // namespace vh::drv
