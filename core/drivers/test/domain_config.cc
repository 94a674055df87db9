// The test driver's domain information and configuration calls.
#include <cstring>
#include <sys/time.h>

#include <libvirt/virterror.h>

#include "drivers/affect.h"
#include "drivers/check_flags.h"
#include "drivers/test/test_driver.h"

namespace vh::drv::test {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_TEST, "test", flags, allowed)

namespace {

constexpr unsigned int kAffect = VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG;

} // namespace

Result<std::pair<conf::DomainDef *, conf::DomainDef *>> TestDriver::targets(DomainObj &obj, unsigned int flags)
{
    return affectedDefs(obj, flags);
}

Result<void> TestDriver::oneAffect(unsigned int flags)
{
    if ((flags & kAffect) == kAffect)
        return Error::plain(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG,
                            "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
    return {};
}

Result<std::string> TestDriver::domainGetOSType(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    return std::string("linux");     // what libvirt's test driver answers for every domain
}

Result<void> TestDriver::domainGetInfo(virDomainPtr domain, virDomainInfo &info)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    const DomainObj &o = **obj;
    timeval tv;
    gettimeofday(&tv, nullptr);
    info.state = static_cast<unsigned char>(o.state);
    info.maxMem = o.def->memory.totalKiB;
    info.memory = o.def->memory.currentKiB;
    info.nrVirtCpu = static_cast<unsigned short>(o.def->vcpu.current);
    info.cpuTime = tv.tv_sec * 1000000000ull + tv.tv_usec * 1000ull;   // the test driver's clock
    return {};
}

Result<void> TestDriver::domainGetState(virDomainPtr domain, int &state, int &reason, unsigned int flags)
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

Result<unsigned long> TestDriver::domainGetMaxMemory(virDomainPtr domain)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    return static_cast<unsigned long>((*obj)->def->memory.totalKiB);
}

Result<std::string> TestDriver::domainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_MIGRATABLE);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    DomainObj &o = **obj;
    const conf::DomainDef &def = (flags & VIR_DOMAIN_XML_INACTIVE) && o.newDef ? *o.newDef : *o.def;
    return conf::formatDomain(def, flags);
}

Result<void> TestDriver::domainSetMemoryFlags(virDomainPtr domain, unsigned long memory, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_MEM_MAXIMUM);
    VH_TRY(oneAffect(flags));      // the test driver changes one definition at a time
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto t = targets(**obj, flags & kAffect);
    if (!t)
        return std::move(t).error();
    auto [live, config] = *t;
    if (flags & VIR_DOMAIN_MEM_MAXIMUM) {
        if (live)
            return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_INVALID, "cannot resize the maximum memory on an active domain");
        config->memory.totalKiB = memory;
        if (config->memory.currentKiB > memory)
            config->memory.currentKiB = memory;
        return {};
    }
    for (conf::DomainDef *def : {live, config}) {
        if (def && memory > def->memory.totalKiB)
            return Error::make(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    }
    for (conf::DomainDef *def : {live, config})
        if (def)
            def->memory.currentKiB = memory;
    return {};
}

Result<void> TestDriver::domainSetVcpusFlags(virDomainPtr domain, unsigned int nvcpus, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_VCPU_MAXIMUM);
    int maxSupported = 32;    // what connectGetMaxVcpus answers
    if (nvcpus > static_cast<unsigned int>(maxSupported))
        return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "requested cpu amount exceeds maximum supported amount (%d > %d)",
                             static_cast<int>(nvcpus), maxSupported);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto t = targets(**obj, flags & kAffect);
    if (!t)
        return std::move(t).error();
    auto [live, config] = *t;
    auto exceeds = [&](const conf::DomainDef &def) {
        return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (%u > %u)",
                             nvcpus, def.vcpu.max);
    };
    // The maximum is a persistent setting; a running domain changes its current count only.
    if (live && nvcpus > live->vcpu.max)
        return exceeds(*live);
    if (config && !(flags & VIR_DOMAIN_VCPU_MAXIMUM) && nvcpus > config->vcpu.max)
        return exceeds(*config);
    if (live)
        live->vcpu.current = nvcpus;
    if (config) {
        if (flags & VIR_DOMAIN_VCPU_MAXIMUM) {
            config->vcpu.max = nvcpus;
            if (config->vcpu.current > nvcpus)
                config->vcpu.current = nvcpus;
        } else {
            config->vcpu.current = nvcpus;
        }
    }
    return {};
}

Result<int> TestDriver::domainGetVcpusFlags(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect | VIR_DOMAIN_VCPU_MAXIMUM);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto t = targets(**obj, flags & kAffect);
    if (!t)
        return std::move(t).error();
    const conf::DomainDef *def = t->first ? t->first : t->second;
    return static_cast<int>(flags & VIR_DOMAIN_VCPU_MAXIMUM ? def->vcpu.max : def->vcpu.current);
}

Result<void> TestDriver::domainGetAutostart(virDomainPtr domain, int &autostart)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    autostart = (*obj)->autostart ? 1 : 0;
    return {};
}

Result<void> TestDriver::domainSetAutostart(virDomainPtr domain, int autostart)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    (*obj)->autostart = autostart != 0;
    return {};
}

Result<int> TestDriver::domainIsActive(virDomainPtr dom)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->active() ? 1 : 0;
}

Result<int> TestDriver::domainIsPersistent(virDomainPtr dom)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return (*obj)->persistent ? 1 : 0;
}

Result<int> TestDriver::domainIsUpdated(virDomainPtr dom)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return 0;
}

Result<std::string> TestDriver::domainGetMetadata(virDomainPtr domain, int type, const char *uri, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    if (type == VIR_DOMAIN_METADATA_ELEMENT && !uri)
        return Error::invalidArg(VIR_FROM_DOMAIN, "virDomainGetMetadata", "uri", "must not be NULL");
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto t = targets(**obj, flags);
    if (!t)
        return std::move(t).error();
    const conf::DomainDef &def = t->first ? *t->first : *t->second;
    auto absent = [] {
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_DOMAIN_METADATA, "Requested metadata element is not present");
    };
    switch (type) {
    case VIR_DOMAIN_METADATA_DESCRIPTION:
        if (def.description.empty())
            return absent();
        return def.description;
    case VIR_DOMAIN_METADATA_TITLE:
        if (def.title.empty())
            return absent();
        return def.title;
    case VIR_DOMAIN_METADATA_ELEMENT:
        return def.metadata.get(uri);
    }
    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "unknown metadata type '%d'", type);
}

Result<void> TestDriver::domainSetMetadata(virDomainPtr domain, int type, const char *metadata, const char *key,
                                           const char *uri, unsigned int flags)
{
    CHECK_FLAGS(flags, kAffect);
    if (type == VIR_DOMAIN_METADATA_ELEMENT && !uri)
        return Error::invalidArg(VIR_FROM_DOMAIN, "virDomainSetMetadata", "uri", "must not be NULL");
    if (type == VIR_DOMAIN_METADATA_TITLE && metadata && strchr(metadata, '\n'))
        return Error::plain(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "metadata title can't contain newlines");
    if (type == VIR_DOMAIN_METADATA_ELEMENT && metadata && !key)
        return Error::invalidArg(VIR_FROM_DOMAIN, "virDomainSetMetadata", "key", "must not be NULL");
    if (type < VIR_DOMAIN_METADATA_DESCRIPTION || type > VIR_DOMAIN_METADATA_ELEMENT)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "unknown metadata type '%d'", type);
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    auto t = targets(**obj, flags);
    if (!t)
        return std::move(t).error();
    for (conf::DomainDef *def : {t->first, t->second}) {
        if (!def)
            continue;
        if (type == VIR_DOMAIN_METADATA_DESCRIPTION)
            def->description = metadata ? metadata : "";
        else if (type == VIR_DOMAIN_METADATA_TITLE)
            def->title = metadata ? metadata : "";
        else
            VH_TRY(def->metadata.set(metadata, key, uri));
    }
    DomainEvent ev;
    ev.eventID = VIR_DOMAIN_EVENT_ID_METADATA_CHANGE;
    ev.name = (*obj)->def->name;
    memcpy(ev.uuid, (*obj)->def->uuid, VIR_UUID_BUFLEN);
    ev.id = (*obj)->def->id;
    ev.metadataType = type;
    ev.nsuri = uri && type == VIR_DOMAIN_METADATA_ELEMENT ? uri : "";
    st_->events->queue(std::move(ev));
    return {};
}

Result<void> TestDriver::domainGetSecurityLabel(virDomainPtr domain, virSecurityLabel &seclabel)
{
    std::unique_lock<std::mutex> g;
    auto obj = find(domain, g);
    if (!obj)
        return std::move(obj).error();
    memset(&seclabel, 0, sizeof(seclabel));
    if ((*obj)->active()) {
        strcpy(seclabel.label, "libvirt-test");
        seclabel.enforcing = 1;
    }
    return {};
}

} // namespace vh::drv::test
