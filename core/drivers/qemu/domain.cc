// The QEMU driver's domain calls: define and undefine (configs on disk), start and stop (QEMU
// processes), control over QMP, lookups and state.
#include <cstring>

#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/list_filter.h"
#include "drivers/qemu/qemu_driver.h"
#include "util/files.h"
#include "util/uuid.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

using namespace std::chrono_literals;

namespace {

Error notRunning()
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "domain is not running");
}

} // namespace

Result<DomainObj *> QemuDriver::findActive(virDomainPtr dom, std::unique_lock<std::mutex> &g)
{
    auto obj = find(dom, g);
    if (obj && !(*obj)->active())
        return notRunning();
    return obj;
}

DomainListFacts QemuDriver::listFacts(const DomainObj &d) const
{
    return {d.active(), d.state, d.persistent, !d.active() && access(st_->managedSaveFile(d.def->name).c_str(), F_OK) == 0,
            d.autostart, !d.snapshots.empty(), false};
}

Error QemuDriver::noDomainMatching(const std::string &what)
{
    return Error::format(VIR_FROM_QEMU, VIR_ERR_NO_DOMAIN, "no domain with matching %s", what.c_str());
}

Result<Ref<_virDomain>> QemuDriver::domainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_DEFINE_VALIDATE);
    unsigned int parse = conf::PARSE_INACTIVE | (flags & VIR_DOMAIN_DEFINE_VALIDATE ? unsigned(conf::PARSE_VALIDATE_SCHEMA) : 0u);
    auto def = conf::parseDomain(xml, st_->xmlopt, parse);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto old = st_->existing(**def);
    if (!old)
        return std::move(old).error();
    // the config reaches the disk before anything in memory changes
    VH_TRY(st_->saveConfig(**def));
    DomainObj *obj = *old;
    int detail = VIR_DOMAIN_EVENT_DEFINED_UPDATED;
    if (!obj) {
        obj = &st_->add(std::move(*def));
        obj->persistent = true;
        detail = VIR_DOMAIN_EVENT_DEFINED_ADDED;
    } else if (obj->active()) {
        obj->newDef = std::move(*def);
    } else {
        obj->def = std::move(*def);
    }
    obj->persistent = true;
    st_->emit(*obj, VIR_DOMAIN_EVENT_DEFINED, detail);
    return domainHandle(conn, *obj);
}

Result<void> QemuDriver::domainUndefineFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj *o = *obj;
    if (!o->persistent)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain");
    VH_TRY(checkUndefineSnapshots(*o, flags, VIR_FROM_QEMU));
    std::string image = st_->managedSaveFile(o->def->name);
    if (access(image.c_str(), F_OK) == 0) {
        if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID,
                               "Refusing to undefine while domain managed save image exists");
        if (unlink(image.c_str()) < 0)
            return Error::system(VIR_FROM_QEMU, errno, "Failed to remove domain managed save image '" + image + "'");
    }
    if (unlink(st_->configFile(o->def->name).c_str()) < 0 && errno != ENOENT)
        return Error::system(VIR_FROM_QEMU, errno, "cannot remove config " + st_->configFile(o->def->name));
    unlink(st_->autostartLink(o->def->name).c_str());
    o->autostart = false;
    st_->emit(*o, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (o->active()) {
        o->persistent = false;
        o->newDef.reset();
    } else {
        st_->remove(o);
    }
    return {};
}

Result<void> QemuDriver::domainGetAutostart(virDomainPtr domain, int &autostart)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    autostart = (*obj)->autostart ? 1 : 0;
    return {};
}

Result<void> QemuDriver::domainSetAutostart(virDomainPtr domain, int autostart)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (!o.persistent)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "cannot set autostart for transient domain");
    std::string link = st_->autostartLink(o.def->name);
    if (autostart && !o.autostart) {
        VH_TRY(makeDirs(st_->paths.config + "/autostart", 0700, VIR_FROM_QEMU));
        if (symlink(st_->configFile(o.def->name).c_str(), link.c_str()) < 0 && errno != EEXIST)
            return Error::system(VIR_FROM_QEMU, errno, "Failed to create symlink '" + link + "'");
    } else if (!autostart && o.autostart) {
        if (unlink(link.c_str()) < 0 && errno != ENOENT)
            return Error::system(VIR_FROM_QEMU, errno, "Failed to delete symlink '" + link + "'");
    }
    o.autostart = autostart != 0;
    return {};
}

Result<Ref<_virDomain>> QemuDriver::domainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_VALIDATE);
    unsigned int parse = conf::PARSE_INACTIVE | (flags & VIR_DOMAIN_START_VALIDATE ? unsigned(conf::PARSE_VALIDATE_SCHEMA) : 0u);
    auto def = conf::parseDomain(xml, st_->xmlopt, parse);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto obj = launch(std::move(*def), flags & VIR_DOMAIN_START_PAUSED, VIR_DOMAIN_RUNNING_BOOTED, -1);
    if (!obj)
        return std::move(obj).error();
    return domainHandle(conn, **obj);
}

Result<DomainObj *> QemuDriver::launch(std::unique_ptr<conf::DomainDef> def, bool paused, int reason, int incomingFd)
{
    auto old = st_->existing(*def);
    if (!old)
        return std::move(old).error();
    DomainObj *obj = *old;
    if (obj && obj->active())
        return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "domain '%s' is already active", obj->def->name.c_str());
    bool added = !obj;
    if (added) {
        obj = &st_->add(std::move(def));
    } else {
        obj->newDef = std::move(obj->def);     // the persistent config returns when it stops
        obj->def = std::move(def);
    }
    auto started = st_->start(*obj, paused, reason, incomingFd);
    if (!started) {
        if (added) {
            st_->remove(obj);
        } else {
            obj->def = std::move(obj->newDef);
        }
        return std::move(started).error();
    }
    return obj;
}

Result<void> QemuDriver::domainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_FORCE_BOOT);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.active())
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "domain is already running");
    // a stored config may predate a rule: start validates it
    VH_TRY(conf::validateDomain(*o.def, st_->xmlopt));
    std::string image = st_->managedSaveFile(o.def->name);
    if (access(image.c_str(), F_OK) == 0) {
        if (!(flags & VIR_DOMAIN_START_FORCE_BOOT)) {
            VH_TRY(resumeManagedSave(o, flags));
            domain->id = o.def->id;
            return {};
        }
        if (unlink(image.c_str()) < 0 && errno != ENOENT)
            return Error::system(VIR_FROM_QEMU, errno, "cannot remove managed save file '" + image + "'");
    }
    VH_TRY(st_->start(o, flags & VIR_DOMAIN_START_PAUSED, VIR_DOMAIN_RUNNING_BOOTED));
    domain->id = o.def->id;
    return {};
}

Result<void> QemuDriver::domainDestroyFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_DESTROY_GRACEFUL);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    VH_TRY(st_->stop(*obj, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED));
    domain->id = -1;
    return {};
}

Result<void> QemuDriver::command(virDomainPtr domain, const char *command)
{
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto r = (*obj)->monitor->execute(command);
    return r ? Result<void>() : Result<void>(std::move(r).error());
}

// Shutdown and reboot both press the ACPI power button; what the guest's power-off then leads
// to (stop, or reset and run on) is recorded first, so that another process handles it alike.
Result<void> QemuDriver::powerButton(virDomainPtr domain, bool agent, bool reboot)
{
    if (agent)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_ARGUMENT_UNSUPPORTED, "QEMU guest agent is not configured");
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    const conf::LifecycleDef &lc = o.def->lifecycle;
    bool restart = reboot ? lc.onReboot != "destroy" && lc.onReboot != "preserve"
                          : lc.onPoweroff == "restart" || lc.onPoweroff == "rename-restart";
    if (o.fakeReboot != restart) {
        o.fakeReboot = restart;
        VH_TRY(st_->saveStatus(o));
    }
    auto r = o.monitor->execute("system_powerdown");
    return r ? Result<void>() : Result<void>(std::move(r).error());
}

Result<void> QemuDriver::domainShutdownFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN | VIR_DOMAIN_SHUTDOWN_GUEST_AGENT);
    return powerButton(domain, flags & VIR_DOMAIN_SHUTDOWN_GUEST_AGENT, false);
}

Result<void> QemuDriver::domainReboot(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | VIR_DOMAIN_REBOOT_GUEST_AGENT);
    return powerButton(domain, flags & VIR_DOMAIN_REBOOT_GUEST_AGENT, true);
}

Result<void> QemuDriver::domainReset(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    return command(domain, "system_reset");
}

Result<void> QemuDriver::domainSuspend(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.state == VIR_DOMAIN_PAUSED)
        return {};
    auto r = st_->control(o, "stop");
    if (!r)
        return std::move(r).error();
    return st_->setRunState(o, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
}

Result<void> QemuDriver::domainResume(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    if (o.state != VIR_DOMAIN_PAUSED)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "domain is not paused");
    auto r = st_->control(o, "cont");
    if (!r)
        return std::move(r).error();
    return st_->setRunState(o, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED, VIR_DOMAIN_EVENT_RESUMED,
                            VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
}

Result<void> QemuDriver::domainGetState(virDomainPtr domain, int &state, int &reason, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    state = (*obj)->state;
    reason = (*obj)->reason;
    return {};
}

Result<std::string> QemuDriver::domainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    const conf::DomainDef &def = (flags & VIR_DOMAIN_XML_INACTIVE) && o.newDef ? *o.newDef : *o.def;
    return conf::formatDomain(def, flags);
}

Result<std::string> QemuDriver::domainGetOSType(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->def->os.type;
}

Result<int> QemuDriver::domainIsActive(virDomainPtr dom)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->active() ? 1 : 0;
}

Result<int> QemuDriver::domainIsPersistent(virDomainPtr dom)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->persistent ? 1 : 0;
}

} // namespace vh::drv::qemu
