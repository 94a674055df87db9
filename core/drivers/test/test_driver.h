// The test driver (test:///default, test:///ABSOLUTE/PATH.xml): libvirt's in-memory
// hypervisor that applications test against. One TestDriver serves one connection; the
// State it points to may be shared (test:///default).
#pragma once

#include <functional>
#include <memory>

#include "drivers/snapshot_calls.h"
#include "drivers/test/state.h"
#include "util/uri.h"

namespace vh::drv::test {

Result<void> open(virConnectPtr conn, const Uri &uri, virConnectAuthPtr auth, unsigned int flags);

class TestDriver final : public SnapshotReadCalls<TestDriver> {
public:
    explicit TestDriver(std::shared_ptr<State> st) : st_(std::move(st)) {}

    // host (host.cc)
    Result<const char *> connectGetType(virConnectPtr conn) override;
    Result<void> connectGetVersion(virConnectPtr conn, unsigned long &hvVer) override;
    Result<std::string> connectGetHostname(virConnectPtr conn) override;
    Result<int> connectGetMaxVcpus(virConnectPtr conn, const char *type) override;
    Result<std::string> connectGetCapabilities(virConnectPtr conn) override;
    Result<int> connectIsAlive(virConnectPtr conn) override;
    Result<int> connectIsSecure(virConnectPtr conn) override;
    Result<int> connectIsEncrypted(virConnectPtr conn) override;
    Result<void> nodeGetInfo(virConnectPtr conn, virNodeInfo &info) override;
    Result<unsigned long long> nodeGetFreeMemory(virConnectPtr conn) override;
    Result<int> nodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems, int startCell, int maxCells) override;
    Result<void> nodeGetSecurityModel(virConnectPtr conn, virSecurityModel &secmodel) override;

    // events (host.cc)
    Result<int> connectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                              virConnectDomainEventGenericCallback cb, void *opaque, virFreeCallback freecb) override;
    Result<void> connectDomainEventDeregisterAny(virConnectPtr conn, int callbackID) override;
    Result<void> connectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb, void *opaque, virFreeCallback freecb) override;
    Result<void> connectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb) override;


    // lifecycle (domain.cc)
    Result<Ref<_virDomain>> domainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags) override;
    Result<Ref<_virDomain>> domainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags) override;
    Result<void> domainCreateWithFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainUndefineFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainDestroyFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainShutdownFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainReboot(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainReset(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSuspend(virDomainPtr domain) override;
    Result<void> domainResume(virDomainPtr domain) override;
    Result<void> domainSaveFlags(virDomainPtr domain, const char *to, const char *dxml, unsigned int flags) override;
    Result<void> domainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml, unsigned int flags) override;
    Result<void> domainManagedSave(virDomainPtr dom, unsigned int flags) override;
    Result<int> domainHasManagedSaveImage(virDomainPtr dom, unsigned int flags) override;
    Result<void> domainManagedSaveRemove(virDomainPtr dom, unsigned int flags) override;
    Result<void> domainRename(virDomainPtr dom, const char *new_name, unsigned int flags) override;

    // information and configuration (domain_config.cc)
    Result<std::string> domainGetOSType(virDomainPtr domain) override;
    Result<void> domainGetInfo(virDomainPtr domain, virDomainInfo &info) override;
    Result<void> domainGetState(virDomainPtr domain, int &state, int &reason, unsigned int flags) override;
    Result<unsigned long> domainGetMaxMemory(virDomainPtr domain) override;
    Result<std::string> domainGetXMLDesc(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetMemoryFlags(virDomainPtr domain, unsigned long memory, unsigned int flags) override;
    Result<void> domainSetVcpusFlags(virDomainPtr domain, unsigned int nvcpus, unsigned int flags) override;
    Result<int> domainGetVcpusFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainGetAutostart(virDomainPtr domain, int &autostart) override;
    // I/O statistics (domain_stats.cc)
    Result<void> domainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats, size_t size) override;
    Result<void> domainInterfaceStats(virDomainPtr dom, const char *device, virDomainInterfaceStatsPtr stats,
                                      size_t size) override;
    Result<void> domainSetAutostart(virDomainPtr domain, int autostart) override;
    Result<int> domainIsActive(virDomainPtr dom) override;
    Result<int> domainIsPersistent(virDomainPtr dom) override;
    Result<int> domainIsUpdated(virDomainPtr dom) override;
    Result<std::string> domainGetMetadata(virDomainPtr domain, int type, const char *uri, unsigned int flags) override;
    Result<void> domainSetMetadata(virDomainPtr domain, int type, const char *metadata, const char *key,
                                   const char *uri, unsigned int flags) override;
    Result<void> domainGetSecurityLabel(virDomainPtr domain, virSecurityLabel &seclabel) override;

    // streams (domain_streams.cc)
    Result<std::string> domainScreenshot(virDomainPtr domain, virStreamPtr stream, unsigned int screen,
                                         unsigned int flags) override;

    // tuning (domain_tuning.cc)
    Result<std::string> domainGetSchedulerType(virDomainPtr domain, int &nparams) override;
    Result<TypedParamList> domainGetSchedulerParametersFlags(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetSchedulerParametersFlags(virDomainPtr domain, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetMemoryParameters(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetMemoryParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetBlkioParameters(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetBlkioParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetNumaParameters(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetNumaParameters(virDomainPtr domain, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetPerfEvents(virDomainPtr domain, unsigned int flags) override;
    Result<void> domainSetPerfEvents(virDomainPtr domain, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetBlockIoTune(virDomainPtr dom, const char *disk, unsigned int flags) override;
    Result<void> domainSetBlockIoTune(virDomainPtr dom, const char *disk, TypedParamSpan params, unsigned int flags) override;
    Result<TypedParamList> domainGetInterfaceParameters(virDomainPtr domain, const char *device, unsigned int flags) override;
    Result<void> domainSetInterfaceParameters(virDomainPtr domain, const char *device, TypedParamSpan params,
                                              unsigned int flags) override;

    // snapshots (domain_snapshots.cc; the calls that only read them are SnapshotReadCalls')
    Result<Ref<_virDomainSnapshot>> domainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc, unsigned int flags) override;
    Result<void> domainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags) override;
    Result<void> domainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags) override;

private:
    friend class SnapshotReadCalls<TestDriver>;
    friend class DomainTableCalls<TestDriver>;
    static constexpr int kErrorDomain = VIR_FROM_TEST;
    static constexpr const char *kName = "test";
    // What the list filters test of a domain, and the error of a lookup that finds none.
    DomainListFacts listFacts(const DomainObj &obj) const;
    static Error noDomainMatching(const std::string &what);

    // virConnectGetAllDomainStats and virDomainListGetStats (domain_all_stats.cc)
    Result<std::vector<DomainStatsRecord>> allDomainStats(virConnectPtr conn, virDomainPtr *doms, unsigned int stats,
                                                          unsigned int flags) override;
    // find() (DomainTableCalls), for a domain that must be running.
    Result<DomainObj *> findActive(virDomainPtr dom, std::unique_lock<std::mutex> &g);
    void emit(const DomainObj &obj, int event, int detail);
    // Which of the running and persistent definitions a change with these flags touches.
    Result<std::pair<conf::DomainDef *, conf::DomainDef *>> targets(DomainObj &obj, unsigned int flags);
    // "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive" when
    // both are set (also libvirt's entry-point check of the tuning calls, which api/ does not
    // describe for them).
    static Result<void> oneAffect(unsigned int flags);
    // The one definition (running or persistent, by VIR_DOMAIN_AFFECT_* in flags) a tuning call
    // reads or changes, with the state locked; *obj, when asked for, is its domain.
    Result<conf::DomainDef *> tuningDef(virDomainPtr dom, std::unique_lock<std::mutex> &g, unsigned int flags,
                                        DomainObj **obj = nullptr);
    // A getter of typed parameters: what fill adds from that definition.
    Result<TypedParamList> readTuning(virDomainPtr dom, unsigned int flags,
                                      const std::function<Result<void>(const conf::DomainDef &, TypedParamList &)> &fill);
    // A setter of typed parameters: params checked against allowed, then change made to that
    // definition (and its domain).
    Result<void> changeTuning(virDomainPtr dom, TypedParamSpan params, std::span<const TypedParamSpec> allowed,
                              unsigned int flags, const std::function<Result<void>(conf::DomainDef &, DomainObj &)> &change);

    std::shared_ptr<State> st_;
};

} // namespace vh::drv::test
