// A driver's domains: in definition order, found by name and UUID through indexes and by the
// id of a running one, with libvirt's rules for names and UUIDs that clash. One table for
// every driver; its callers hold the driver's lock.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "util/result.h"
#include "util/uuid.h"

namespace vh::drv {

template <class Obj>
class DomainTable {
public:
    // In definition order; changed only through add, remove and rename.
    std::vector<std::shared_ptr<Obj>> domains;

    Obj *byName(const std::string &name) const
    {
        auto it = names_.find(name);
        return it == names_.end() ? nullptr : it->second;
    }
    Obj *byUUID(const unsigned char *uuid) const
    {
        auto it = uuids_.find(key(uuid));
        return it == uuids_.end() ? nullptr : it->second;
    }
    // A running domain (ids are >= 0, and -1 when shut off).
    Obj *byId(int id) const
    {
        if (id < 0)
            return nullptr;
        for (const auto &d : domains)
            if (d->def->id == id)
                return d.get();
        return nullptr;
    }

    // libvirt's clash rules: a UUID or a name may not change owner. The domain with the same
    // name and UUID, nullptr when there is none, or the clash error.
    Result<Obj *> existing(const conf::DomainDef &def) const
    {
        if (Obj *same = byUUID(def.uuid)) {
            if (same->def->name != def.name)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, "domain '%s' is already defined with uuid %s",
                                     same->def->name.c_str(), uuidFormat(def.uuid).c_str());
            return same;
        }
        if (Obj *named = byName(def.name))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, "domain '%s' already exists with uuid %s",
                                 def.name.c_str(), uuidFormat(named->def->uuid).c_str());
        return static_cast<Obj *>(nullptr);
    }

    // A new domain, shut off until started; the caller has checked for clashes (existing()).
    Obj &add(std::unique_ptr<conf::DomainDef> def)
    {
        auto obj = std::make_shared<Obj>();
        obj->def = std::move(def);
        obj->def->id = -1;
        names_[obj->def->name] = obj.get();
        uuids_[key(obj->def->uuid)] = obj.get();
        domains.push_back(obj);
        return *obj;
    }
    void remove(Obj *obj)
    {
        names_.erase(obj->def->name);
        uuids_.erase(key(obj->def->uuid));
        std::erase_if(domains, [&](const std::shared_ptr<Obj> &d) { return d.get() == obj; });
    }
    void rename(Obj *obj, const std::string &name)
    {
        names_.erase(obj->def->name);
        obj->def->name = name;
        if (obj->newDef)
            obj->newDef->name = name;
        names_[name] = obj;
    }

private:
    static std::string key(const unsigned char *uuid)
    {
        return std::string(reinterpret_cast<const char *>(uuid), VIR_UUID_BUFLEN);
    }
    std::unordered_map<std::string, Obj *> names_;
    std::unordered_map<std::string, Obj *> uuids_;
};

} // namespace vh::drv
