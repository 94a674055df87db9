// The calls that only read a driver's table of domains (lists, counts, lookups), the lookup of
// a handle's domain and the domains a statistics call covers, written once for every driver.
//
// A driver derives from SnapshotReadCalls<Driver> (which derives from this) and gives it, as
// a friend: st_ (its state: a DomainTable with a `lock`), kErrorDomain, kName,
// listFacts(obj) (what the list filters test) and noDomainMatching(what) (its error for a
// lookup that finds nothing: "id 3", "name 'x'", "uuid '...'").
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/domain_obj.h"
#include "drivers/domain_stats.h"
#include "drivers/domain_stats_driver.h"
#include "drivers/list_filter.h"
#include "util/uuid.h"

namespace vh::drv {

template <class Driver>
class DomainTableCalls : public DomainStatsDriver {
public:
    Result<std::vector<Ref<_virDomain>>> connectListAllDomains(virConnectPtr conn, unsigned int flags) override
    {
        if (flags & ~kDomainListFilters)
            return unsupportedFlags(Driver::kErrorDomain, Driver::kName, "connectListAllDomains", flags & ~kDomainListFilters);
        std::lock_guard<std::mutex> g(st().lock);
        std::vector<Ref<_virDomain>> out;
        out.reserve(st().domains.size());
        for (const auto &d : st().domains)
            if (domainMatchesListFlags(self().listFacts(*d), flags))
                out.push_back(domainHandle(conn, *d));
        return out;
    }
    Result<std::vector<int>> connectListDomains(virConnectPtr) override
    {
        std::lock_guard<std::mutex> g(st().lock);
        std::vector<int> ids;
        for (const auto &d : st().domains)
            if (d->active())
                ids.push_back(d->def->id);
        return ids;
    }
    Result<std::vector<std::string>> connectListDefinedDomains(virConnectPtr) override
    {
        std::lock_guard<std::mutex> g(st().lock);
        std::vector<std::string> names;
        for (const auto &d : st().domains)
            if (!d->active())
                names.push_back(d->def->name);
        return names;
    }
    Result<int> connectNumOfDomains(virConnectPtr) override { return count(true); }
    Result<int> connectNumOfDefinedDomains(virConnectPtr) override { return count(false); }
    Result<Ref<_virDomain>> domainLookupByID(virConnectPtr conn, int id) override
    {
        std::lock_guard<std::mutex> g(st().lock);
        if (auto *obj = st().byId(id))
            return domainHandle(conn, *obj);
        return self().noDomainMatching("id " + std::to_string(id));
    }
    Result<Ref<_virDomain>> domainLookupByName(virConnectPtr conn, const char *name) override
    {
        std::lock_guard<std::mutex> g(st().lock);
        if (auto *obj = st().byName(name))
            return domainHandle(conn, *obj);
        return self().noDomainMatching("name '" + std::string(name) + "'");
    }
    Result<Ref<_virDomain>> domainLookupByUUID(virConnectPtr conn, const unsigned char *uuid) override
    {
        std::lock_guard<std::mutex> g(st().lock);
        if (auto *obj = st().byUUID(uuid))
            return domainHandle(conn, *obj);
        return self().noDomainMatching("uuid '" + uuidFormat(uuid) + "'");
    }

protected:
    // The domains a statistics call covers, in order (the caller holds the lock): every
    // domain (doms == nullptr) or each listed one still here, kept when the filter flags match.
    auto statsTargets(virDomainPtr *doms, unsigned int flags)
    {
        std::vector<decltype(st().byUUID(nullptr))> out;
        auto keep = [&](auto *o) {
            if (o && domainMatchesListFlags(self().listFacts(*o), flags & kStatsListFilters))
                out.push_back(o);
        };
        if (!doms) {
            for (const auto &d : st().domains)
                keep(d.get());
        } else {
            for (virDomainPtr *d = doms; *d; d++)
                keep(st().byUUID((*d)->uuid));
        }
        return out;
    }
    // The domain behind a handle (by UUID, as libvirt does), with the state locked in g.
    auto find(virDomainPtr dom, std::unique_lock<std::mutex> &g)
    {
        using Found = Result<decltype(st().byUUID(nullptr))>;
        g = std::unique_lock<std::mutex>(st().lock);
        if (auto *obj = st().byUUID(dom->uuid))
            return Found(obj);
        return Found(noDomainFor(Driver::kErrorDomain, dom));
    }

private:
    Driver &self() { return *static_cast<Driver *>(this); }
    auto &st() { return *self().st_; }
    int count(bool active)
    {
        std::lock_guard<std::mutex> g(st().lock);
        int n = 0;
        for (const auto &d : st().domains)
            n += d->active() == active;
        return n;
    }
};

} // namespace vh::drv
