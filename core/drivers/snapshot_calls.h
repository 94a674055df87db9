// The snapshot calls that only read a domain's snapshot list, written once for every driver.
//
// A driver derives from SnapshotReadCalls<Driver> instead of HypervisorDriver, and gives it
// (as a friend) kErrorDomain and kName ("test", "qemu": libvirt names the driver function in
// flag errors), and what DomainTableCalls<Driver>, its base, needs.
#pragma once

#include <mutex>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/domain_obj.h"
#include "drivers/domain_table_calls.h"

namespace vh::drv {

template <class Driver>
class SnapshotReadCalls : public DomainTableCalls<Driver> {
public:
    Result<int> domainSnapshotNum(virDomainPtr dom, unsigned int flags) override
    {
        return withList(dom, flags, kSnapshotListFlags, [&](const SnapshotList &l) -> Result<int> {
            return static_cast<int>(l.list(nullptr, flags).size());
        });
    }
    Result<std::vector<std::string>> domainSnapshotListNames(virDomainPtr dom, unsigned int flags) override
    {
        return withList(dom, flags, kSnapshotListFlags,
                        [&](const SnapshotList &l) -> Result<std::vector<std::string>> { return l.names(nullptr, flags); });
    }
    Result<std::vector<Ref<_virDomainSnapshot>>> domainListAllSnapshots(virDomainPtr dom, unsigned int flags) override
    {
        return withList(dom, flags, kSnapshotListFlags, [&](const SnapshotList &l) { return handles(dom, l.list(nullptr, flags)); });
    }
    Result<Ref<_virDomainSnapshot>> domainSnapshotLookupByName(virDomainPtr dom, const char *name, unsigned int flags) override
    {
        return withList(dom, flags, 0, [&](const SnapshotList &l) -> Result<Ref<_virDomainSnapshot>> {
            VH_TRY_ASSIGN(def, l.get(name, Driver::kErrorDomain));
            return snapshotHandle(dom, *def);
        });
    }
    Result<int> domainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags) override
    {
        return withList(dom, flags, 0, [&](const SnapshotList &l) -> Result<int> { return l.current() != nullptr; });
    }
    Result<Ref<_virDomainSnapshot>> domainSnapshotCurrent(virDomainPtr dom, unsigned int flags) override
    {
        return withList(dom, flags, 0, [&](const SnapshotList &l) -> Result<Ref<_virDomainSnapshot>> {
            if (!l.current())
                return Error::make(Driver::kErrorDomain, VIR_ERR_NO_DOMAIN_SNAPSHOT,
                                   "the domain does not have a current snapshot");
            return snapshotHandle(dom, *l.current());
        });
    }
    Result<Ref<_virDomainSnapshot>> domainSnapshotGetParent(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        return withSnapshot(snap, flags, 0, [&](const SnapshotList &, const conf::SnapshotDef &def) -> Result<Ref<_virDomainSnapshot>> {
            if (def.parent.empty())
                return Error::format(Driver::kErrorDomain, VIR_ERR_NO_DOMAIN_SNAPSHOT, "snapshot '%s' does not have a parent",
                                     def.name.c_str());
            return Ref<_virDomainSnapshot>::adopt(new _virDomainSnapshot(snap->domain.get(), def.parent));
        });
    }
    Result<std::string> domainSnapshotGetXMLDesc(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        return withSnapshot(snap, flags, VIR_DOMAIN_SNAPSHOT_XML_SECURE,
                            [&](const SnapshotList &, const conf::SnapshotDef &def) -> Result<std::string> {
                                bool secure = flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE;
                                return conf::formatSnapshot(def, secure ? unsigned(conf::SNAPSHOT_FORMAT_SECURE) : 0u);
                            });
    }
    Result<int> domainSnapshotNumChildren(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        return withSnapshot(snap, flags, kSnapshotListFlags, [&](const SnapshotList &l, const conf::SnapshotDef &def) -> Result<int> {
            return static_cast<int>(l.list(&def, flags).size());
        });
    }
    Result<std::vector<std::string>> domainSnapshotListChildrenNames(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        return withSnapshot(snap, flags, kSnapshotListFlags,
                            [&](const SnapshotList &l, const conf::SnapshotDef &def) -> Result<std::vector<std::string>> {
                                return l.names(&def, flags);
                            });
    }
    Result<std::vector<Ref<_virDomainSnapshot>>> domainSnapshotListAllChildren(virDomainSnapshotPtr snap,
                                                                               unsigned int flags) override
    {
        return withSnapshot(snap, flags, kSnapshotListFlags, [&](const SnapshotList &l, const conf::SnapshotDef &def) {
            return handles(snap->domain.get(), l.list(&def, flags));
        });
    }
    Result<int> domainSnapshotIsCurrent(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        return withSnapshot(snap, flags, 0, [&](const SnapshotList &l, const conf::SnapshotDef &def) -> Result<int> {
            return l.current() == &def;
        });
    }
    Result<int> domainSnapshotHasMetadata(virDomainSnapshotPtr snap, unsigned int flags) override
    {
        // every snapshot a driver lists has its metadata (NO_METADATA is not offered)
        return withSnapshot(snap, flags, 0, [&](const SnapshotList &, const conf::SnapshotDef &) -> Result<int> { return 1; });
    }

protected:
    // The flag error names the calling slot, as VH_CHECK_FLAGS does.
    static Result<void> checkFlags(const char *slot, unsigned int flags, unsigned int allowed)
    {
        if (flags & ~allowed)
            return unsupportedFlags(Driver::kErrorDomain, Driver::kName, slot, flags & ~allowed);
        return {};
    }

private:
    template <class Fn>
    auto withList(virDomainPtr dom, unsigned int flags, unsigned int allowed, Fn fn,
                  const char *slot = __builtin_FUNCTION()) -> decltype(fn(std::declval<const SnapshotList &>()))
    {
        VH_TRY(checkFlags(slot, flags, allowed));
        std::unique_lock<std::mutex> g;
        VH_TRY_ASSIGN(obj, this->find(dom, g));
        return fn(obj->snapshots);
    }
    template <class Fn>
    auto withSnapshot(virDomainSnapshotPtr snap, unsigned int flags, unsigned int allowed, Fn fn,
                      const char *slot = __builtin_FUNCTION())
        -> decltype(fn(std::declval<const SnapshotList &>(), std::declval<const conf::SnapshotDef &>()))
    {
        VH_TRY(checkFlags(slot, flags, allowed));
        std::unique_lock<std::mutex> g;
        VH_TRY_ASSIGN(obj, this->find(snap->domain.get(), g));
        VH_TRY_ASSIGN(def, obj->snapshots.get(snap->name, Driver::kErrorDomain));
        return fn(obj->snapshots, *def);
    }
    static Result<std::vector<Ref<_virDomainSnapshot>>> handles(virDomainPtr dom, const std::vector<conf::SnapshotDef *> &defs)
    {
        std::vector<Ref<_virDomainSnapshot>> out;
        out.reserve(defs.size());
        for (const conf::SnapshotDef *d : defs)
            out.push_back(snapshotHandle(dom, *d));
        return out;
    }
};

} // namespace vh::drv
