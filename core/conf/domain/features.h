// <features>: every hypervisor feature libvirt 9.0.0 knows, printed in libvirt's order (the
// order of its feature enum, not the document's).
#pragma once

#include <array>
#include <optional>
#include <string>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

// libvirt's virDomainFeature, in its order (which is also the output order).
enum class Feature {
    Acpi, Apic, Pae, Hap, Viridian, Privnet, Hyperv, Kvm, Pvspinlock, Capabilities, Pmu, Vmport, Gic, Smm,
    Ioapic, Hpt, Vmcoreinfo, Htm, NestedHv, Msrs, CcfAssist, Xen, Cfpc, Sbbc, Ibs, Tcg, Last
};
VH_ENUM_TABLE(kFeature, Feature, "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
              "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs",
              "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg");

enum class HypervMode { None, Custom, Passthrough, Last };
VH_ENUM_TABLE(kHypervMode, HypervMode, "none", "custom", "passthrough");

enum class HypervFeature {
    Relaxed, Vapic, Spinlocks, Vpindex, Runtime, Synic, Stimer, Reset, VendorId, Frequencies, Reenlightenment,
    Tlbflush, Ipi, Evmcs, Avic, Last
};
VH_ENUM_TABLE(kHypervFeature, HypervFeature, "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
              "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic");

enum class KvmFeature { Hidden, HintDedicated, PollControl, PvIpi, DirtyRing, Last };
VH_ENUM_TABLE(kKvmFeature, KvmFeature, "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring");

enum class XenFeature { E820Host, Passthrough, Last };
VH_ENUM_TABLE(kXenFeature, XenFeature, "e820_host", "passthrough");

enum class XenPassthroughMode { Default, SyncPt, SharePt, Last };
VH_ENUM_TABLE(kXenPassthroughMode, XenPassthroughMode, "default", "sync_pt", "share_pt");

enum class CapsPolicy { Default, Allow, Deny, Last };
VH_ENUM_TABLE(kCapsPolicy, CapsPolicy, "default", "allow", "deny");

// Linux capabilities of a container (<capabilities><chown state='on'/>...).
enum class ProcessCap {
    AuditControl, AuditWrite, BlockSuspend, Chown, DacOverride, DacReadSearch, Fowner, Fsetid, IpcLock, IpcOwner,
    Kill, Lease, LinuxImmutable, MacAdmin, MacOverride, Mknod, NetAdmin, NetBindService, NetBroadcast, NetRaw,
    Setgid, Setfcap, Setpcap, Setuid, SysAdmin, SysBoot, SysChroot, SysModule, SysNice, SysPacct, SysPtrace,
    SysRawio, SysResource, SysTime, SysTtyConfig, Syslog, WakeAlarm, Last
};
VH_ENUM_TABLE(kProcessCap, ProcessCap, "audit_control", "audit_write", "block_suspend", "chown", "dac_override",
              "dac_read_search", "fowner", "fsetid", "ipc_lock", "ipc_owner", "kill", "lease", "linux_immutable",
              "mac_admin", "mac_override", "mknod", "net_admin", "net_bind_service", "net_broadcast", "net_raw",
              "setgid", "setfcap", "setpcap", "setuid", "sys_admin", "sys_boot", "sys_chroot", "sys_module",
              "sys_nice", "sys_pacct", "sys_ptrace", "sys_rawio", "sys_resource", "sys_time", "sys_tty_config",
              "syslog", "wake_alarm");

enum class GicVersion { None, Host, V2, V3, Last };
VH_ENUM_TABLE(kGicVersion, GicVersion, "none", "host", "2", "3");

enum class IoapicDriver { None, Kvm, Qemu, Last };
VH_ENUM_TABLE(kIoapicDriver, IoapicDriver, "none", "kvm", "qemu");

enum class HptResizing { None, Enabled, Disabled, Required, Last };
VH_ENUM_TABLE(kHptResizing, HptResizing, "none", "enabled", "disabled", "required");

enum class MsrsUnknown { Ignore, Fault, Last };
VH_ENUM_TABLE(kMsrsUnknown, MsrsUnknown, "ignore", "fault");

enum class CfpcValue { None, Broken, Workaround, Fixed, Last };
VH_ENUM_TABLE(kCfpcValue, CfpcValue, "none", "broken", "workaround", "fixed");

enum class SbbcValue { None, Broken, Workaround, Fixed, Last };
VH_ENUM_TABLE(kSbbcValue, SbbcValue, "none", "broken", "workaround", "fixed");

enum class IbsValue { None, Broken, Workaround, FixedIbs, FixedCcd, FixedNa, Last };
VH_ENUM_TABLE(kIbsValue, IbsValue, "none", "broken", "workaround", "fixed-ibs", "fixed-ccd", "fixed-na");

template <class E>
using SwitchArray = std::array<std::optional<bool>, static_cast<size_t>(E::Last)>;

struct FeaturesDef {
    // on/off state of the simple features (acpi, pae, viridian, privnet are on when present;
    // hap, pvspinlock, pmu, vmport, smm, vmcoreinfo, htm, nested-hv, ccf-assist take state=),
    // and presence (true) of apic, gic, hyperv, kvm, xen; nullopt: absent
    SwitchArray<Feature> state;

    std::optional<bool> apicEoi;

    HypervMode hypervMode = HypervMode::None;
    SwitchArray<HypervFeature> hyperv;
    unsigned int hypervSpinlocks = 0;        // retries, when spinlocks are on
    std::string hypervVendorId;              // when vendor_id is on
    std::optional<bool> hypervStimerDirect;  // when stimer is on (printed when on)

    SwitchArray<KvmFeature> kvm;
    unsigned int kvmDirtyRingSize = 0;       // when dirty-ring is on

    SwitchArray<XenFeature> xen;
    XenPassthroughMode xenPassthroughMode = XenPassthroughMode::Default;

    CapsPolicy capsPolicy = CapsPolicy::Default;
    SwitchArray<ProcessCap> caps;

    GicVersion gicVersion = GicVersion::None;
    std::optional<unsigned long long> tsegBytes;   // <smm><tseg>, read when smm is on
    IoapicDriver ioapic = IoapicDriver::None;
    HptResizing hptResizing = HptResizing::None;
    unsigned long long hptMaxPageSizeKiB = 0;
    std::optional<MsrsUnknown> msrsUnknown;
    CfpcValue cfpc = CfpcValue::None;
    SbbcValue sbbc = SbbcValue::None;
    IbsValue ibs = IbsValue::None;
    unsigned long long tcgTbCacheKiB = 0;

    // Whether a feature is there at all (and so printed).
    bool has(Feature f) const;

    static Result<FeaturesDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
