// The QEMU driver (qemu:///system, qemu:///session, qemu:///embed?root=DIR): real guests in
// QEMU processes, controlled over QMP. Until the daemon exists every URI is served in the
// process that opens it; guests outlive that process and the next one reattaches them.
#pragma once

#include <memory>

#include "drivers/snapshot_calls.h"
#include "drivers/qemu/state.h"
#include "util/uri.h"

namespace vh::drv::qemu {

Result<void> open(virConnectPtr conn, const Uri &uri, virConnectAuthPtr auth, unsigned int flags);

class QemuDriver final : public SnapshotReadCalls<QemuDriver> {
public:
    explicit QemuDriver(std::shared_ptr<State> st) : st_(std::move(st)) {}

    // host and events (driver.cc)
    Result<const char *> connectGetType(virConnectPtr conn) override;
    Result<void> connectGetVersion(virConnectPtr conn, unsigned long &hvVer) override;
    Result<std::string> connectGetCapabilities(virConnectPtr conn) override;
    Result<std::string> connectGetHostname(virConnectPtr conn) override;
    Result<std::string> connectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin, const char *arch,
                                                     const char *machine, const char *virttype, unsigned int flags) override;
    Result<int> connectIsAlive(virConnectPtr conn) override;
    Result<int> connectIsSecure(virConnectPtr conn) override;
    Result<int> connectIsEncrypted(virConnectPtr conn) override;
    Result<std::string> connectDomainXMLToNative(virConnectPtr conn, const char *nativeFormat, const char *domainXml,
                                                 unsigned int flags) override;
    Result<int> connectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                              virConnectDomainEventGenericCallback cb, void *opaque, virFreeCallback freecb) override;
    Result<void> connectDomainEventDeregisterAny(virConnectPtr conn, int callbackID) override;

    // domains (domain.cc)
    Result<Ref<_virDomain>> domainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags) override;
    Result<void> domainUndefineFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainGetAutostart(virDomainPtr domain, int &autostart) override;
    Result<void> domainSetAutostart(virDomainPtr domain, int autostart) override;
    Result<Ref<_virDomain>> domainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags) override;
    Result<void> domainCreateWithFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainDestroyFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainShutdownFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainReboot(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainReset(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSuspend(virDomainPtr domain) override;
    Result<void> domainResume(virDomainPtr domain) override;
    Result<void> domainGetState(virDomainPtr domain, int &state, int &reason, unsigned int flags) override;
    Result<std::string> domainGetXMLDesc(virDomainPtr domain, unsigned int flags) override;
    Result<std::string> domainGetOSType(virDomainPtr domain) override;
    Result<int> domainIsActive(virDomainPtr dom) override;
    Result<int> domainIsPersistent(virDomainPtr dom) override;

    // memory and vCPUs (domain_resources.cc)
    Result<void> domainGetInfo(virDomainPtr domain, virDomainInfo &info) override;
    Result<unsigned long> domainGetMaxMemory(virDomainPtr domain) override;
    Result<void> domainSetMemoryFlags(virDomainPtr domain, unsigned long memory, unsigned int flags) override;
    Result<void> domainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats, size_t size) override;
    Result<void> domainInterfaceStats(virDomainPtr dom, const char *device, virDomainInterfaceStatsPtr stats,
                                      size_t size) override;
    Result<TypedParamList> domainBlockStatsFlags(virDomainPtr dom, const char *disk, unsigned int flags) override;
    Result<int> domainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats, unsigned int nr_stats, unsigned int flags) override;
    Result<int> domainGetVcpusFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetVcpusFlags(virDomainPtr domain, unsigned int nvcpus, unsigned int flags) override;


    // save images and managed save (save.cc)
    Result<void> domainSaveFlags(virDomainPtr domain, const char *to, const char *dxml, unsigned int flags) override;
    Result<void> domainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml, unsigned int flags) override;
    Result<std::string> domainSaveImageGetXMLDesc(virConnectPtr conn, const char *file, unsigned int flags) override;
    Result<void> domainManagedSave(virDomainPtr dom, unsigned int flags) override;
    Result<int> domainHasManagedSaveImage(virDomainPtr dom, unsigned int flags) override;
    Result<void> domainManagedSaveRemove(virDomainPtr dom, unsigned int flags) override;
    Result<std::string> domainManagedSaveGetXMLDesc(virDomainPtr domain, unsigned int flags) override;

    // hot-plug (domain_devices.cc)
    Result<void> domainAttachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags) override;
    Result<void> domainDetachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags) override;

    // What a device's XML names: its kind (the root element) and how a domain's device is
    // matched with it (a disk's target, an interface's MAC address).
    struct DeviceRef {
        std::string kind, key;
    };

    // streams (console.cc, screenshot.cc)
    Result<void> domainOpenConsole(virDomainPtr dom, const char *dev_name, virStreamPtr st, unsigned int flags) override;
    Result<std::string> domainScreenshot(virDomainPtr domain, virStreamPtr stream, unsigned int screen,
                                         unsigned int flags) override;

    // snapshots (snapshots.cc; the calls that only read them are SnapshotReadCalls')
    Result<Ref<_virDomainSnapshot>> domainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc, unsigned int flags) override;
    Result<void> domainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags) override;
    Result<void> domainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags) override;

private:
    friend class SnapshotReadCalls<QemuDriver>;
    friend class DomainTableCalls<QemuDriver>;
    static constexpr int kErrorDomain = VIR_FROM_QEMU;
    static constexpr const char *kName = "qemu";
    // What the list filters test of a domain, and the error of a lookup that finds none.
    DomainListFacts listFacts(const DomainObj &obj) const;
    static Error noDomainMatching(const std::string &what);

    // virConnectGetAllDomainStats and virDomainListGetStats (domain_all_stats.cc)
    Result<std::vector<DomainStatsRecord>> allDomainStats(virConnectPtr conn, virDomainPtr *doms, unsigned int stats,
                                                          unsigned int flags) override;
    Result<DomainObj *> findActive(virDomainPtr dom, std::unique_lock<std::mutex> &g);
    // The domain and the definitions VIR_DOMAIN_AFFECT_* flags choose (either may be null).
    struct Affected {
        DomainObj *obj;
        conf::DomainDef *live, *config;
    };
    Result<Affected> findAffected(virDomainPtr dom, std::unique_lock<std::mutex> &g, unsigned int flags);
    // One QMP command to a running guest whose effect QEMU's events report.
    Result<void> command(virDomainPtr domain, const char *command);
    Result<void> powerButton(virDomainPtr domain, bool agent, bool reboot);
    // Starts a definition as a transient domain, or the running instance of a defined one.
    Result<DomainObj *> launch(std::unique_ptr<conf::DomainDef> def, bool paused, int reason, int incomingFd);
    Result<void> saveTo(DomainObj *obj, const std::string &path, const char *dxml, unsigned int flags);
    Result<void> resumeManagedSave(DomainObj &obj, unsigned int flags);
    Result<void> attachLive(DomainObj &obj, const conf::DomainDef &with, const DeviceRef &ref);
    Result<void> detachLive(DomainObj &obj, const DeviceRef &ref, std::unique_lock<std::mutex> &g);
    // device_del, then up to 5 s for the guest to let the device go (g is released meanwhile,
    // obj may be gone after); whether it went. Its block nodes go with it.
    Result<bool> deleteDevice(DomainObj &obj, const std::string &alias, std::vector<std::string> nodes,
                              std::unique_lock<std::mutex> &g);
    // vCPU hot-plug and unplug up or down to n (vcpu_hotplug.cc).
    Result<void> setLiveVcpus(DomainObj &obj, unsigned int n, std::unique_lock<std::mutex> &g);

    std::shared_ptr<State> st_;
};

} // namespace vh::drv::qemu
