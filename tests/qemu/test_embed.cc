// The QEMU driver through the public API (libvirt.so.0) on qemu:///embed?root=DIR, with real
// QEMU processes under TCG: lifecycle and events in one process, and guests that outlive the
// process managing them (the virthub shell in other processes, one killed with SIGKILL).
#define BOOST_TEST_MODULE qemu_embed
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string slurp(const fs::path &p)
{
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// What a shell command line prints, stdout and stderr together.
std::string outputOf(const std::string &command)
{
    std::string out;
    if (FILE *p = popen((command + " 2>&1").c_str(), "r")) {
        char buf[4096];
        for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;)
            out.append(buf, n);
        pclose(p);
    }
    return out;
}

// A state directory of its own, its guests destroyed and the directory removed at the end.
struct Root {
    fs::path dir;
    std::string uri;
    Root()
    {
        char tmpl[] = "/tmp/vhembed.XXXXXX";
        dir = mkdtemp(tmpl);
        uri = "qemu:///embed?root=" + dir.string();
    }
    ~Root()
    {
        // whatever a failed test left running
        for (const auto &e : fs::directory_iterator(dir / "run" / "qemu", ec_))
            if (e.path().extension() == ".xml")
                shell("destroy " + e.path().stem().string());
        // a guest the shell could not destroy (this process still manages the directory)
        for (const auto &e : fs::directory_iterator(dir / "run" / "qemu", ec_)) {
            std::string status = e.path().extension() == ".xml" ? slurp(e.path()) : "";
            if (size_t p = status.find("pid='"); p != std::string::npos)
                kill(static_cast<pid_t>(std::stol(status.substr(p + 5))), SIGKILL);
        }
        fs::remove_all(dir);
    }
    // Runs one virthub shell command in its own process; its output.
    std::string shell(const std::string &command) const
    {
        return outputOf(std::string(VH_SHELL) + " -c '" + uri + "' " + command);
    }
    std::error_code ec_;
};

const std::string kGuest = [] {
    std::string xml = slurp(fs::path(VH_QEMU_DATA) / "argv" / "minimal.xml");
    return xml;
}();

std::string guestNamed(const std::string &name, const std::string &uuid)
{
    std::string xml = kGuest;
    xml.replace(xml.find("minimal"), 7, name);
    size_t u = xml.find("<uuid>") + 6;
    xml.replace(u, 36, uuid);
    return xml;
}

pid_t guestPid(const Root &root, const std::string &name)
{
    std::string status = slurp(root.dir / "run" / "qemu" / (name + ".xml"));
    size_t p = status.find("pid='");
    return p == std::string::npos ? -1 : static_cast<pid_t>(std::stol(status.substr(p + 5)));
}

bool alive(pid_t pid)
{
    return pid > 0 && kill(pid, 0) == 0 && fs::exists("/proc/" + std::to_string(pid) + "/cmdline") &&
           slurp("/proc/" + std::to_string(pid) + "/stat").find(") Z") == std::string::npos;
}

struct Events {
    std::mutex lock;
    std::vector<std::pair<int, int>> seen;
    static int onLifecycle(virConnectPtr, virDomainPtr, int event, int detail, void *opaque)
    {
        auto *self = static_cast<Events *>(opaque);
        std::lock_guard<std::mutex> g(self->lock);
        self->seen.emplace_back(event, detail);
        return 0;
    }
    bool waitFor(size_t n)
    {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard<std::mutex> g(lock);
                if (seen.size() >= n)
                    return true;
            }
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
};

// Lifecycle events as "event/detail ..." for readable comparisons.
std::string format(const std::vector<std::pair<int, int>> &events)
{
    std::string out;
    for (const auto &[e, d] : events)
        out += std::to_string(e) + "/" + std::to_string(d) + " ";
    return out;
}

// The default event loop, run on a thread of its own for the test's life.
struct EventLoop {
    std::atomic<bool> quit{false};
    std::thread loop;
    EventLoop()
    {
        BOOST_TEST_REQUIRE(virEventRegisterDefaultImpl() == 0);
        loop = std::thread([this] {
            for (int i = 0; i < 100000 && !quit; ++i)
                virEventRunDefaultImpl();
        });
    }
    ~EventLoop()
    {
        quit = true;
        virEventAddTimeout(0, [](int timer, void *) { virEventRemoveTimeout(timer); }, nullptr, nullptr);
        loop.join();
    }
};

// The small Linux guest (tests/qemu/make_linux_guest.sh) with its console in a file; extra
// goes before <devices>.
std::string linuxGuest(const std::string &name, const std::string &uuid, const fs::path &serial, const std::string &extra = "")
{
    return "<domain type='qemu'><name>" + name + "</name><uuid>" + uuid + "</uuid>"
           "<memory unit='MiB'>256</memory><vcpu>1</vcpu>"
           "<os><type arch='x86_64'>hvm</type><kernel>" VH_LINUX_GUEST "/vmlinuz</kernel>"
           "<initrd>" VH_LINUX_GUEST "/initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline></os>" + extra +
           "<devices><serial type='file'><source path='" + serial.string() + "' append='on'/></serial>"
           "<memballoon model='none'/></devices></domain>";
}

// How often text occurs in a file.
int occurrences(const fs::path &file, const std::string &text)
{
    std::string all = slurp(file);
    int n = 0;
    for (size_t p = all.find(text); p != std::string::npos; p = all.find(text, p + 1))
        ++n;
    return n;
}

// Waits until text occurs `times` times in the file (a boot takes ~5 s under TCG; 60 s at most).
bool waitFor(const fs::path &file, const std::string &text, int times = 1)
{
    for (int i = 0; i < 1200; ++i) {
        if (occurrences(file, text) >= times)
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string lastError()
{
    virErrorPtr e = virGetLastError();
    return e && e->message ? e->message : "";
}

} // namespace

BOOST_AUTO_TEST_CASE(lifecycle_and_events_in_one_process)
{
    Root root;
    EventLoop loop;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    BOOST_TEST(std::string(virConnectGetType(conn)) == "QEMU");
    unsigned long version = 0;
    BOOST_TEST(virConnectGetVersion(conn, &version) == 0);
    BOOST_TEST(version >= 7000000ul);
    // every installed binary of an architecture libvirt knows is a guest architecture, each
    // under TCG
    char *caps = virConnectGetCapabilities(conn);
    BOOST_TEST_REQUIRE(caps);
    std::string capsXml = caps;
    free(caps);
    BOOST_TEST(capsXml.find("<emulator>/usr/bin/qemu-system-x86_64</emulator>") != std::string::npos);
    BOOST_TEST(capsXml.find("<emulator>/usr/bin/qemu-system-s390x</emulator>") != std::string::npos);
    BOOST_TEST(capsXml.find("'>s390-ccw-virtio-") != std::string::npos);
    BOOST_TEST(capsXml.find("<domain type='qemu'/>") != std::string::npos);
    // KVM is offered where a test guest runs under it; otherwise the document says why
    BOOST_TEST((capsXml.find("<domain type='kvm'") != std::string::npos) !=
               (capsXml.find("<!-- domain type 'kvm' is not offered: ") != std::string::npos));
    Events events;
    int cb = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(Events::onLifecycle), &events, nullptr);
    BOOST_TEST(cb >= 0);

    virDomainPtr dom = virDomainCreateXML(conn, guestNamed("life", "b1a6e4f0-2c3d-4e5f-8a9b-0c1d2e3f4a5b").c_str(), 0);
    BOOST_TEST_REQUIRE(dom, lastError());
    int state = -1, reason = -1;
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST(state == VIR_DOMAIN_RUNNING);
    BOOST_TEST(reason == VIR_DOMAIN_RUNNING_BOOTED);
    BOOST_TEST(virDomainGetID(dom) == 1u);
    virDomainInfo info;
    BOOST_TEST(virDomainGetInfo(dom, &info) == 0);
    BOOST_TEST(info.maxMem == 65536ul);
    BOOST_TEST(info.nrVirtCpu == 1);
    BOOST_TEST(virDomainIsPersistent(dom) == 0);
    pid_t pid = guestPid(root, "life");
    BOOST_TEST(alive(pid));

    BOOST_TEST(virDomainSuspend(dom) == 0);
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_USER));
    BOOST_TEST(virDomainResume(dom) == 0);
    BOOST_TEST(virDomainResume(dom) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_OPERATION_INVALID);

    BOOST_TEST(virDomainDestroy(dom) == 0);
    BOOST_TEST(!alive(pid));
    // a transient guest is gone once it stops
    BOOST_TEST(virDomainLookupByName(conn, "life") == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_NO_DOMAIN);
    BOOST_TEST(virDomainDestroy(dom) == -1);
    virDomainFree(dom);
    // the same guest again: the first run's late monitor news must not touch the second
    for (int i = 0; i < 3; ++i) {
        dom = virDomainCreateXML(conn, guestNamed("life", "b1a6e4f0-2c3d-4e5f-8a9b-0c1d2e3f4a5b").c_str(), 0);
        BOOST_TEST_REQUIRE(dom, lastError());
        std::this_thread::sleep_for(20ms);
        BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
        BOOST_TEST(state == VIR_DOMAIN_RUNNING);
        BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
        virDomainFree(dom);
    }

    BOOST_TEST_REQUIRE(events.waitFor(10));
    {
        std::lock_guard<std::mutex> g(events.lock);
        // event * 100 + detail, printable
        std::vector<int> seen, want = {VIR_DOMAIN_EVENT_STARTED * 100 + VIR_DOMAIN_EVENT_STARTED_BOOTED,
                                       VIR_DOMAIN_EVENT_SUSPENDED * 100 + VIR_DOMAIN_EVENT_SUSPENDED_PAUSED,
                                       VIR_DOMAIN_EVENT_RESUMED * 100 + VIR_DOMAIN_EVENT_RESUMED_UNPAUSED,
                                       VIR_DOMAIN_EVENT_STOPPED * 100 + VIR_DOMAIN_EVENT_STOPPED_DESTROYED};
        for (int i = 0; i < 3; ++i) {
            want.push_back(VIR_DOMAIN_EVENT_STARTED * 100 + VIR_DOMAIN_EVENT_STARTED_BOOTED);
            want.push_back(VIR_DOMAIN_EVENT_STOPPED * 100 + VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
        }
        for (auto [event, detail] : events.seen)
            seen.push_back(event * 100 + detail);
        BOOST_TEST(seen == want, boost::test_tools::per_element());
    }

    // QEMU refusing its command line is reported as soon as it exits (not after the monitor's
    // wait), with QEMU's own words
    BOOST_TEST(virDomainCreateXML(conn, slurp(fs::path(VH_QEMU_DATA) / "argv" / "bad-machine.xml").c_str(), 0) == nullptr);
    BOOST_TEST(lastError().find("QEMU exited before opening") != std::string::npos, lastError());
    BOOST_TEST(lastError().find("unsupported machine type") != std::string::npos, lastError());
    BOOST_TEST(virDomainLookupByName(conn, "bad-machine") == nullptr);

    // another process cannot manage the same directory meanwhile
    std::string refused = root.shell("list --all");
    BOOST_TEST(refused.find("another process is managing the QEMU state in") != std::string::npos, refused);

    // a device this driver does not map is refused at define, naming it
    std::string disk = kGuest;
    disk.replace(disk.find("<memballoon"), 0,
                 "<disk type='network' device='disk'><source protocol='rbd' name='pool/image'><host name='mon.example.org'/>"
                 "</source><target dev='vdb'/></disk>");
    BOOST_TEST(virDomainDefineXML(conn, disk.c_str()) == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_CONFIG_UNSUPPORTED);
    BOOST_TEST(lastError().find("disk 'vdb'") != std::string::npos, lastError());

    // a disk whose file is missing is defined, but its guest does not start: the error names
    // the file (libvirt's words), and no QEMU is left behind
    std::string missingFile = (root.dir / "missing.img").string();
    std::string missing = guestNamed("missing-disk", "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b");
    missing.replace(missing.find("<memballoon"), 0,
                    "<disk type='file' device='disk'><source file='" + missingFile + "'/><target dev='vda' bus='virtio'/></disk>");
    virDomainPtr missingDom = virDomainDefineXML(conn, missing.c_str());
    BOOST_TEST_REQUIRE(missingDom, lastError());
    BOOST_TEST(virDomainCreate(missingDom) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_SYSTEM_ERROR);
    BOOST_TEST(lastError().find("Cannot access storage file '" + missingFile + "'") != std::string::npos, lastError());
    BOOST_TEST(virDomainIsActive(missingDom) == 0);
    BOOST_TEST(virDomainUndefine(missingDom) == 0);
    virDomainFree(missingDom);

    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectClose(conn);
}

BOOST_AUTO_TEST_CASE(guests_outlive_the_process_that_started_them)
{
    Root root;
    fs::path xml = root.dir / "vm.xml";
    std::ofstream(xml) << guestNamed("vm", "0d7e1c2b-3a4f-4b5c-9d6e-7f8091a2b3c4");
    BOOST_TEST(root.shell("define " + xml.string()).find("Domain 'vm' defined") != std::string::npos);

    // an interactive shell starts the guest and is killed with SIGKILL
    int in[2];
    BOOST_TEST_REQUIRE(pipe(in) == 0);
    std::string outPath = (root.dir / "shell.out").string();
    pid_t shell = fork();
    if (shell == 0) {
        dup2(in[0], 0);
        close(in[1]);
        FILE *out = freopen(outPath.c_str(), "w", stdout);
        (void)out;
        execl(VH_SHELL, VH_SHELL, "-c", root.uri.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    close(in[0]);
    std::string cmd = "start vm\n";
    BOOST_TEST(write(in[1], cmd.data(), cmd.size()) == static_cast<ssize_t>(cmd.size()));
    for (int i = 0; i < 1000 && slurp(outPath).find("Domain 'vm' started") == std::string::npos; ++i)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST_REQUIRE(slurp(outPath).find("Domain 'vm' started") != std::string::npos, slurp(outPath));
    kill(shell, SIGKILL);
    waitpid(shell, nullptr, 0);
    close(in[1]);
    pid_t pid = guestPid(root, "vm");
    BOOST_TEST_REQUIRE(alive(pid));

    // the next process reattaches it: running, and controlled over its monitor
    BOOST_TEST(root.shell("domstate vm --reason") == "running (booted)\n\n");
    BOOST_TEST(root.shell("suspend vm").find("Domain 'vm' suspended") != std::string::npos);
    BOOST_TEST(root.shell("domstate vm --reason") == "paused (user)\n\n");
    BOOST_TEST(root.shell("resume vm").find("Domain 'vm' resumed") != std::string::npos);
    // and yet another stops it: the process is gone when destroy returns
    BOOST_TEST(root.shell("destroy vm").find("Domain 'vm' destroyed") != std::string::npos);
    BOOST_TEST(!alive(pid));
    // as after libvirtd restarts, the reason a domain stopped is not kept: it was destroyed
    // in another process
    BOOST_TEST(root.shell("domstate vm") == "shut off\n\n");

    // a guest that dies while no process manages it is found shut off, crashed; its config stays
    BOOST_TEST(root.shell("start vm").find("Domain 'vm' started") != std::string::npos);
    pid = guestPid(root, "vm");
    BOOST_TEST_REQUIRE(alive(pid));
    kill(pid, SIGKILL);
    for (int i = 0; i < 500 && alive(pid); ++i)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST(root.shell("domstate vm --reason") == "shut off (crashed)\n\n");
    BOOST_TEST(root.shell("list --all --name") == "vm\n\n");
    BOOST_TEST(!fs::exists(root.dir / "run" / "qemu" / "vm.xml"));
    BOOST_TEST(fs::exists(root.dir / "etc" / "qemu" / "vm.xml"));
}

// The small Linux guest boots under TCG, and powers off cleanly on ACPI shutdown: asked in this
// process (the STOPPED_SHUTDOWN event arrives), and asked by a process that exits at once (the
// next process finds the guest powered off and records why).
BOOST_AUTO_TEST_CASE(linux_guest_shuts_down_on_acpi)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    std::string xml = linuxGuest("linux", "5e0b7c9a-1d2e-4f3a-8b4c-6d7e8f9a0b1c", serial);

    EventLoop loop;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    Events events;
    int cb = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(Events::onLifecycle), &events, nullptr);
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready /dev/input/event"), slurp(serial));
    pid_t pid = guestPid(root, "linux");
    BOOST_TEST(virDomainShutdown(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(events.waitFor(3));     // defined, started, stopped
    int state = -1, reason = -1;
    for (int i = 0; i < 600 && state != VIR_DOMAIN_SHUTOFF; ++i) {
        virDomainGetState(dom, &state, &reason, 0);
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST((state == VIR_DOMAIN_SHUTOFF && reason == VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    BOOST_TEST(slurp(serial).find("virthub-guest: powering off") != std::string::npos);
    BOOST_TEST(!alive(pid));
    {
        std::lock_guard<std::mutex> g(events.lock);
        BOOST_TEST((events.seen.back() == std::make_pair<int, int>(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)));
    }
    virDomainFree(dom);
    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectClose(conn);

    // asked by a process that exits at once
    fs::remove(serial);
    BOOST_TEST(root.shell("start linux").find("Domain 'linux' started") != std::string::npos);
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready /dev/input/event"), slurp(serial));
    pid = guestPid(root, "linux");
    BOOST_TEST(root.shell("shutdown linux").find("Domain 'linux' is being shutdown") != std::string::npos);
    BOOST_TEST_REQUIRE(waitFor(serial, "reboot: Power down"), slurp(serial));
    BOOST_TEST(root.shell("domstate linux --reason") == "shut off (shutdown)\n\n");
    BOOST_TEST(!alive(pid));
}

// virDomainReboot powers the guest off through ACPI and restarts it in the same QEMU (a REBOOT
// event, the kernel booting again); with on_poweroff='preserve' a powered-off guest stays in
// QEMU, shut down but not shut off, until destroyed.
BOOST_AUTO_TEST_CASE(linux_guest_reboots_and_is_preserved)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    std::string xml = linuxGuest("linux", "6f1c8dab-2e3f-4a5b-9c6d-7e8f9a0b1c2d", serial, "<on_poweroff>preserve</on_poweroff>");

    EventLoop loop;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    Events events;
    std::atomic<int> reboots{0};
    int cb = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(Events::onLifecycle), &events, nullptr);
    int rebootCb = virConnectDomainEventRegisterAny(
        conn, nullptr, VIR_DOMAIN_EVENT_ID_REBOOT,
        VIR_DOMAIN_EVENT_CALLBACK(+[](virConnectPtr, virDomainPtr, void *opaque) { ++*static_cast<std::atomic<int> *>(opaque); }),
        &reboots, nullptr);
    virDomainPtr dom = virDomainCreateXML(conn, xml.c_str(), 0);
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready", 1), slurp(serial));
    pid_t pid = guestPid(root, "linux");
    BOOST_TEST(virDomainReboot(dom, VIR_DOMAIN_REBOOT_GUEST_AGENT) == -1);
    BOOST_TEST(lastError() == "argument unsupported: QEMU guest agent is not configured");
    BOOST_TEST_REQUIRE(virDomainReboot(dom, 0) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready", 2), slurp(serial));
    int state = -1, reason = -1;
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_RUNNING && reason == VIR_DOMAIN_RUNNING_BOOTED));
    BOOST_TEST(guestPid(root, "linux") == pid);
    for (int i = 0; i < 1000 && reboots == 0; ++i)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST(reboots >= 1);

    // on_poweroff='preserve': QEMU stays with the guest powered off
    BOOST_TEST_REQUIRE(virDomainShutdown(dom) == 0, lastError());
    for (int i = 0; i < 600 && state != VIR_DOMAIN_SHUTDOWN; ++i) {
        virDomainGetState(dom, &state, &reason, 0);
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST(state == VIR_DOMAIN_SHUTDOWN);
    BOOST_TEST(alive(pid));
    BOOST_TEST(root.shell("domstate linux").find("in shutdown") == std::string::npos);   // the lock: another process is refused
    BOOST_TEST(virDomainIsActive(dom) == 1);
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    BOOST_TEST(!alive(pid));
    BOOST_TEST(events.waitFor(5));
    {
        std::lock_guard<std::mutex> g(events.lock);
        std::vector<std::pair<int, int>> want = {
            {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED},
            {VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_GUEST},     // the reboot's power-off
            {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED},    // ... and restart
            {VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_GUEST},     // preserved
            {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED},
        };
        BOOST_TEST(format(events.seen) == format(want));
    }
    virDomainFree(dom);
    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectDomainEventDeregisterAny(conn, rebootCb);
    virConnectClose(conn);
}

// The vCPUs QEMU runs for a domain, as the vcpu statistics group counts them (query-cpus-fast).
int runningVcpus(virDomainPtr dom)
{
    virDomainPtr doms[] = {dom, nullptr};
    virDomainStatsRecordPtr *records = nullptr;
    if (virDomainListGetStats(doms, VIR_DOMAIN_STATS_VCPU, &records, 0) != 1)
        return -1;
    int n = 0;
    for (int i = 0; i < records[0]->nparams; ++i) {
        std::string field = records[0]->params[i].field;
        n += field.starts_with("vcpu.") && field.ends_with(".state");
    }
    virDomainStatsRecordListFree(records);
    return n;
}

// Memory through the balloon while running and in the config, vCPU counts live (hot-plug) and
// in the config, and the statistics QEMU and /proc give.
BOOST_AUTO_TEST_CASE(memory_and_vcpus)
{
    Root root;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    std::string xml = guestNamed("mem", "0a4e2f6c-3b5d-4e7f-8a9b-0c1d2e3f4a5b");
    xml.replace(xml.find("<memballoon model='none'/>"), 26, "<memballoon model='virtio'/>");
    xml.replace(xml.find("<vcpu>1</vcpu>"), 14, "<vcpu current='1'>2</vcpu>");
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());

    BOOST_TEST(virDomainSetMemory(dom, 131072) == -1);
    BOOST_TEST(lastError() == "invalid argument: cannot set memory higher than max memory");
    BOOST_TEST(virDomainSetMemory(dom, 32768) == 0, lastError());
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    BOOST_TEST_REQUIRE(n >= 2, lastError());
    std::map<int, unsigned long long> got;
    for (int i = 0; i < n; ++i)
        got[stats[i].tag] = stats[i].val;
    BOOST_TEST(got.count(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON) == 1u);   // QEMU's view: no guest driver inflates it
    BOOST_TEST(got[VIR_DOMAIN_MEMORY_STAT_RSS] > 1024u);
    BOOST_TEST(virDomainSetMaxMemory(dom, 131072) == -1);
    BOOST_TEST(lastError() == "Requested operation is not valid: cannot resize the maximum memory on an active domain");
    BOOST_TEST(virDomainSetMemoryFlags(dom, 49152, VIR_DOMAIN_AFFECT_CONFIG) == 0, lastError());
    BOOST_TEST(slurp(root.dir / "etc" / "qemu" / "mem.xml").find("<currentMemory unit='KiB'>49152</currentMemory>") !=
               std::string::npos);

    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE) == 1);
    BOOST_TEST(virDomainGetMaxVcpus(dom) == 2);
    // a vCPU plugged in while the firmware runs: QEMU counts it (query-cpus-fast, through the
    // statistics), the config does not
    BOOST_TEST(virDomainSetVcpusFlags(dom, 2, VIR_DOMAIN_AFFECT_LIVE) == 0, lastError());
    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE) == 2);
    BOOST_TEST(runningVcpus(dom) == 2);
    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG) == 1);
    BOOST_TEST(virDomainSetVcpusFlags(dom, 3, VIR_DOMAIN_AFFECT_LIVE) == -1);
    BOOST_TEST(lastError() == "invalid argument: requested vcpus is greater than max allowable vcpus for the live domain: 3 > 2");
    BOOST_TEST(virDomainSetVcpusFlags(dom, 2, VIR_DOMAIN_AFFECT_CONFIG) == 0, lastError());
    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG) == 2);
    BOOST_TEST(virDomainSetVcpusFlags(dom, 3, VIR_DOMAIN_AFFECT_CONFIG) == -1);

    // the config's changes apply at the next start, in a new process too
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    virDomainFree(dom);
    virConnectClose(conn);
    BOOST_TEST(root.shell("start mem").find("started") != std::string::npos);
    BOOST_TEST(root.shell("vcpucount mem --live --active").find("2") != std::string::npos);
    BOOST_TEST(root.shell("dumpxml mem").find("<currentMemory unit='KiB'>49152</currentMemory>") != std::string::npos);
    BOOST_TEST(root.shell("dommemstat mem").find("actual ") != std::string::npos);
}

// Statistics of many domains: the groups QMP and /proc give for a running guest (keys there,
// values plausible), what the definition says for an inactive one.
BOOST_AUTO_TEST_CASE(all_domain_stats)
{
    Root root;
    fs::path image = root.dir / "disk.qcow2";
    BOOST_TEST_REQUIRE(std::system(("qemu-img create -q -f qcow2 " + image.string() + " 16M").c_str()) == 0);
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    std::string xml = guestNamed("stats", "5d2c6e1a-7b3f-4c8d-9e0a-1b2c3d4e5f60");
    xml.replace(xml.find("<memballoon model='none'/>"), 26,
                "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + image.string() +
                    "'/><target dev='vda' bus='virtio'/></disk><memballoon model='virtio'/>");
    xml.replace(xml.find("<vcpu>1</vcpu>"), 14, "<vcpu current='1'>2</vcpu>");
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());

    // the parameters of the one record a call gives, by name (strings apart)
    struct Record {
        std::map<std::string, virTypedParameter> values;
        std::map<std::string, std::string> strings;
    };
    auto collect = [&](unsigned int stats, unsigned int flags) {
        Record got;
        virDomainStatsRecordPtr *recs = nullptr;
        int n = virConnectGetAllDomainStats(conn, stats, &recs, flags);
        BOOST_TEST_REQUIRE(n == 1, lastError());
        BOOST_TEST(std::string(virDomainGetName(recs[0]->dom)) == "stats");
        for (int i = 0; i < recs[0]->nparams; ++i) {
            const virTypedParameter &p = recs[0]->params[i];
            if (p.type == VIR_TYPED_PARAM_STRING)
                got.strings[p.field] = p.value.s;
            else
                got.values[p.field] = p;
        }
        virDomainStatsRecordListFree(recs);
        return got;
    };
    Record all = collect(0, 0);
    auto &live = all.values;
    BOOST_TEST(live["state.state"].value.i == VIR_DOMAIN_RUNNING);
    BOOST_TEST(live["state.reason"].value.i == VIR_DOMAIN_RUNNING_BOOTED);
    BOOST_TEST(live.count("cpu.time") == 1u);
    BOOST_TEST(live["cpu.time"].value.ul >= live["cpu.user"].value.ul);
    BOOST_TEST(live["balloon.maximum"].value.ul == 65536u);
    BOOST_TEST(live["balloon.current"].value.ul > 0u);
    BOOST_TEST(live["balloon.current"].value.ul <= 65536u);
    BOOST_TEST(live["balloon.rss"].value.ul > 1024u);
    BOOST_TEST(live["vcpu.current"].value.ui == 1u);
    BOOST_TEST(live["vcpu.maximum"].value.ui == 2u);
    BOOST_TEST(live["vcpu.0.state"].value.i == VIR_VCPU_RUNNING);
    BOOST_TEST(live.count("vcpu.0.time") == 1u);
    BOOST_TEST(live.count("vcpu.1.state") == 0u);      // not plugged
    BOOST_TEST(live["net.count"].value.ui == 0u);
    BOOST_TEST(live["block.count"].value.ui == 1u);
    BOOST_TEST(all.strings["block.0.name"] == "vda");
    BOOST_TEST(all.strings["block.0.path"] == image.string());
    BOOST_TEST(live["block.0.capacity"].value.ul == 16u << 20);
    BOOST_TEST(live["block.0.physical"].value.ul > 0u);
    for (const char *k : {"block.0.rd.reqs", "block.0.rd.bytes", "block.0.wr.reqs", "block.0.fl.reqs", "block.0.allocation"})
        BOOST_TEST(live.count(k) == 1u, k);

    // one group, and a group this driver does not give, enforced
    auto only = collect(VIR_DOMAIN_STATS_VCPU, 0).values;
    BOOST_TEST(only.count("state.state") == 0u);
    BOOST_TEST(only.count("vcpu.current") == 1u);
    virDomainStatsRecordPtr *recs = nullptr;
    BOOST_TEST(virConnectGetAllDomainStats(conn, VIR_DOMAIN_STATS_PERF, &recs,
                                           VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) == -1);
    BOOST_TEST(lastError() == "argument unsupported: Stats types bits 0x40 are not supported by this daemon");
    virDomainPtr list[] = {dom, nullptr};
    BOOST_TEST(virDomainListGetStats(list, VIR_DOMAIN_STATS_STATE, &recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE) == 0,
               lastError());
    virDomainStatsRecordListFree(recs);

    // shut off: the state and what the definition says
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    auto off = collect(0, 0).values;
    BOOST_TEST(off["state.state"].value.i == VIR_DOMAIN_SHUTOFF);
    BOOST_TEST(off.count("cpu.time") == 0u);
    BOOST_TEST(off["balloon.current"].value.ul == 65536u);
    BOOST_TEST(off.count("balloon.rss") == 0u);
    BOOST_TEST(off["vcpu.maximum"].value.ui == 2u);
    BOOST_TEST(off.count("vcpu.0.state") == 0u);
    BOOST_TEST(off["block.count"].value.ui == 1u);
    BOOST_TEST(off.count("block.0.rd.reqs") == 0u);
    virDomainFree(dom);
    virConnectClose(conn);
}

// A save image holds the definition and the guest's memory: restore continues the guest where
// it was (the Linux guest still answers the power button afterwards), in this process or,
// for a managed save, in the next one that starts the domain.
BOOST_AUTO_TEST_CASE(save_restore_and_managed_save)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    std::string xml = linuxGuest("saved", "7a2d9ebc-3f4a-4b5c-8d6e-8f9a0b1c2d3e", serial);
    std::string image = (root.dir / "saved.img").string();

    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready /dev/input/event"), slurp(serial));
    pid_t pid = guestPid(root, "saved");

    BOOST_TEST_REQUIRE(virDomainSave(dom, image.c_str()) == 0, lastError());
    BOOST_TEST(!alive(pid));
    int state = -1, reason = -1;
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_SHUTOFF && reason == VIR_DOMAIN_SHUTOFF_SAVED));
    BOOST_TEST(slurp(image).substr(0, 16) == "LibvirtQemudSave");
    char *saved = virDomainSaveImageGetXMLDesc(conn, image.c_str(), 0);
    BOOST_TEST_REQUIRE(saved, lastError());
    BOOST_TEST(std::string(saved).find("<name>saved</name>") != std::string::npos);
    free(saved);

    BOOST_TEST_REQUIRE(virDomainRestore(conn, image.c_str()) == 0, lastError());
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_RUNNING && reason == VIR_DOMAIN_RUNNING_RESTORED));
    BOOST_TEST(virDomainRestore(conn, image.c_str()) == -1);
    BOOST_TEST(lastError() == "Requested operation is not valid: domain 'saved' is already active");

    // managed save: the next process's start continues the guest
    BOOST_TEST_REQUIRE(virDomainManagedSave(dom, 0) == 0, lastError());
    BOOST_TEST(virDomainHasManagedSaveImage(dom, 0) == 1);
    virDomainPtr *listed = nullptr;
    BOOST_TEST(virConnectListAllDomains(conn, &listed, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE) == 1);
    for (int i = 0; listed && listed[i]; ++i)
        virDomainFree(listed[i]);
    free(listed);
    BOOST_TEST(virDomainUndefine(dom) == -1);
    BOOST_TEST(lastError() == "Requested operation is not valid: Refusing to undefine while domain managed save image exists");
    virDomainFree(dom);
    virConnectClose(conn);

    BOOST_TEST(root.shell("domstate saved --reason") == "shut off (saved)\n\n");
    BOOST_TEST(root.shell("start saved").find("Domain 'saved' started") != std::string::npos);
    BOOST_TEST(root.shell("domstate saved --reason") == "running (restored)\n\n");
    BOOST_TEST(!fs::exists(root.dir / "lib" / "qemu" / "save" / "saved.save"));
    BOOST_TEST(root.shell("shutdown saved").find("is being shutdown") != std::string::npos);
    BOOST_TEST(waitFor(serial, "reboot: Power down"), slurp(serial));
}

// vCPUs come and go while Linux runs: plugged as CPU devices, unplugged once the guest lets
// them go; those it booted with stay; the next process sees the live count.
BOOST_AUTO_TEST_CASE(vcpu_hotplug_of_a_linux_guest)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    std::string xml = linuxGuest("cpus", "1d5e2bef-6c7d-4e8f-9a01-bc2d3e4f5061", serial);
    xml.replace(xml.find("<vcpu>1</vcpu>"), 14, "<vcpu current='1'>3</vcpu>");
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready /dev/input/event"), slurp(serial));

    BOOST_TEST(virDomainSetVcpusFlags(dom, 3, VIR_DOMAIN_AFFECT_LIVE) == 0, lastError());
    BOOST_TEST(runningVcpus(dom) == 3);
    BOOST_TEST(virDomainSetVcpusFlags(dom, 2, VIR_DOMAIN_AFFECT_LIVE) == 0, lastError());
    BOOST_TEST(runningVcpus(dom) == 2);
    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE) == 2);
    BOOST_TEST(virDomainSetVcpusFlags(dom, 1, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) == 0, lastError());
    BOOST_TEST(runningVcpus(dom) == 1);
    BOOST_TEST(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG) == 1);
    // TCG never frees a vCPU thread (QEMU 7.2 aborts on a fourth here): refused, the guest runs on
    BOOST_TEST(virDomainSetVcpusFlags(dom, 2, VIR_DOMAIN_AFFECT_LIVE) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_OPERATION_UNSUPPORTED);
    BOOST_TEST(lastError().find("at most 3 vCPU threads in its life and has run 3") != std::string::npos, lastError());
    BOOST_TEST(runningVcpus(dom) == 1);
    virDomainFree(dom);
    virConnectClose(conn);
    BOOST_TEST(root.shell("vcpucount cpus --live --active") == "1\n\n");
    BOOST_TEST(root.shell("destroy cpus").find("destroyed") != std::string::npos);
}

// The internal snapshots of a qcow2 image, as `qemu-img snapshot -l` lists them.
std::string imageSnapshots(const fs::path &image)
{
    return outputOf("qemu-img snapshot -U -l " + image.string());
}

// Internal snapshots of a qcow2 disk: QEMU writes the running guest's memory and devices into
// the image, and a revert continues that guest without booting it again; a shut-off guest's
// snapshot goes through qemu-img; the snapshot tree outlives the process.
BOOST_AUTO_TEST_CASE(internal_snapshots_of_a_qcow2_guest)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    fs::path image = root.dir / "snap.qcow2";
    BOOST_TEST_REQUIRE(std::system(("qemu-img create -q -f qcow2 " + image.string() + " 16M").c_str()) == 0);
    std::string xml = linuxGuest("snap", "9c4f1ade-5b6c-4d7e-8f90-ab1c2d3e4f50", serial);
    xml.replace(xml.find("<devices>"), 9, "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" +
                                              image.string() + "'/><target dev='vda' bus='virtio'/></disk>");
    EventLoop loop;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    Events events;
    int cb = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(Events::onLifecycle), &events, nullptr);
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready /dev/input/event"), slurp(serial));
    pid_t pid = guestPid(root, "snap");

    // a running guest: memory and disk into the image, the guest runs on
    virDomainSnapshotPtr s1 = virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>s1</name><description>booted</description></domainsnapshot>", 0);
    BOOST_TEST_REQUIRE(s1, lastError());
    int state = -1, reason = -1;
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST(state == VIR_DOMAIN_RUNNING);
    BOOST_TEST(alive(pid));
    char *desc = virDomainSnapshotGetXMLDesc(s1, 0);
    BOOST_TEST_REQUIRE(desc, lastError());
    std::string s1xml = desc;
    free(desc);
    BOOST_TEST(s1xml.find("<state>running</state>") != std::string::npos, s1xml);
    BOOST_TEST(s1xml.find("<memory snapshot='internal'/>") != std::string::npos, s1xml);
    BOOST_TEST(s1xml.find("<disk name='vda' snapshot='internal'/>") != std::string::npos, s1xml);
    BOOST_TEST(imageSnapshots(image).find("s1") != std::string::npos, imageSnapshots(image));
    BOOST_TEST(fs::exists(root.dir / "lib" / "qemu" / "snapshot" / "snap" / "s1.xml"));
    BOOST_TEST(virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>s1</name></domainsnapshot>", 0) == nullptr);
    BOOST_TEST(lastError() == "operation failed: domain moment s1 already exists");

    // revert: a new QEMU continues the guest from the snapshot (no second boot), and it still
    // powers off on ACPI
    BOOST_TEST_REQUIRE(virDomainRevertToSnapshot(s1, 0) == 0, lastError());
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_RUNNING && reason == VIR_DOMAIN_RUNNING_FROM_SNAPSHOT));
    BOOST_TEST(!alive(pid));
    pid = guestPid(root, "snap");
    BOOST_TEST(alive(pid));
    BOOST_TEST(virDomainShutdown(dom) == 0, lastError());
    for (int i = 0; i < 1200 && state != VIR_DOMAIN_SHUTOFF; ++i) {
        virDomainGetState(dom, &state, &reason, 0);
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST((state == VIR_DOMAIN_SHUTOFF && reason == VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    BOOST_TEST(occurrences(serial, "virthub-guest: ready") == 1, slurp(serial));
    BOOST_TEST(occurrences(serial, "virthub-guest: powering off") == 1, slurp(serial));

    // a shut-off guest: qemu-img writes the disk-only snapshot, a child of the current one
    virDomainSnapshotPtr s2 = virDomainSnapshotCreateXML(dom, "<domainsnapshot><name>s2</name></domainsnapshot>", 0);
    BOOST_TEST_REQUIRE(s2, lastError());
    desc = virDomainSnapshotGetXMLDesc(s2, 0);
    BOOST_TEST(std::string(desc).find("<state>shutoff</state>") != std::string::npos, desc);
    BOOST_TEST(std::string(desc).find("<parent>\n    <name>s1</name>") != std::string::npos, desc);
    free(desc);
    BOOST_TEST(imageSnapshots(image).find("s2") != std::string::npos, imageSnapshots(image));

    // back to the running snapshot from shut off: started from it, paused as asked
    BOOST_TEST_REQUIRE(virDomainRevertToSnapshot(s1, VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED) == 0, lastError());
    BOOST_TEST(virDomainGetState(dom, &state, &reason, 0) == 0);
    BOOST_TEST((state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_FROM_SNAPSHOT));
    BOOST_TEST(virDomainSnapshotIsCurrent(s1, 0) == 1);
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    BOOST_TEST(virDomainSnapshotDelete(s2, 0) == 0, lastError());
    BOOST_TEST(imageSnapshots(image).find("s2") == std::string::npos, imageSnapshots(image));
    BOOST_TEST(imageSnapshots(image).find("s1") != std::string::npos, imageSnapshots(image));
    BOOST_TEST(events.waitFor(9));
    {
        std::lock_guard<std::mutex> g(events.lock);
        BOOST_TEST(format(events.seen) == "0/0 2/0 5/6 2/3 6/1 5/0 2/3 3/5 5/1 ", format(events.seen));
    }
    virDomainSnapshotFree(s1);
    virDomainSnapshotFree(s2);
    virDomainFree(dom);
    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectClose(conn);

    // the next process reads the tree back
    BOOST_TEST(root.shell("snapshot-list snap --name") == "s1\n\n");
    BOOST_TEST(root.shell("snapshot-current snap --name") == "s1\n");
    BOOST_TEST(root.shell("undefine snap") == "error: Failed to undefine domain 'snap'\n"
                                              "error: Requested operation is not valid: cannot delete inactive domain with 1 snapshots\n\n");
    BOOST_TEST(root.shell("undefine snap --snapshots-metadata").find("Domain 'snap' has been undefined") != std::string::npos);
    BOOST_TEST(!fs::exists(root.dir / "lib" / "qemu" / "snapshot" / "snap"));
    BOOST_TEST(imageSnapshots(image).find("s1") != std::string::npos);     // metadata only: the image keeps it
}

// Whether QEMU (pid) has the file open.
bool holdsOpen(pid_t pid, const fs::path &file)
{
    std::error_code ec;
    for (const auto &e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec))
        if (fs::read_symlink(e.path(), ec) == file)
            return true;
    return false;
}

// Disks and network cards come and go while the Linux guest runs: QEMU opens the new disk's
// file, and lets it go once the guest has given the device up (DEVICE_REMOVED); the config
// changes with AFFECT_CONFIG, and only then.
BOOST_AUTO_TEST_CASE(hotplug_disks_and_nics)
{
    Root root;
    fs::path serial = root.dir / "serial.log";
    fs::path image = root.dir / "data.qcow2";
    BOOST_TEST_REQUIRE(std::system(("qemu-img create -q -f qcow2 " + image.string() + " 16M").c_str()) == 0);
    EventLoop loop;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    std::mutex lock;
    std::vector<std::string> removed;
    struct Seen {
        std::mutex *lock;
        std::vector<std::string> *removed;
    } seen{&lock, &removed};
    int cb = virConnectDomainEventRegisterAny(
        conn, nullptr, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
        VIR_DOMAIN_EVENT_CALLBACK(+[](virConnectPtr, virDomainPtr, const char *alias, void *opaque) {
            auto *s = static_cast<Seen *>(opaque);
            std::lock_guard<std::mutex> g(*s->lock);
            s->removed->push_back(alias);
        }),
        &seen, nullptr);
    virDomainPtr dom = virDomainDefineXML(conn, linuxGuest("plug", "8b3e0fcd-4a5b-4c6d-9e7f-9a0b1c2d3e4f", serial).c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(waitFor(serial, "virthub-guest: ready"), slurp(serial));
    pid_t pid = guestPid(root, "plug");

    std::string disk = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + image.string() +
                       "'/><target dev='vdb' bus='virtio'/></disk>";
    std::string nic = "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>";
    BOOST_TEST_REQUIRE(virDomainAttachDevice(dom, disk.c_str()) == 0, lastError());
    BOOST_TEST(holdsOpen(pid, image));
    BOOST_TEST(virDomainAttachDevice(dom, disk.c_str()) == -1);
    BOOST_TEST(lastError() == "operation failed: target vdb already exists");
    BOOST_TEST_REQUIRE(virDomainAttachDevice(dom, nic.c_str()) == 0, lastError());
    char *xml = virDomainGetXMLDesc(dom, 0);
    BOOST_TEST(std::string(xml).find("<target dev='vdb' bus='virtio'/>") != std::string::npos, xml);
    BOOST_TEST(std::string(xml).find("52:54:00:aa:bb:01") != std::string::npos);
    free(xml);
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    BOOST_TEST(std::string(xml).find("vdb") == std::string::npos);     // live only
    free(xml);
    std::string ide = "<disk type='file' device='disk'><source file='" + image.string() + "'/><target dev='hdb' bus='ide'/></disk>";
    BOOST_TEST(virDomainAttachDevice(dom, ide.c_str()) == -1);
    BOOST_TEST(lastError() == "Operation not supported: disk bus 'ide' cannot be hotplugged.");

    // the guest's kernel reads the new disk's partition table
    virDomainBlockStatsStruct io{};
    for (int i = 0; i < 3000 && io.rd_req <= 0; ++i) {     // 30 s: a loaded machine slows the guest
        BOOST_TEST_REQUIRE(virDomainBlockStats(dom, "vdb", &io, sizeof io) == 0, lastError());
        std::this_thread::sleep_for(10ms);
    }
    BOOST_TEST(io.rd_req > 0);
    BOOST_TEST(io.rd_bytes >= 512);
    BOOST_TEST(io.errs == -1);
    BOOST_TEST(virDomainBlockStats(dom, image.c_str(), &io, sizeof io) == 0, lastError());   // by source path too
    // a user-mode NIC has no host-side device whose counters would be its traffic
    virDomainInterfaceStatsStruct net{};
    BOOST_TEST(virDomainInterfaceStats(dom, "52:54:00:AA:BB:01", &net, sizeof net) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_OPERATION_UNSUPPORTED);
    BOOST_TEST(lastError().find("interface '52:54:00:AA:BB:01' has no host-side device") != std::string::npos, lastError());
    BOOST_TEST(virDomainInterfaceStats(dom, "tap9", &net, sizeof net) == -1);
    BOOST_TEST(lastError() == "invalid argument: 'tap9' is not a known interface");
    BOOST_TEST(virDomainBlockStats(dom, "vdz", &io, sizeof io) == -1);
    BOOST_TEST(lastError() == "invalid argument: invalid path: vdz");
    virTypedParameter params[16];
    int nparams = 16;
    BOOST_TEST_REQUIRE(virDomainBlockStatsFlags(dom, "vdb", params, &nparams, 0) == 0, lastError());
    BOOST_TEST(nparams == 8);
    BOOST_TEST(std::string(params[2].field) == VIR_DOMAIN_BLOCK_STATS_READ_BYTES);
    BOOST_TEST(params[2].value.l >= 512);

    // the guest gives the devices up (ACPI hot-unplug), then QEMU lets the file go
    BOOST_TEST(virDomainDetachDevice(dom, disk.c_str()) == 0, lastError());
    BOOST_TEST(virDomainDetachDevice(dom, nic.c_str()) == 0, lastError());
    for (int i = 0; i < 1000; ++i) {
        std::lock_guard<std::mutex> g(lock);
        if (removed.size() >= 2)
            break;
        std::this_thread::sleep_for(10ms);
    }
    {
        std::lock_guard<std::mutex> g(lock);
        std::string got;
        for (const auto &a : removed)
            got += a + " ";
        BOOST_TEST(got == "virtio-disk1 net0 ");
    }
    BOOST_TEST(!holdsOpen(pid, image));
    xml = virDomainGetXMLDesc(dom, 0);
    BOOST_TEST(std::string(xml).find("vdb") == std::string::npos);
    free(xml);
    BOOST_TEST(virDomainDetachDevice(dom, disk.c_str()) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_DEVICE_MISSING);

    // the persistent config, for the next start
    BOOST_TEST(virDomainAttachDeviceFlags(dom, disk.c_str(), VIR_DOMAIN_AFFECT_CONFIG) == 0, lastError());
    BOOST_TEST(slurp(root.dir / "etc" / "qemu" / "plug.xml").find("<target dev='vdb' bus='virtio'/>") != std::string::npos);
    BOOST_TEST(!holdsOpen(pid, image));
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    BOOST_TEST(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST(holdsOpen(guestPid(root, "plug"), image));
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    virDomainFree(dom);
    virConnectDomainEventDeregisterAny(conn, cb);
    virConnectClose(conn);
}

// Autostart: a link beside the config; the first process of a host boot that opens the
// directory starts the marked guests, later ones do not start them again.
BOOST_AUTO_TEST_CASE(autostart_once_per_boot)
{
    Root root;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    virDomainPtr dom = virDomainDefineXML(conn, guestNamed("auto", "9c4f1aed-5b6c-4d7e-8f90-ab1c2d3e4f50").c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    int on = -1;
    BOOST_TEST(virDomainGetAutostart(dom, &on) == 0);
    BOOST_TEST(on == 0);
    BOOST_TEST(virDomainSetAutostart(dom, 1) == 0, lastError());
    BOOST_TEST(fs::is_symlink(root.dir / "etc" / "qemu" / "autostart" / "auto.xml"));
    BOOST_TEST(virDomainGetAutostart(dom, &on) == 0);
    BOOST_TEST(on == 1);
    virDomainPtr *listed = nullptr;
    BOOST_TEST(virConnectListAllDomains(conn, &listed, VIR_CONNECT_LIST_DOMAINS_AUTOSTART) == 1);
    for (int i = 0; listed && listed[i]; ++i)
        virDomainFree(listed[i]);
    free(listed);
    virDomainPtr transient = virDomainCreateXML(conn, guestNamed("once", "0d5a2bfe-6c7d-4e8f-9a01-bc2d3e4f5a61").c_str(), 0);
    BOOST_TEST_REQUIRE(transient, lastError());
    BOOST_TEST(virDomainSetAutostart(transient, 1) == -1);
    BOOST_TEST(lastError() == "Requested operation is not valid: cannot set autostart for transient domain");
    BOOST_TEST(virDomainDestroy(transient) == 0);
    virDomainFree(transient);
    virDomainFree(dom);
    virConnectClose(conn);

    // as if the host had booted since this directory's autostart
    std::ofstream(root.dir / "run" / "qemu" / "autostarted") << "an earlier boot\n";
    BOOST_TEST(root.shell("domstate auto") == "running\n\n");
    BOOST_TEST(root.shell("destroy auto").find("destroyed") != std::string::npos);
    BOOST_TEST(root.shell("domstate auto") == "shut off\n\n");     // once per boot
    BOOST_TEST(root.shell("dominfo auto").find("Autostart:      enable") != std::string::npos);
    BOOST_TEST(root.shell("undefine auto").find("undefined") != std::string::npos);
    BOOST_TEST(!fs::exists(root.dir / "etc" / "qemu" / "autostart" / "auto.xml"));
}

// QEMU takes at most one vfio-ap mediated device: define and start refuse a second, a stored
// config holding two still loads and is listed so it can be fixed, and starting a guest whose
// mediated device is not on the host names it. An s390x guest itself runs under TCG.
BOOST_AUTO_TEST_CASE(vfio_ap_rule_on_s390x)
{
    Root root;
    std::string two = slurp(fs::path(VH_QEMU_DATA) / "argv" / "s390x-two-vfio-ap.xml");
    std::string one = slurp(fs::path(VH_QEMU_DATA) / "argv" / "s390x-vfio-ap.xml");
    // a config written before the rule, found at the next start of the driver
    fs::create_directories(root.dir / "etc" / "qemu");
    std::ofstream(root.dir / "etc" / "qemu" / "s390x-two-vfio-ap.xml") << two;

    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    virDomainPtr dom = virDomainLookupByName(conn, "s390x-two-vfio-ap");
    BOOST_TEST_REQUIRE(dom, lastError());
    char *xml = virDomainGetXMLDesc(dom, 0);
    BOOST_TEST((xml && std::string(xml).find("0a1b2c3d-4e5f-4061-8273-a4b5c6d7e8f9") != std::string::npos));
    free(xml);
    const std::string rule = "unsupported configuration: Only one hostdev of model vfio-ap is supported";
    BOOST_TEST(virDomainCreate(dom) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_CONFIG_UNSUPPORTED);
    BOOST_TEST(lastError() == rule);
    BOOST_TEST(virDomainDefineXML(conn, two.c_str()) == nullptr);
    BOOST_TEST(lastError() == rule);
    BOOST_TEST(virDomainCreateXML(conn, two.c_str(), 0) == nullptr);
    BOOST_TEST(lastError() == rule);
    // nothing stored was lost or changed by the refusals
    BOOST_TEST(slurp(root.dir / "etc" / "qemu" / "s390x-two-vfio-ap.xml") == two);

    // fixed: one device, which this host does not have
    std::string fixed = two;
    size_t second = fixed.find("<hostdev", fixed.find("</hostdev>"));
    fixed.erase(second, fixed.find("</hostdev>", second) + 10 - second);
    virDomainPtr again = virDomainDefineXML(conn, fixed.c_str());
    BOOST_TEST_REQUIRE(again, lastError());
    BOOST_TEST(virDomainCreate(again) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_DEVICE_MISSING);
    BOOST_TEST(lastError().find("mediated device '8f1e2d3c-4b5a-4697-8e7f-6a5b4c3d2e1f'") != std::string::npos, lastError());
    virDomainFree(again);
    virDomainFree(dom);

    // vfio-ap is an s390x device
    std::string x86 = one;
    x86.replace(x86.find("arch='s390x' machine='s390-ccw-virtio'"), 38, "arch='x86_64'");
    BOOST_TEST(virDomainDefineXML(conn, x86.c_str()) == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_CONFIG_UNSUPPORTED);

    // an s390x guest without the device runs, under TCG
    std::string plain = one;
    plain.erase(plain.find("<hostdev"), plain.find("</hostdev>") + 10 - plain.find("<hostdev"));
    plain.replace(plain.find("s390x-vfio-ap"), 13, "s390x-plain");
    virDomainPtr s390 = virDomainCreateXML(conn, plain.c_str(), 0);
    BOOST_TEST_REQUIRE(s390, lastError());
    // with nothing to boot, the s390 firmware may soon stop its CPU, which QEMU reports (paused)
    BOOST_TEST(virDomainIsActive(s390) == 1);
    BOOST_TEST(virDomainDestroy(s390) == 0);
    virDomainFree(s390);
    virConnectClose(conn);
}

// virConnectGetDomainCapabilities through the public API and the shell, and a type='kvm' guest
// refused with the KVM probe's reason where KVM does not run guests (type='qemu' runs anyway).
BOOST_AUTO_TEST_CASE(domain_capabilities_and_kvm_verdict)
{
    Root root;
    // the shell first: one process at a time manages a state directory
    std::string s390 = root.shell("domcapabilities --virttype qemu --arch s390x");
    BOOST_TEST(s390.find("<value>mdev</value>") != std::string::npos, s390);
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    char *caps = virConnectGetDomainCapabilities(conn, nullptr, "x86_64", "pc", "qemu", 0);
    BOOST_TEST_REQUIRE(caps, lastError());
    std::string xml = caps;
    free(caps);
    BOOST_TEST(xml.find("<domain>qemu</domain>") != std::string::npos);
    BOOST_TEST(xml.find("<machine>pc-i440fx-") != std::string::npos);
    BOOST_TEST(xml.find("<path>/usr/bin/qemu-system-x86_64</path>") != std::string::npos);
    BOOST_TEST(virConnectGetDomainCapabilities(conn, nullptr, "foo", nullptr, nullptr, 0) == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_INVALID_ARG);
    BOOST_TEST(lastError() == "invalid argument: unknown architecture: foo");
    BOOST_TEST(virConnectGetDomainCapabilities(conn, nullptr, nullptr, nullptr, nullptr, 1) == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_INVALID_ARG);

    // the host capabilities offer kvm, or say why not; a type='kvm' guest follows that verdict
    char *hostCaps = virConnectGetCapabilities(conn);
    BOOST_TEST_REQUIRE(hostCaps);
    std::string hostXml = hostCaps;
    free(hostCaps);
    const std::string mark = "<!-- domain type 'kvm' is not offered: ";
    size_t why = hostXml.find(mark);
    std::string kvmGuest = guestNamed("kvm-guest", "5c0ffee0-1111-4222-8333-944455556666");
    kvmGuest.replace(kvmGuest.find("type='qemu'"), 11, "type='kvm'");
    virDomainPtr dom = virDomainCreateXML(conn, kvmGuest.c_str(), 0);
    if (why == std::string::npos) {
        BOOST_TEST_MESSAGE("KVM runs guests on this host");
        BOOST_TEST_REQUIRE(dom, lastError());
        BOOST_TEST(virDomainDestroy(dom) == 0);
        virDomainFree(dom);
    } else {
        std::string reason = hostXml.substr(why + mark.size(), hostXml.find(" -->", why) - why - mark.size());
        BOOST_TEST_MESSAGE("KVM not offered: " << reason);
        BOOST_TEST(dom == nullptr);
        BOOST_TEST(virGetLastError()->code == VIR_ERR_CONFIG_UNSUPPORTED);
        BOOST_TEST(lastError().find(reason) != std::string::npos, lastError());
        char *kvmCaps = virConnectGetDomainCapabilities(conn, nullptr, nullptr, nullptr, "kvm", 0);
        BOOST_TEST(kvmCaps == nullptr);
        BOOST_TEST(virGetLastError()->code == VIR_ERR_CONFIG_UNSUPPORTED);
        BOOST_TEST(lastError().find(reason) != std::string::npos, lastError());
    }
    virConnectClose(conn);
}

// Streams over the QEMU driver: the guest's serial console (a pty) and its screen.
BOOST_AUTO_TEST_SUITE(streams)

namespace {

// The Linux guest with its serial port on a pty (the console virDomainOpenConsole opens).
std::string linuxGuestOnPty(const std::string &name, const std::string &uuid)
{
    std::string xml = linuxGuest(name, uuid, "/dev/null");
    size_t from = xml.find("<serial"), to = xml.find("</serial>") + 9;
    return xml.replace(from, to - from, "<serial type='pty'/>");
}

// What a console stream's event callback has read, and whether it heard the stream end.
struct ConsoleReader {
    std::mutex lock;
    std::string text;
    bool ended = false;
    static void onEvent(virStreamPtr st, int events, void *opaque)
    {
        auto *self = static_cast<ConsoleReader *>(opaque);
        std::lock_guard<std::mutex> g(self->lock);
        if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP))
            self->ended = true;
        if (!(events & VIR_STREAM_EVENT_READABLE))
            return;
        char buf[1024];
        for (int i = 0; i < 64; ++i) {
            int n = virStreamRecv(st, buf, sizeof buf);
            if (n <= 0) {
                self->ended |= n != -2;
                break;
            }
            self->text.append(buf, n);
        }
    }
    // Until pred holds (60 s at most: a boot takes ~5 s under TCG).
    template <class Pred>
    bool waitUntil(Pred pred)
    {
        for (int i = 0; i < 1200; ++i) {
            {
                std::lock_guard<std::mutex> g(lock);
                if (pred(*this))
                    return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
};

// The last error as "code message".
std::string errorCodeAndMessage()
{
    virErrorPtr e = virGetLastError();
    return (e ? std::to_string(e->code) : "none") + " " + lastError();
}

// A virthub shell in another process with its stdin and stdout on pipes (stdin not a tty).
struct ShellProcess {
    pid_t pid = -1;
    int in = -1, out = -1;
    std::string output;
    ShellProcess(const Root &root, const std::string &commands)
    {
        int toChild[2], fromChild[2];
        BOOST_TEST_REQUIRE(pipe2(toChild, O_CLOEXEC) == 0);
        BOOST_TEST_REQUIRE(pipe2(fromChild, O_CLOEXEC) == 0);
        pid = fork();
        if (pid == 0) {
            dup2(toChild[0], 0);
            dup2(fromChild[1], 1);
            dup2(fromChild[1], 2);
            execl(VH_SHELL, VH_SHELL, "-c", root.uri.c_str(), commands.c_str(), static_cast<char *>(nullptr));
            _exit(127);
        }
        close(toChild[0]);
        close(fromChild[1]);
        in = toChild[1];
        out = fromChild[0];
    }
    // Reads until the output holds text or 60 s pass.
    bool readUntil(const std::string &text)
    {
        for (int i = 0; i < 600 && output.find(text) == std::string::npos; ++i) {
            pollfd p{out, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0)
                continue;
            char buf[4096];
            ssize_t n = read(out, buf, sizeof buf);
            if (n <= 0)
                break;
            output.append(buf, n);
        }
        return output.find(text) != std::string::npos;
    }
    // Its exit status, after 20 s at most (killed then).
    int wait()
    {
        int status = 0;
        for (int i = 0; i < 200; ++i) {
            if (waitpid(pid, &status, WNOHANG) == pid)
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            std::this_thread::sleep_for(100ms);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    ~ShellProcess()
    {
        close(in);
        close(out);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(console_of_a_linux_guest)
{
    Root root;
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    EventLoop loop;     // where the console streams' callbacks run
    virDomainPtr dom = virDomainDefineXML(conn, linuxGuestOnPty("linux", "8b3e0fcd-4a5b-4c6d-9e7f-0a1b2c3d4e5f").c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    // paused, so that the console is open before the guest writes anything
    BOOST_TEST_REQUIRE(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) == 0, lastError());

    // the live XML shows the pty QEMU chose
    char *xml = virDomainGetXMLDesc(dom, 0);
    BOOST_TEST_REQUIRE(xml);
    std::string live = xml;
    free(xml);
    size_t at = live.find("<source path='/dev/pts/");
    BOOST_TEST_REQUIRE(at != std::string::npos, live);
    std::string pty = live.substr(at + 14, live.find('\'', at + 14) - at - 14);
    BOOST_TEST(live.find("<console type='pty' tty='" + pty + "'>") != std::string::npos, live);
    BOOST_TEST(live.find("<alias name='serial0'/>") != std::string::npos, live);
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    BOOST_TEST(std::string(xml).find("/dev/pts/") == std::string::npos);
    free(xml);

    virStreamPtr first = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    BOOST_TEST_REQUIRE(virDomainOpenConsole(dom, nullptr, first, 0) == 0, lastError());
    ConsoleReader reader;
    BOOST_TEST_REQUIRE(virStreamEventAddCallback(first, VIR_STREAM_EVENT_READABLE, ConsoleReader::onEvent, &reader, nullptr) == 0);
    BOOST_TEST_REQUIRE(virDomainResume(dom) == 0, lastError());
    BOOST_TEST_REQUIRE(reader.waitUntil([](ConsoleReader &r) { return r.text.find("virthub-guest: ready") != std::string::npos; }),
                       reader.text);

    // one session per device: a second open is refused, unless forced
    virStreamPtr second = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    BOOST_TEST(virDomainOpenConsole(dom, nullptr, second, 0) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_OPERATION_FAILED);
    BOOST_TEST(lastError() == "operation failed: Active console session exists for this domain");
    BOOST_TEST(virDomainOpenConsole(dom, "serial0", second, VIR_DOMAIN_CONSOLE_SAFE) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_OPERATION_FAILED);
    BOOST_TEST(virDomainOpenConsole(dom, "serial0", second, VIR_DOMAIN_CONSOLE_FORCE) == 0, lastError());
    // the old session hears that it ended, from the loop; reading it fails
    BOOST_TEST(reader.waitUntil([](ConsoleReader &r) { return r.ended; }));
    char buf[64];
    BOOST_TEST(virStreamRecv(first, buf, sizeof buf) == -1);
    BOOST_TEST(virStreamEventRemoveCallback(first) == 0);
    // the new one has nothing to read yet, and writes to the guest
    BOOST_TEST(virStreamRecv(second, buf, sizeof buf) == -2);
    BOOST_TEST(virStreamSend(second, "\r", 1) == 1, lastError());
    BOOST_TEST(virStreamFinish(second) == 0);
    BOOST_TEST(virStreamFinish(second) == -1);
    virStreamFree(first);
    virStreamFree(second);

    // devices by alias; one that does not exist
    virStreamPtr st = virStreamNew(conn, 0);
    BOOST_TEST(virDomainOpenConsole(dom, "nope", st, 0) == -1);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_INTERNAL_ERROR) + " internal error: cannot find character device nope");
    BOOST_TEST(virDomainOpenConsole(dom, nullptr, st, 4) == -1);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_INVALID_ARG);
    virStreamFree(st);
    virDomainFree(dom);
    virConnectClose(conn);

    // the shell's console in another process (this one lets the directory go): the banner, then
    // the guest's output after a reset, until ^]
    {
        ShellProcess shell(root, "reset linux; console linux");
        BOOST_TEST(shell.readUntil("Connected to domain 'linux'\nEscape character is ^] (Ctrl + ])\n"), shell.output);
        BOOST_TEST(shell.readUntil("virthub-guest: ready"), shell.output);
        BOOST_TEST(write(shell.in, "\x1d", 1) == 1);
        BOOST_TEST(shell.wait() == 0, shell.output);
    }

    // a guest that is not running has no console
    conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    dom = virDomainLookupByName(conn, "linux");
    BOOST_TEST_REQUIRE(dom, lastError());
    BOOST_TEST(virDomainDestroy(dom) == 0, lastError());
    st = virStreamNew(conn, 0);
    BOOST_TEST(virDomainOpenConsole(dom, nullptr, st, 0) == -1);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_OPERATION_INVALID) + " Requested operation is not valid: domain is not running");
    virStreamFree(st);
    virDomainFree(dom);
    virConnectClose(conn);
}

BOOST_AUTO_TEST_CASE(screenshot_of_a_vga_guest)
{
    Root root;
    fs::path vnc = root.dir / "vnc.sock";
    std::string xml = guestNamed("shot", "9c4f1ade-5b6c-4d7e-8f90-1a2b3c4d5e6f");
    xml.replace(xml.find("<memballoon"), 0,
                "<serial type='file'><source path='" + (root.dir / "serial.log").string() + "'/></serial>"
                "<graphics type='vnc'><listen type='socket' socket='" + vnc.string() + "'/></graphics>"
                "<video><model type='vga'/></video>");
    virConnectPtr conn = virConnectOpen(root.uri.c_str());
    BOOST_TEST_REQUIRE(conn, lastError());
    virDomainPtr dom = virDomainDefineXML(conn, xml.c_str());
    BOOST_TEST_REQUIRE(dom, lastError());
    virStreamPtr st = virStreamNew(conn, 0);
    BOOST_TEST(virDomainScreenshot(dom, st, 0, 0) == nullptr);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_OPERATION_INVALID) + " Requested operation is not valid: domain is not running");
    BOOST_TEST_REQUIRE(virDomainCreate(dom) == 0, lastError());
    BOOST_TEST(fs::exists(vnc));     // QEMU's VNC server listens there

    char *mime = virDomainScreenshot(dom, st, 0, 0);
    BOOST_TEST_REQUIRE(mime, lastError());
    BOOST_TEST(std::string(mime) == "image/x-portable-pixmap");
    free(mime);
    std::string image;
    char buf[65536];
    int n = 0;
    for (int i = 0; i < 10000 && (n = virStreamRecv(st, buf, sizeof buf)) > 0; ++i)
        image.append(buf, n);
    BOOST_TEST(n == 0, lastError());
    BOOST_TEST(virStreamFinish(st) == 0);
    virStreamFree(st);
    // a binary PPM: "P6", width, height, maxval 255, then width * height RGB triples
    std::istringstream header(image);
    std::string magic;
    int width = 0, height = 0, maxval = 0;
    header >> magic >> width >> height >> maxval;
    BOOST_TEST(magic == "P6");
    BOOST_TEST(width > 0);
    BOOST_TEST(height > 0);
    BOOST_TEST(maxval == 255);
    BOOST_TEST(image.size() == static_cast<size_t>(header.tellg()) + 1 + static_cast<size_t>(width) * height * 3);
    // no leftover dump files in the state directory
    for (const auto &e : fs::directory_iterator(root.dir / "run" / "qemu"))
        BOOST_TEST(e.path().filename().string().find("screendump") == std::string::npos);

    // screens beyond the adapter's heads, unknown flags
    st = virStreamNew(conn, 0);
    BOOST_TEST(virDomainScreenshot(dom, st, 1, 0) == nullptr);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_INVALID_ARG) + " invalid argument: no such screen ID");
    BOOST_TEST(virDomainScreenshot(dom, st, 0, 1) == nullptr);
    BOOST_TEST(virGetLastError()->code == VIR_ERR_INVALID_ARG);
    // the serial port is a file, not a pty
    BOOST_TEST(virDomainOpenConsole(dom, nullptr, st, 0) == -1);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_INTERNAL_ERROR) + " internal error: character device serial0 is not using a PTY");
    virStreamFree(st);

    // a guest without video has no screen
    virDomainPtr blind = virDomainCreateXML(conn, guestNamed("blind", "0d5a2bef-6c7d-4e8f-9a01-2b3c4d5e6f70").c_str(), 0);
    BOOST_TEST_REQUIRE(blind, lastError());
    st = virStreamNew(conn, 0);
    BOOST_TEST(virDomainScreenshot(blind, st, 0, 0) == nullptr);
    BOOST_TEST(errorCodeAndMessage() == std::to_string(VIR_ERR_OPERATION_FAILED) + " operation failed: no screens to take screenshot from");
    virStreamFree(st);
    BOOST_TEST(virDomainDestroy(blind) == 0);
    virDomainFree(blind);

    // VNC on an address with autoport: a free port from 5900 on, in the live XML, where QEMU answers
    std::string autoXml = guestNamed("auto", "1e6b3cf0-7d8e-4f90-8a12-3c4d5e6f7081");
    autoXml.replace(autoXml.find("<memballoon"), 0, "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>");
    virDomainPtr autoDom = virDomainCreateXML(conn, autoXml.c_str(), 0);
    BOOST_TEST_REQUIRE(autoDom, lastError());
    char *autoLive = virDomainGetXMLDesc(autoDom, 0);
    std::string autoText = autoLive;
    free(autoLive);
    size_t portAt = autoText.find("<graphics type='vnc' port='");
    BOOST_TEST_REQUIRE(portAt != std::string::npos, autoText);
    int port = std::stoi(autoText.substr(portAt + 27));
    BOOST_TEST(port >= 5900);
    BOOST_TEST(autoText.find("<video>") != std::string::npos, autoText);    // libvirt adds one for the display
    int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_TEST_REQUIRE(connect(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    pollfd p{sock, POLLIN, 0};
    char greeting[12] = {};
    BOOST_TEST(poll(&p, 1, 10000) == 1);
    BOOST_TEST(read(sock, greeting, sizeof greeting) == 12);
    BOOST_TEST(std::string(greeting, 4) == "RFB ");
    close(sock);
    BOOST_TEST(virDomainDestroy(autoDom) == 0);
    virDomainFree(autoDom);
    virDomainFree(dom);
    virConnectClose(conn);

    // the shell, in another process, writes the file
    fs::path file = root.dir / "shot.ppm";
    std::string out = root.shell("screenshot shot " + file.string());
    BOOST_TEST(out == "Screenshot saved to " + file.string() + ", with type of image/x-portable-pixmap\n\n", out);
    BOOST_TEST(slurp(file).rfind("P6\n", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
