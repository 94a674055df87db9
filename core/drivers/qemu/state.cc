#include "drivers/qemu/state.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "drivers/qemu/console.h"
#include "drivers/qemu/disks.h"
#include "drivers/qemu/domain_capabilities.h"
#include "drivers/qemu/graphics.h"
#include "drivers/qemu/internal_snapshots.h"
#include "drivers/qemu/kvm_probe.h"
#include "drivers/qemu/migration.h"
#include "util/files.h"
#include "util/uuid.h"

namespace vh::drv::qemu {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// One State per directory set in a process, shared by its connections.
std::mutex gStatesLock;
std::map<std::string, std::weak_ptr<State>> gStates;

const conf::DomainXMLOptions &qemuXMLOptions()
{
    static const conf::DomainXMLOptions opts = [] {
        conf::DomainXMLOptions o;
        o.defaultArch = "x86_64";
        o.validate = validateForQemu;
        return o;
    }();
    return opts;
}

std::string uuidKey(const unsigned char *uuid)
{
    return std::string(reinterpret_cast<const char *>(uuid), VIR_UUID_BUFLEN);
}

} // namespace

State::State(Paths p, int lockFd) : paths(std::move(p)), xmlopt(qemuXMLOptions()), lockFd_(lockFd)
{
    worker_ = std::thread([this] { work(); });
}

const HostFacts &State::hostFacts()
{
    std::call_once(hostOnce_, [this] {
        utsname u{};
        uname(&u);
        std::string binary = binaryForArch(u.machine);
        auto caps = probeEmulator(binary, paths.cache);
        if (!caps) {
            host_ = {false, "cannot probe " + binary + ": " + caps.error().message};
            return;
        }
        KvmVerdict v = probeKvm(*caps, paths.cache);
        host_ = {v.usable, v.reason};
    });
    return host_;
}

HostFacts State::hostFactsFor(const conf::DomainDef &def)
{
    return def.virtType == "kvm" ? hostFacts() : HostFacts{};
}

State::~State()
{
    {
        std::lock_guard<std::mutex> g(notesLock_);
        quit_ = true;
    }
    notesReady_.notify_all();
    worker_.join();
    // guests keep running: their monitors close, their QEMU processes stay
    domains.clear();
    close(lockFd_);
}

Result<std::shared_ptr<State>> State::open(const Paths &paths)
{
    std::lock_guard<std::mutex> g(gStatesLock);
    if (auto st = gStates[paths.config].lock())
        return st;
    for (const std::string *dir : {&paths.config, &paths.run, &paths.log, &paths.save, &paths.snapshot})
        VH_TRY(makeDirs(*dir, 0700, VIR_FROM_QEMU));
    std::string lockPath = paths.run + "/driver.lock";
    int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "cannot open '" + lockPath + "'");
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID,
                           "another process is managing the QEMU state in '" + paths.run + "'");
    }
    std::shared_ptr<State> st(new State(paths, fd));
    {
        std::lock_guard<std::mutex> sg(st->lock);
        VH_TRY(st->load());
        st->autostart();
    }
    gStates[paths.config] = st;
    return st;
}

void State::remove(DomainObj *obj)
{
    // its snapshots' metadata goes with it (a domain with snapshots is only undefined with
    // VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA, or stops as a transient one)
    std::error_code ec;
    fs::remove_all(snapshotDir(obj->def->name), ec);
    DomainTable::remove(obj);
}

Result<void> State::saveConfig(const conf::DomainDef &def)
{
    return writeFileAtomic(configFile(def.name), conf::formatDomain(def, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE),
                           VIR_FROM_QEMU);
}

Result<void> State::saveSnapshot(const DomainObj &obj, const conf::SnapshotDef &def)
{
    VH_TRY(makeDirs(snapshotDir(obj.def->name), 0700, VIR_FROM_QEMU));
    conf::SnapshotDef stored = def;
    stored.current = obj.snapshots.current() == &def;
    return writeFileAtomic(snapshotDir(obj.def->name) + "/" + def.name + ".xml",
                           conf::formatSnapshot(stored, conf::SNAPSHOT_FORMAT_INTERNAL | conf::SNAPSHOT_FORMAT_SECURE),
                           VIR_FROM_QEMU);
}

Result<void> State::saveSnapshots(const DomainObj &obj)
{
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(snapshotDir(obj.def->name), ec))
        if (e.path().extension() == ".xml" && !obj.snapshots.find(e.path().stem().string()))
            fs::remove(e.path(), ec);
    for (const auto &def : obj.snapshots.all())
        VH_TRY(saveSnapshot(obj, *def));
    return {};
}

void State::loadSnapshots(DomainObj &obj)
{
    std::error_code ec;
    std::vector<std::unique_ptr<conf::SnapshotDef>> defs;
    for (const auto &e : fs::directory_iterator(snapshotDir(obj.def->name), ec)) {
        auto text = e.path().extension() == ".xml" ? readFile(e.path(), VIR_FROM_QEMU) : Result<std::string>(std::string());
        if (!text || text->empty())
            continue;
        auto def = conf::parseSnapshot(*text, xmlopt, conf::SNAPSHOT_PARSE_INTERNAL);
        if (def)
            defs.push_back(std::move(*def));
    }
    // creation order, which the listing's "newest child first" follows
    std::stable_sort(defs.begin(), defs.end(), [](const auto &a, const auto &b) { return a->creationTime < b->creationTime; });
    for (auto &def : defs) {
        bool current = def->current;
        std::string name = def->name;
        obj.snapshots.put(std::move(def));
        if (current)
            obj.snapshots.setCurrent(name);
    }
}

Result<void> State::saveStatus(const DomainObj &obj)
{
    std::string text = strprintf("<domstatus state='%d' reason='%d' pid='%d' starttime='%llu' vcputhreads='%u'%s>\n  <monitor path='",
                                 obj.state, obj.reason, obj.process.pid(), Process::startTime(obj.process.pid()),
                                 obj.vcpuThreads, obj.fakeReboot ? " fakereboot='1'" : "");
    xml::escape(text, guestPaths(obj.def->name).monitor);
    text += "'/>\n" + conf::formatDomain(*obj.def, VIR_DOMAIN_XML_SECURE, 1) + "</domstatus>\n";
    return writeFileAtomic(statusFile(obj.def->name), text, VIR_FROM_QEMU);
}

void State::emit(const DomainObj &obj, int event, int detail)
{
    events->queue(DomainEvent::lifecycle(obj.def->name, obj.def->uuid, obj.def->id, event, detail));
}

Result<void> State::setRunState(DomainObj &obj, int state, int reason, int event, int detail)
{
    obj.state = state;
    obj.reason = reason;
    emit(obj, event, detail);
    return saveStatus(obj);
}

// Stored configs load without validation (ARCHITECTURE.md decision 6); a running guest's
// status brings it back with its live definition, its QEMU process and its monitor.
Result<void> State::load()
{
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(paths.config, ec)) {
        if (e.path().extension() != ".xml")
            continue;
        auto text = readFile(e.path(), VIR_FROM_QEMU);
        if (!text)
            continue;
        auto def = conf::parseDomain(*text, xmlopt, conf::PARSE_INACTIVE | conf::PARSE_SKIP_VALIDATE);
        if (!def || byName((*def)->name) || byUUID((*def)->uuid))
            continue;    // left on disk as it is; not listed
        DomainObj &obj = add(std::move(*def));
        obj.persistent = true;
        if (access(managedSaveFile(obj.def->name).c_str(), F_OK) == 0)
            obj.reason = VIR_DOMAIN_SHUTOFF_SAVED;
        obj.autostart = access(autostartLink(obj.def->name).c_str(), F_OK) == 0;
    }
    for (const auto &e : fs::directory_iterator(paths.run, ec)) {
        if (e.path().extension() != ".xml")
            continue;
        auto doc = xml::parseFile(e.path(), VIR_FROM_QEMU);
        if (!doc)
            continue;
        const xmlNode *root = xmlDocGetRootElement(doc->get());
        const xmlNode *domain = root ? xml::child(root, "domain") : nullptr;
        if (!domain)
            continue;
        auto live = conf::parseDomainNode(domain, xmlopt, conf::PARSE_STATUS | conf::PARSE_SKIP_VALIDATE);
        if (!live)
            continue;
        auto num = [&](const char *name) { return xml::toLL(xml::attr(root, name).value_or("")).value_or(0); };
        DomainObj *obj = byUUID((*live)->uuid);
        if (!obj) {
            int id = (*live)->id;
            obj = &add(std::move(*live));     // a transient guest
            obj->def->id = id;
        } else {
            obj->newDef = std::move(obj->def);
            obj->def = std::move(*live);
        }
        obj->state = static_cast<int>(num("state"));
        obj->reason = static_cast<int>(num("reason"));
        obj->fakeReboot = num("fakereboot") != 0;
        obj->vcpuThreads = std::max<unsigned int>(static_cast<unsigned int>(num("vcputhreads")), obj->def->vcpu.current);
        nextId = std::max(nextId, obj->def->id + 1);
        if (!reattach(*obj, static_cast<pid_t>(num("pid")), static_cast<unsigned long long>(num("starttime"))))
            cleanup(obj, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    }
    for (const auto &d : domains)
        loadSnapshots(*d);
    return {};
}

void State::autostart()
{
    // the run directory of an embedded root outlives reboots: the marker says which boot
    std::string marker = paths.run + "/autostarted";
    auto boot = readFile("/proc/sys/kernel/random/boot_id", VIR_FROM_QEMU);
    auto done = readFile(marker, VIR_FROM_QEMU);
    if (!boot || (done && *done == *boot))
        return;
    (void)writeFileAtomic(marker, *boot, VIR_FROM_QEMU);
    for (const auto &d : std::vector<std::shared_ptr<DomainObj>>(domains)) {
        // a guest that cannot start stays defined; the next start reports why
        if (d->autostart && !d->active() && conf::validateDomain(*d->def, xmlopt))
            (void)start(*d, false, VIR_DOMAIN_RUNNING_BOOTED);
    }
}

Result<void> State::reattach(DomainObj &obj, pid_t pid, unsigned long long startTime)
{
    auto proc = Process::attach(pid, startTime);
    if (!proc)
        return std::move(proc).error();
    obj.process = std::move(*proc);
    VH_TRY(connectMonitor(obj, 2s));
    // QEMU's own view wins over the status file
    auto status = control(obj, "query-status");
    if (status && (*status).value("status", std::string()) == "shutdown" && obj.state != VIR_DOMAIN_SHUTDOWN) {
        // the guest powered off while no process watched it: on_poweroff decides now
        guestPoweredOff(&obj, Json::object());
        return {};
    }
    if (status && (*status).value("running", false)) {
        obj.state = VIR_DOMAIN_RUNNING;
        if (obj.reason < 0 || obj.reason >= VIR_DOMAIN_RUNNING_LAST)
            obj.reason = VIR_DOMAIN_RUNNING_UNKNOWN;
    } else if (status && obj.state != VIR_DOMAIN_SHUTDOWN) {
        obj.state = VIR_DOMAIN_PAUSED;
    }
    return {};
}

Result<void> State::connectMonitor(DomainObj &obj, std::chrono::milliseconds timeout)
{
    std::string uuid = uuidKey(obj.def->uuid);
    // unique in this State, so a late note of an earlier guest of the same UUID never matches
    unsigned long run = obj.run = ++runs_;
    obj.settled = 0;     // a new monitor numbers its events from 1
    auto mon = Monitor::connect(
        guestPaths(obj.def->name).monitor, timeout,
        [this, uuid, run](const std::string &event, const Json &data, long long, unsigned, unsigned long seq) {
            note({uuid, run, event, seq, data});
        },
        [this, uuid, run] { note({uuid, run, "", 0, {}}); }, [&obj] { return obj.process.running(); });
    if (!mon)
        return std::move(mon).error();
    obj.monitor = std::move(*mon);
    return {};
}

Result<void> State::start(DomainObj &obj, bool paused, int reason, int incomingFd, const conf::SnapshotDef *snapshot)
{
    GuestPaths gp = guestPaths(obj.def->name);
    // the definition that runs: with what start chooses (device aliases, VNC ports and
    // sockets, ptys)
    auto live = std::make_unique<conf::DomainDef>(*obj.def);
    assignAliases(*live);
    VH_TRY(assignDisplay(*live, paths.run));
    auto argv = buildCommandLine(*live, gp, hostFactsFor(*live));
    if (!argv)
        return std::move(argv).error();
    if (incomingFd >= 0)
        argv->insert(argv->end(), {"-incoming", "defer"});     // the state arrives over QMP

    for (const auto &h : obj.def->devices.hostdevs) {
        if (h.type == "mdev" && !fs::exists(mdevPath(h.uuid)))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_DEVICE_MISSING,
                               "mediated device '" + h.uuid + "' does not exist on this host (" + mdevPath(h.uuid) + ")");
    }
    VH_TRY(checkDiskSources(*obj.def));
    unlink(gp.monitor.c_str());
    auto proc = Process::spawn(*argv, gp.log);
    if (!proc)
        return std::move(proc).error();
    obj.process = std::move(*proc);
    auto connected = connectMonitor(obj, 30s);
    const conf::MemoryDef &mem = obj.def->memory;
    if (connected && mem.currentKiB < mem.totalKiB && hasBalloon(*obj.def)) {
        // <currentMemory>: the balloon's target before the guest runs
        if (auto r = obj.monitor->execute("balloon", {{"value", mem.currentKiB * 1024}}); !r)
            connected = std::move(r).error();
    }
    if (connected && incomingFd >= 0)
        connected = receiveState(*obj.monitor, incomingFd);
    if (connected && snapshot) {
        connected = runSnapshotJob(*obj.monitor, *live, *snapshot, JobKind::Load);
        obj.settled = obj.monitor->eventsSeen();
    }
    if (connected)
        connected = recordPtys(*live, *obj.monitor);
    if (connected && !paused) {
        if (auto cont = control(obj, "cont"); !cont)
            connected = std::move(cont).error();
    }
    if (!connected) {
        obj.monitor.reset();
        (void)obj.process.stop(1s);
        auto log = readFile(gp.log, VIR_FROM_QEMU);
        std::string tail = log ? log->substr(log->size() > 2000 ? log->size() - 2000 : 0) : "";
        Error e = std::move(connected).error();
        if (!tail.empty())
            e.message += "; QEMU's log: " + tail;
        return e;
    }
    if (obj.persistent)
        obj.keepConfig();
    obj.def = std::move(live);
    obj.def->id = nextId++;
    obj.vcpuThreads = obj.def->vcpu.current;
    bool fromSnapshot = reason == VIR_DOMAIN_RUNNING_FROM_SNAPSHOT;
    obj.state = paused ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING;
    obj.reason = !paused ? reason : fromSnapshot ? VIR_DOMAIN_PAUSED_FROM_SNAPSHOT : VIR_DOMAIN_PAUSED_USER;
    VH_TRY(saveStatus(obj));
    emit(obj, VIR_DOMAIN_EVENT_STARTED, fromSnapshot        ? VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT
                                        : incomingFd >= 0   ? VIR_DOMAIN_EVENT_STARTED_RESTORED
                                                            : VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused)
        emit(obj, VIR_DOMAIN_EVENT_SUSPENDED,
             fromSnapshot ? VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT : VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return {};
}

Result<void> State::stop(DomainObj *obj, int reason, int eventDetail)
{
    obj->monitor.reset();     // its EOF would report an exit we cause
    VH_TRY(obj->process.stop(10s));
    cleanup(obj, reason, eventDetail);
    return {};
}

void State::cleanup(DomainObj *obj, int reason, int eventDetail)
{
    obj->monitor.reset();
    obj->process = Process();
    obj->fakeReboot = false;
    obj->unplugging.clear();
    deviceRemoved.notify_all();
    unlink(statusFile(obj->def->name).c_str());
    unlink(guestPaths(obj->def->name).monitor.c_str());
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = reason;
    emit(*obj, VIR_DOMAIN_EVENT_STOPPED, eventDetail);
    if (!obj->persistent) {
        remove(obj);
        return;
    }
    if (obj->newDef)
        obj->def = std::move(obj->newDef);
    obj->def->id = -1;
}

Result<Json> State::control(DomainObj &obj, const std::string &command)
{
    auto r = obj.monitor->execute(command);
    obj.settled = obj.monitor->eventsSeen();
    return r;
}

void State::note(MonitorNote n)
{
    {
        std::lock_guard<std::mutex> g(notesLock_);
        notes_.push_back(std::move(n));
    }
    notesReady_.notify_one();
}

void State::work()
{
    for (;;) {
        MonitorNote n;
        {
            std::unique_lock<std::mutex> g(notesLock_);
            notesReady_.wait(g, [&] { return quit_ || !notes_.empty(); });
            if (quit_)
                return;
            n = std::move(notes_.front());
            notes_.pop_front();
        }
        std::lock_guard<std::mutex> g(lock);
        handle(n);
    }
}

void State::handle(const MonitorNote &n)
{
    DomainObj *obj = byUUID(reinterpret_cast<const unsigned char *>(n.uuid.data()));
    if (!obj || !obj->active() || obj->run != n.run)
        return;      // a guest that stopped or started again since
    if (n.event.empty()) {
        // QEMU exited by itself (a guest that powers off leaves it up): a crash
        obj->process.waitExit(1s);
        cleanup(obj, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    } else if (n.event == "SHUTDOWN") {
        guestPoweredOff(obj, n.data);
    } else if (n.event == "RESET") {
        // a guest reboot or system_reset: QEMU reset the machine and it runs on
        events->queue(DomainEvent::payloadless(VIR_DOMAIN_EVENT_ID_REBOOT, obj->def->name, obj->def->uuid, obj->def->id));
    } else if (n.event == "DEVICE_DELETED") {
        if (n.data.contains("device"))
            removeDevice(*obj, n.data["device"].get<std::string>());
    } else if (n.event == "ACPI_DEVICE_OST") {
        // QEMU tells of a vCPU's unplug only as the guest's eject status (source 3), done (0)
        const Json &info = n.data.value("info", Json::object());
        if (info.value("slot-type", std::string()) == "CPU" && info.value("source", -1) == 3 && info.value("status", -1) == 0)
            removeDevice(*obj, "vcpu" + info.value("slot", std::string()));
    } else if (n.seq <= obj->settled) {
        return;      // caused by a command whose effect the caller recorded
    } else if (n.event == "STOP" && obj->state == VIR_DOMAIN_RUNNING) {
        (void)setRunState(*obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN, VIR_DOMAIN_EVENT_SUSPENDED,
                          VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    } else if (n.event == "RESUME" && obj->state == VIR_DOMAIN_PAUSED) {
        (void)setRunState(*obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED, VIR_DOMAIN_EVENT_RESUMED,
                          VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }
}

void State::guestPoweredOff(DomainObj *obj, const Json &data)
{
    std::string why = data.value("reason", std::string());
    int detail = !data.contains("guest")     ? VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED
                 : data["guest"].get<bool>() ? VIR_DOMAIN_EVENT_SHUTDOWN_GUEST
                                             : VIR_DOMAIN_EVENT_SHUTDOWN_HOST;
    emit(*obj, VIR_DOMAIN_EVENT_SHUTDOWN, detail);
    // a reboot with on_reboot='destroy' (-no-reboot) ends as a power-off too
    const std::string &action = why == "guest-reset" ? obj->def->lifecycle.onReboot : obj->def->lifecycle.onPoweroff;
    if (why != "guest-reset" && (obj->fakeReboot || action == "restart" || action == "rename-restart")) {
        // the guest restarts in the same QEMU: reset the machine and let it run
        obj->fakeReboot = false;
        auto reset = control(*obj, "system_reset");
        auto cont = reset ? control(*obj, "cont") : std::move(reset);
        if (cont) {
            (void)setRunState(*obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, VIR_DOMAIN_EVENT_RESUMED,
                              VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
            return;
        }
    } else if (action == "preserve") {
        // QEMU keeps the powered-off guest for inspection until destroyed; its STOP that
        // follows changes nothing (handle() only pauses a running guest)
        obj->state = VIR_DOMAIN_SHUTDOWN;
        obj->reason = VIR_DOMAIN_SHUTDOWN_UNKNOWN;
        (void)saveStatus(*obj);
        return;
    }
    obj->monitor.reset();
    (void)obj->process.stop(10s);
    cleanup(obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

} // namespace vh::drv::qemu
