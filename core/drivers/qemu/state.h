// The QEMU driver's world for one state directory: the domains with their configs on disk,
// the running ones with their QEMU process and monitor, and a lock so that one process at a
// time manages the directory.
//
// Layout (qemu:///embed?root=R; session and system use the XDG and /etc, /run, /var/log
// directories instead):
//   R/etc/qemu/NAME.xml      persistent configs
//   R/run/qemu/NAME.xml      the status of a running guest (<domstatus>: pid, start time, monitor, live XML)
//   R/run/qemu/NAME.monitor  its QMP socket
//   R/log/qemu/NAME.log      its QEMU output
//   R/run/qemu/driver.lock   held by the process managing R
//   R/lib/qemu/save/NAME.save  a managed save image
//   R/lib/qemu/snapshot/NAME/SNAP.xml  a snapshot's metadata (<active> marks the current one)
//   R/etc/qemu/autostart/NAME.xml  a link to NAME's config: start it with the host
//   R/run/qemu/autostarted   the boot whose autostart has been done
//   R/cache/qemu/capabilities/_usr_bin_qemu-system-ARCH.json   what each QEMU binary can do
//   R/cache/qemu/capabilities/qemu-system-ARCH.kvm    whether KVM runs guests (kvm_probe.h)
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "conf/domain/domain_def.h"
#include "drivers/domain_obj.h"
#include "drivers/domain_table.h"
#include "drivers/events.h"
#include "drivers/qemu/command_line.h"
#include "drivers/qemu/monitor.h"
#include "drivers/qemu/process.h"
#include "util/result.h"

namespace vh::drv::qemu {

struct Paths {
    std::string config, run, log, cache;   // cache: the binaries' probe results
    std::string save;                      // managed save images
    std::string snapshot;                  // snapshot metadata, a directory per domain
};

struct DomainObj : DomainRecord {
    Process process;
    std::unique_ptr<Monitor> monitor;
    unsigned long run = 0;          // which start the monitor's events belong to
    unsigned long settled = 0;      // the monitor's events up to this one are reflected in state
    bool fakeReboot = false;        // the next guest power-off restarts it (virDomainReboot, on_poweroff='restart')
    unsigned int vcpuThreads = 0;   // vCPU threads this QEMU has run: TCG never frees one, and has maxcpus
    // devices asked to go (device_del) whose DEVICE_DELETED has not come: alias -> block nodes
    std::map<std::string, std::vector<std::string>> unplugging;
};

class State : public DomainTable<DomainObj>, public std::enable_shared_from_this<State> {
public:
    // The state of a directory set, shared by the connections of this process; loads configs
    // (without validation) and reattaches running guests the first time.
    static Result<std::shared_ptr<State>> open(const Paths &paths);
    ~State();

    std::mutex lock;
    const Paths paths;
    std::shared_ptr<EventState> events = std::make_shared<EventState>();
    const conf::DomainXMLOptions &xmlopt;
    // What the host offers guests, KVM above all: probed on first need (capabilities, domain
    // capabilities, a domain of type 'kvm'), since the probe runs a test guest (kvm_probe.h).
    const HostFacts &hostFacts();
    // The facts a domain's command line needs: probed only for type='kvm'.
    HostFacts hostFactsFor(const conf::DomainDef &def);
    int nextId = 1;

    // The domains (DomainTable: lookups, add, remove) are changed under `lock`; removing one
    // drops its snapshot metadata too.
    void remove(DomainObj *obj);

    std::string configFile(const std::string &name) const { return paths.config + "/" + name + ".xml"; }
    std::string statusFile(const std::string &name) const { return paths.run + "/" + name + ".xml"; }
    std::string managedSaveFile(const std::string &name) const { return paths.save + "/" + name + ".save"; }
    std::string snapshotDir(const std::string &name) const { return paths.snapshot + "/" + name; }
    // A snapshot's metadata written (atomically), or all of a domain's again (after the tree
    // or the current one changed); read back when the state is opened.
    Result<void> saveSnapshot(const DomainObj &obj, const conf::SnapshotDef &def);
    Result<void> saveSnapshots(const DomainObj &obj);
    // A link to the config marks a domain to start with the host (libvirt's layout).
    std::string autostartLink(const std::string &name) const { return paths.config + "/autostart/" + name + ".xml"; }
    GuestPaths guestPaths(const std::string &name) const
    {
        return {paths.run + "/" + name + ".monitor", paths.log + "/" + name + ".log"};
    }

    Result<void> saveConfig(const conf::DomainDef &def);
    // Changes a persistent config: on disk first, then in memory, so a failed write changes nothing.
    template <class Change>
    Result<void> changeConfig(conf::DomainDef &config, Change change)
    {
        conf::DomainDef changed = config;
        change(changed);
        VH_TRY(saveConfig(changed));
        config = std::move(changed);
        return {};
    }
    Result<void> saveStatus(const DomainObj &obj);

    // Starts QEMU for an inactive domain and continues it unless paused; with incomingFd, the
    // guest's state comes from that file (a save image's migration stream). Callers hold `lock`.
    // With reason VIR_DOMAIN_RUNNING_FROM_SNAPSHOT, the guest comes from the internal snapshot
    // (or boots, without one), and the events say so.
    Result<void> start(DomainObj &obj, bool paused, int reason, int incomingFd = -1,
                       const conf::SnapshotDef *snapshot = nullptr);
    // Stops the guest's QEMU and marks it shut off with reason; a transient domain is removed
    // (callers must not use obj after). Callers hold `lock`.
    Result<void> stop(DomainObj *obj, int reason, int eventDetail);
    void emit(const DomainObj &obj, int event, int detail);
    // A running guest's new run state: recorded in its status document and announced.
    Result<void> setRunState(DomainObj &obj, int state, int reason, int event, int detail);
    // Runs a QMP command that changes the guest's run state, which the caller then records:
    // the events it caused are not reported again.
    Result<Json> control(DomainObj &obj, const std::string &command);
    // QEMU let a device go (DEVICE_DELETED): out of the running definition, its backend
    // (block nodes, netdev) removed, DEVICE_REMOVED announced (domain_devices.cc).
    void removeDevice(DomainObj &obj, const std::string &alias);
    std::condition_variable deviceRemoved;     // notified with `lock` held

private:
    // What a monitor reported, handled by the worker thread: the reader thread must not wait
    // for `lock`, which an API call holds while it waits for the reader to bring its reply.
    struct MonitorNote {
        std::string uuid;          // raw 16 bytes
        unsigned long run;
        std::string event;         // a QMP event, or "" for the end of the connection
        unsigned long seq = 0;     // the event's number on its monitor
        Json data;
    };

    State(Paths p, int lockFd);
    Result<void> load();
    void loadSnapshots(DomainObj &obj);
    // Starts the autostart domains, once per host boot for the directory.
    void autostart();
    Result<void> reattach(DomainObj &obj, pid_t pid, unsigned long long startTime);
    Result<void> connectMonitor(DomainObj &obj, std::chrono::milliseconds timeout);
    void note(MonitorNote n);
    void work();
    void handle(const MonitorNote &n);
    // QEMU's SHUTDOWN: the guest (or a powerdown) turned it off; QEMU stays up (-no-shutdown)
    // and the domain's on_poweroff / on_reboot decide what follows.
    void guestPoweredOff(DomainObj *obj, const Json &data);
    // Marks a guest whose QEMU is gone as shut off; removes a transient one.
    void cleanup(DomainObj *obj, int reason, int eventDetail);

    std::once_flag hostOnce_;
    HostFacts host_;
    int lockFd_;
    unsigned long runs_ = 0;
    std::mutex notesLock_;
    std::condition_variable notesReady_;
    std::deque<MonitorNote> notes_;
    bool quit_ = false;
    std::thread worker_;
};

} // namespace vh::drv::qemu
