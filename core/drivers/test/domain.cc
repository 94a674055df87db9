// The test driver's domain lifecycle: define, start, stop, save and restore, and lookups.
// States, reasons, events and messages follow libvirt's test driver (LIBVIRT-FACTS.md §3).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/list_filter.h"
#include "drivers/test/test_driver.h"
#include "util/uuid.h"

namespace vh::drv::test {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_TEST, "test", flags, allowed)

namespace {

constexpr char kSaveMagic[] = "TestGuestMagic";   // what a test driver save image starts with

Error notRunning()
{
    return Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain is not running");
}

} // namespace

Result<DomainObj *> TestDriver::findActive(virDomainPtr dom, std::unique_lock<std::mutex> &g)
{
    auto obj = find(dom, g);
    if (obj && !(*obj)->active())
        return notRunning();
    return obj;
}

void TestDriver::emit(const DomainObj &obj, int event, int detail)
{
    st_->events->queue(DomainEvent::lifecycle(obj.def->name, obj.def->uuid, obj.def->id, event, detail));
}

DomainListFacts TestDriver::listFacts(const DomainObj &o) const
{
    return {o.active(), o.state, o.persistent, o.managedSave, o.autostart, !o.snapshots.empty(), false};
}

Error TestDriver::noDomainMatching(const std::string &)
{
    return Error::make(VIR_FROM_TEST, VIR_ERR_NO_DOMAIN);     // libvirt's test driver says no more
}

Result<Ref<_virDomain>> TestDriver::domainDefineXMLFlags(virConnectPtr conn, const char *xmlText, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_DEFINE_VALIDATE);
    unsigned int parse = conf::PARSE_INACTIVE | (flags & VIR_DOMAIN_DEFINE_VALIDATE ? unsigned(conf::PARSE_VALIDATE_SCHEMA) : 0u);
    auto def = conf::parseDomain(xmlText, st_->xmlopt, parse);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto old = st_->existing(**def);
    if (!old)
        return std::move(old).error();
    DomainObj *obj = *old;
    int detail = VIR_DOMAIN_EVENT_DEFINED_UPDATED;
    if (!obj) {
        obj = &st_->add(std::move(*def));
        detail = VIR_DOMAIN_EVENT_DEFINED_ADDED;
    } else if (obj->active()) {
        obj->newDef = std::move(*def);
        obj->newDef->id = -1;
    } else {
        obj->def = std::move(*def);
    }
    obj->persistent = true;
    emit(*obj, VIR_DOMAIN_EVENT_DEFINED, detail);
    return domainHandle(conn, *obj);
}

Result<Ref<_virDomain>> TestDriver::domainCreateXML(virConnectPtr conn, const char *xmlText, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_START_VALIDATE);
    unsigned int parse = conf::PARSE_INACTIVE | (flags & VIR_DOMAIN_START_VALIDATE ? unsigned(conf::PARSE_VALIDATE_SCHEMA) : 0u);
    auto def = conf::parseDomain(xmlText, st_->xmlopt, parse);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto old = st_->existing(**def);
    if (!old)
        return std::move(old).error();
    DomainObj *obj = *old;
    if (obj && obj->active())
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain '%s' is already active", obj->def->name.c_str());
    if (!obj) {
        obj = &st_->add(std::move(*def));
        obj->persistent = false;
    } else {
        obj->newDef = std::move(obj->def);     // the persistent config returns when it stops
        obj->def = std::move(*def);
        obj->def->id = -1;
    }
    st_->start(*obj, VIR_DOMAIN_RUNNING_BOOTED);
    emit(*obj, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return domainHandle(conn, *obj);
}

Result<void> TestDriver::domainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.active())
        return Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "Domain '%s' is already running", o.def->name.c_str());
    o.managedSave = false;     // the test driver boots afresh from a managed save
    st_->start(o, VIR_DOMAIN_RUNNING_BOOTED);
    domain->id = o.def->id;
    emit(o, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return {};
}

Result<void> TestDriver::domainUndefineFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (o->managedSave && !(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE))
        return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "Refusing to undefine while domain managed save image exists");
    VH_TRY(checkUndefineSnapshots(*o, flags, VIR_FROM_TEST));
    emit(*o, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (o->active()) {
        o->persistent = false;
        o->newDef.reset();
        o->autostart = false;
    } else {
        st_->remove(o);
    }
    return {};
}

Result<void> TestDriver::domainDestroyFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_DESTROY_GRACEFUL);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    if (!(*obj)->active())
        return notRunning();
    emit(**obj, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    st_->stop(*obj, VIR_DOMAIN_SHUTOFF_DESTROYED);
    domain->id = -1;
    return {};
}

Result<void> TestDriver::domainShutdownFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (o->state == VIR_DOMAIN_SHUTOFF)
        return Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "domain '%s' not running", o->def->name.c_str());
    if (o->def->lifecycle.onPoweroff == "restart" || o->def->lifecycle.onPoweroff == "rename-restart") {
        o->state = VIR_DOMAIN_RUNNING;
        o->reason = VIR_DOMAIN_RUNNING_BOOTED;
        return {};
    }
    emit(*o, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    st_->stop(o, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    domain->id = -1;
    return {};
}

Result<void> TestDriver::domainReboot(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | VIR_DOMAIN_REBOOT_GUEST_AGENT | VIR_DOMAIN_REBOOT_INITCTL |
                           VIR_DOMAIN_REBOOT_SIGNAL | VIR_DOMAIN_REBOOT_PARAVIRT);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (!o->active())
        return notRunning();
    if (o->def->lifecycle.onReboot == "destroy" || o->def->lifecycle.onReboot == "preserve") {
        emit(*o, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        st_->stop(o, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
        domain->id = -1;
        return {};
    }
    o->state = VIR_DOMAIN_RUNNING;
    o->reason = VIR_DOMAIN_RUNNING_BOOTED;
    return {};
}

Result<void> TestDriver::domainReset(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    if (!(*obj)->active())
        return notRunning();
    return {};
}

Result<void> TestDriver::domainSuspend(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.state != VIR_DOMAIN_RUNNING)
        return Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "domain '%s' not running", o.def->name.c_str());
    o.state = VIR_DOMAIN_PAUSED;
    o.reason = VIR_DOMAIN_PAUSED_USER;
    emit(o, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return {};
}

Result<void> TestDriver::domainResume(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.state != VIR_DOMAIN_PAUSED)
        return Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "domain '%s' not paused", o.def->name.c_str());
    o.state = VIR_DOMAIN_RUNNING;
    o.reason = VIR_DOMAIN_RUNNING_UNPAUSED;
    emit(o, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return {};
}

Result<void> TestDriver::domainSaveFlags(virDomainPtr domain, const char *to, const char *dxml, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    if (dxml)
        return Error::make(VIR_FROM_TEST, VIR_ERR_ARGUMENT_UNSUPPORTED, "xml modification unsupported");
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (!o->active())
        return notRunning();
    std::string xmlText = conf::formatDomain(*o->def, VIR_DOMAIN_XML_SECURE);
    FILE *f = fopen(to, "w");
    if (!f)
        return Error::system(VIR_FROM_TEST, errno, strprintf("saving domain '%s' failed: cannot create '%s'", o->def->name.c_str(), to));
    uint32_t len = static_cast<uint32_t>(xmlText.size());
    bool ok = fwrite(kSaveMagic, sizeof(kSaveMagic), 1, f) == 1 && fwrite(&len, sizeof(len), 1, f) == 1 &&
              fwrite(xmlText.data(), 1, len, f) == len;
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(to);
        return Error::system(VIR_FROM_TEST, err, strprintf("saving domain '%s' failed: cannot write '%s'", o->def->name.c_str(), to));
    }
    emit(*o, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    st_->stop(o, VIR_DOMAIN_SHUTOFF_SAVED);
    domain->id = -1;
    return {};
}

Result<void> TestDriver::domainRestoreFlags(virConnectPtr, const char *from, const char *dxml, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    if (dxml)
        return Error::make(VIR_FROM_TEST, VIR_ERR_ARGUMENT_UNSUPPORTED, "xml modification unsupported");
    std::ifstream in(from, std::ios::binary);
    if (!in)
        return Error::system(VIR_FROM_TEST, errno, strprintf("cannot read domain image '%s'", from));
    char magic[sizeof(kSaveMagic)];
    uint32_t len = 0;
    if (!in.read(magic, sizeof(magic)) || !in.read(reinterpret_cast<char *>(&len), sizeof(len)))
        return Error::system(VIR_FROM_TEST, 0, strprintf("incomplete save header in '%s'", from));
    if (memcmp(magic, kSaveMagic, sizeof(magic)) != 0)
        return Error::make(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "mismatched header magic");
    if (len > 64u << 20)
        return Error::make(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "length of saved domain XML is too large");
    std::string xmlText(len, '\0');
    if (!in.read(xmlText.data(), len))
        return Error::system(VIR_FROM_TEST, 0, strprintf("incomplete metadata in '%s'", from));
    auto def = conf::parseDomain(xmlText, st_->xmlopt, conf::PARSE_INACTIVE);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto old = st_->existing(**def);
    if (!old)
        return std::move(old).error();
    DomainObj *obj = *old;
    if (obj && obj->active())
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain '%s' is already active", obj->def->name.c_str());
    if (!obj) {
        obj = &st_->add(std::move(*def));
        obj->persistent = false;
    } else {
        obj->newDef = std::move(obj->def);
        obj->def = std::move(*def);
        obj->def->id = -1;
    }
    st_->start(*obj, VIR_DOMAIN_RUNNING_RESTORED);
    emit(*obj, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    return {};
}

Result<void> TestDriver::domainManagedSave(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (!o->active())
        return notRunning();
    if (!o->persistent)
        return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "cannot do managed save for transient domain");
    emit(*o, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    st_->stop(o, VIR_DOMAIN_SHUTOFF_SAVED);
    o->managedSave = true;
    dom->id = -1;
    return {};
}

Result<int> TestDriver::domainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->managedSave ? 1 : 0;
}

Result<void> TestDriver::domainManagedSaveRemove(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    (*obj)->managedSave = false;
    return {};
}

Result<void> TestDriver::domainRename(virDomainPtr dom, const char *newName, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (o->def->name == newName)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "Can't rename domain to itself");
    if (o->active())
        return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "cannot rename active domain");
    if (!o->persistent)
        return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "cannot rename a transient domain");
    if (st_->byName(newName))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain with name '%s' already exists", newName);
    if (strchr(newName, '/'))
        return Error::format(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "name %s cannot contain '/'", newName);
    emit(*o, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    st_->rename(o, newName);
    emit(*o, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    return {};
}

} // namespace vh::drv::test
