#include "drivers/qemu/capabilities.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/qemu/domain_capabilities.h"
#include "drivers/qemu/monitor.h"
#include "drivers/qemu/process.h"
#include "util/files.h"

namespace vh::drv::qemu {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Bumped whenever what the cache file holds changes; files of another version are probed again.
constexpr int kCacheFormat = 3;

// libvirt's word size of each architecture (its table says 64 for sh4eb, so this one does too)
int wordsize(const std::string &arch)
{
    static const char *const k32[] = {"armv6l", "armv7l", "armv7b", "cris", "i686", "lm32", "m68k", "microblaze",
                                      "microblazeel", "mips", "mipsel", "openrisc", "parisc", "ppc", "ppcle", "ppcemb",
                                      "riscv32", "s390", "sh4", "sparc", "unicore32", "xtensa", "xtensaeb"};
    return std::find_if(std::begin(k32), std::end(k32), [&](const char *a) { return arch == a; }) != std::end(k32) ? 32 : 64;
}

// query-machines: the default machine first, each alias listed right after its machine (with
// canonical set), as libvirt lists them; "none" is left out.
std::vector<conf::CapsMachine> machinesFrom(const Json &list)
{
    struct Entry {
        std::string name, alias;
        int maxCpus;
        bool deprecated, isDefault;
    };
    std::vector<Entry> entries;
    for (const Json &m : list) {
        Entry e{m.value("name", std::string()), m.value("alias", std::string()), m.value("cpu-max", 0),
                m.value("deprecated", false), m.value("is-default", false)};
        if (!e.name.empty() && e.name != "none")
            entries.push_back(std::move(e));
    }
    std::stable_partition(entries.begin(), entries.end(), [](const Entry &e) { return e.isDefault; });
    std::vector<conf::CapsMachine> out;
    for (const Entry &e : entries) {
        out.push_back({e.name, "", e.maxCpus, e.deprecated});
        if (!e.alias.empty())
            out.push_back({e.alias, e.name, e.maxCpus, e.deprecated});
    }
    return out;
}

std::vector<CpuModelCaps> cpuModelsFrom(const Json &list)
{
    std::vector<CpuModelCaps> out;
    for (const Json &c : list) {
        CpuModelCaps m;
        m.name = c.value("name", std::string());
        if (c.contains("unavailable-features") && c["unavailable-features"].is_array())
            m.usable = c["unavailable-features"].empty();
        m.deprecated = c.value("deprecated", false);
        if (!m.name.empty())
            out.push_back(std::move(m));
    }
    return out;     // in QEMU's order, which libvirt keeps
}

std::vector<std::string> namesFrom(const Json &list, const std::string &suffix = {})
{
    std::vector<std::string> out;
    for (const Json &t : list) {
        std::string n = t.value("name", std::string());
        if (!suffix.empty()) {
            if (n.size() <= suffix.size() || n.compare(n.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            n.resize(n.size() - suffix.size());
        }
        out.push_back(std::move(n));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// One QEMU process for the whole probe: no guest, stopped, the QMP monitor on a private socket.
Result<void> probeOverQmp(EmulatorCaps &caps)
{
    auto deadline = Clock::now() + std::chrono::milliseconds(kProbeTimeoutMs);
    auto left = [&] {
        return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                        std::chrono::milliseconds(1));
    };
    std::string tmpl = (fs::temp_directory_path() / "virthub-probe.XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
        return Error::system(VIR_FROM_QEMU, errno, "cannot create a directory for probing " + caps.path);
    struct Cleanup {
        std::string dir;
        ~Cleanup() { std::error_code ec; fs::remove_all(dir, ec); }
    } cleanup{tmpl};
    std::string sock = tmpl + "/qmp.sock";
    auto proc = Process::spawn({caps.path, "-machine", "none,accel=tcg", "-nodefaults", "-nographic",
                                "-no-user-config", "-S", "-qmp", "unix:" + sock + ",server=on,wait=off"},
                               tmpl + "/qemu.log");
    if (!proc)
        return std::move(proc).error();
    Process &qemu = *proc;
    auto fail = [&](Error e) -> Error {
        (void)qemu.stop(std::chrono::milliseconds(200));
        e.message = "cannot probe " + caps.path + ": " + e.message;
        // QEMU's own words say most (e.g. a module it cannot load)
        if (auto log = readFile(tmpl + "/qemu.log", VIR_FROM_QEMU); log && !log->empty())
            e.message += "; QEMU said: " + log->substr(0, log->find('\n'));
        return e;
    };
    auto mon = Monitor::connect(sock, left(), {}, {}, [&] { return qemu.running(); });
    if (!mon)
        return fail(std::move(mon).error());
    auto run = [&](const std::string &cmd, const Json &args = Json::object()) { return (*mon)->execute(cmd, args, left()); };
    auto version = run("query-version");
    if (!version)
        return fail(std::move(version).error());
    const Json &q = (*version)["qemu"];
    caps.version = q.value("major", 0UL) * 1000000 + q.value("minor", 0UL) * 1000 + q.value("micro", 0UL);
    caps.package = version->value("package", std::string());
    if (size_t b = caps.package.find_first_not_of(" ("); b != std::string::npos)
        caps.package = caps.package.substr(b, caps.package.find_last_not_of(" )") - b + 1);
    auto machines = run("query-machines");
    if (!machines)
        return fail(std::move(machines).error());
    caps.machines = machinesFrom(*machines);
    // not every target has CPU models to list (QEMU says "not supported"): none then
    if (auto cpus = run("query-cpu-definitions"))
        caps.cpuModels = cpuModelsFrom(*cpus);
    auto devices = run("qom-list-types", {{"implements", "device"}, {"abstract", false}});
    if (!devices)
        return fail(std::move(devices).error());
    caps.devices = namesFrom(*devices);
    for (const char *dev : kPropertyDevices) {
        if (!caps.hasDevice(dev))
            continue;
        auto props = run("device-list-properties", {{"typename", dev}});
        if (!props)
            return fail(std::move(props).error());
        caps.deviceProperties[dev] = namesFrom(*props);
    }
    // the accelerators built in ("kvm-accel" -> kvm); whether KVM runs guests is kvm_probe's
    if (auto accels = run("qom-list-types", {{"implements", "accel"}, {"abstract", false}}))
        caps.accelerators = namesFrom(*accels, "-accel");
    (void)run("quit");
    mon->reset();
    (void)qemu.stop(std::chrono::milliseconds(1000));
    return {};
}

Json toJson(const EmulatorCaps &caps)
{
    Json machines = Json::array(), cpus = Json::array();
    for (const auto &m : caps.machines)
        machines.push_back({{"name", m.name}, {"canonical", m.canonical}, {"maxCpus", m.maxCpus}, {"deprecated", m.deprecated}});
    for (const auto &c : caps.cpuModels) {
        Json j = {{"name", c.name}, {"deprecated", c.deprecated}};
        if (c.usable)
            j["usable"] = *c.usable;
        cpus.push_back(std::move(j));
    }
    return {{"version", caps.version}, {"package", caps.package}, {"machines", machines}, {"cpuModels", cpus},
            {"devices", caps.devices}, {"deviceProperties", caps.deviceProperties}, {"accelerators", caps.accelerators}};
}

void fromJson(const Json &j, EmulatorCaps &caps)
{
    caps.version = j.at("version").get<unsigned long>();
    caps.package = j.at("package").get<std::string>();
    for (const Json &m : j.at("machines"))
        caps.machines.push_back({m.at("name").get<std::string>(), m.at("canonical").get<std::string>(),
                                 m.at("maxCpus").get<int>(), m.at("deprecated").get<bool>()});
    for (const Json &c : j.at("cpuModels")) {
        CpuModelCaps m{c.at("name").get<std::string>(), std::nullopt, c.at("deprecated").get<bool>()};
        if (c.contains("usable"))
            m.usable = c["usable"].get<bool>();
        caps.cpuModels.push_back(std::move(m));
    }
    caps.devices = j.at("devices").get<std::vector<std::string>>();
    caps.deviceProperties = j.at("deviceProperties").get<std::map<std::string, std::vector<std::string>>>();
    caps.accelerators = j.at("accelerators").get<std::vector<std::string>>();
}

// The probe cache on disk: one JSON file per binary, keyed by the format, size and mtime.
Json cacheKey(off_t size, long long mtime)
{
    return {{"format", kCacheFormat}, {"size", size}, {"mtime", mtime}};
}

bool loadCached(const std::string &file, const Json &key, EmulatorCaps &caps)
{
    auto text = readFile(file, VIR_FROM_QEMU);
    if (!text)
        return false;
    Json doc = Json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("key", Json()) != key)
        return false;
    try {
        fromJson(doc.at("caps"), caps);
    } catch (const Json::exception &) {
        return false;     // damaged: probed again
    }
    return caps.version != 0;
}

void storeCached(const std::string &dir, const std::string &file, const Json &key, const EmulatorCaps &caps)
{
    Json doc = {{"key", key}, {"caps", toJson(caps)}};
    if (makeDirs(dir, 0700, VIR_FROM_QEMU))
        (void)writeFileAtomic(file, doc.dump(1) + "\n", VIR_FROM_QEMU);
}

} // namespace

const char *const kPropertyDevices[2] = {"virtio-blk-pci", "virtio-blk-ccw"};

bool EmulatorCaps::hasDevice(const std::string &name) const
{
    return std::binary_search(devices.begin(), devices.end(), name);
}

bool EmulatorCaps::hasAccel(const std::string &name) const
{
    return std::find(accelerators.begin(), accelerators.end(), name) != accelerators.end();
}

bool EmulatorCaps::deviceHasProperty(const std::string &device, const std::string &property) const
{
    auto it = deviceProperties.find(device);
    return it != deviceProperties.end() && std::binary_search(it->second.begin(), it->second.end(), property);
}

const conf::CapsMachine *EmulatorCaps::machine(const std::string &name) const
{
    for (const auto &m : machines)
        if (m.name == name)
            return &m;
    return nullptr;
}

std::string EmulatorCaps::canonicalMachine(const std::string &name) const
{
    const conf::CapsMachine *m = machine(name);
    return m && !m->canonical.empty() ? m->canonical : name;
}

namespace {
std::mutex gProbesLock;
std::map<std::tuple<std::string, off_t, long long>, EmulatorCaps> gProbes;
} // namespace

bool kvmArch(const std::string &arch)
{
    utsname u{};
    uname(&u);
    std::string host = u.machine;
    return arch == host || (host == "x86_64" && arch == "i686");
}

void forgetProbes()
{
    std::lock_guard<std::mutex> g(gProbesLock);
    gProbes.clear();
}

Result<EmulatorCaps> probeEmulator(const std::string &path, const std::string &cacheDir)
{
    auto &lock = gProbesLock;
    auto &cache = gProbes;
    struct stat st;
    if (stat(path.c_str(), &st) < 0)
        return Error::system(VIR_FROM_QEMU, errno, "Cannot check QEMU binary " + path);
    auto key = std::make_tuple(path, st.st_size, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec);
    {
        std::lock_guard<std::mutex> g(lock);
        auto it = cache.find(key);
        if (it != cache.end())
            return it->second;
    }
    EmulatorCaps caps;
    caps.path = path;
    std::string name = fs::path(path).filename();
    caps.arch = archOfBinary(path);
    if (caps.arch.empty())
        caps.arch = name.rfind("qemu-system-", 0) == 0 ? name.substr(12) : name;
    Json fileKey = cacheKey(st.st_size, std::get<2>(key));
    // the cache file is named after the whole path: two binaries of the same name differ
    std::string file;
    if (!cacheDir.empty()) {
        std::string flat = path;
        std::replace(flat.begin(), flat.end(), '/', '_');
        file = cacheDir + "/" + flat + ".json";
    }
    if (!file.empty() && loadCached(file, fileKey, caps)) {
        std::lock_guard<std::mutex> g(lock);
        cache[key] = caps;
        return caps;
    }
    VH_TRY(probeOverQmp(caps));
    if (!file.empty())
        storeCached(cacheDir, file, fileKey, caps);
    std::lock_guard<std::mutex> g(lock);
    cache[key] = caps;
    return caps;
}

std::vector<EmulatorCaps> installedEmulators(const std::string &cacheDir)
{
    std::vector<std::string> paths;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator("/usr/bin", ec)) {
        std::string name = e.path().filename();
        // the binaries of the architectures libvirt knows (not qemu-system-x86_64-microvm, ...)
        if (!archOfBinary(name).empty() && access(e.path().c_str(), X_OK) == 0)
            paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<EmulatorCaps> out;
    for (const auto &p : paths)
        if (auto caps = probeEmulator(p, cacheDir))
            out.push_back(std::move(*caps));
    return out;
}

std::string capabilitiesXML(const std::vector<EmulatorCaps> &emulators, const HostFacts &host)
{
    conf::CapabilitiesDef caps;
    utsname u{};
    uname(&u);
    caps.host.cpu.arch = u.machine;
    caps.host.cpu.pages = {static_cast<unsigned int>(sysconf(_SC_PAGESIZE) / 1024), 2048, 1048576};
    caps.host.migration = true;
    caps.host.liveMigration = true;
    caps.host.migrationTransports = {"tcp", "rdma"};
    for (const auto &e : emulators) {
        conf::CapsGuest g;
        g.osType = "hvm";
        g.arch = e.arch;
        g.wordsize = wordsize(e.arch);
        g.emulator = e.path;
        g.machines = e.machines;
        g.domains.push_back({"qemu", "", "", {}});
        // KVM only where a guest really runs under it (kvm_probe.h); otherwise the reason
        if (kvmArch(e.arch)) {
            if (host.kvmUsable)
                g.domains.push_back({"kvm", "", "", {}});
            else
                g.comment = "domain type 'kvm' is not offered: " + host.kvmMissingReason;
        }
        // x86 guests have ACPI and an APIC to toggle, and i686 ones PAE or not
        using F = conf::CapsGuestFeature;
        if (e.arch == "i686") {
            g.features[static_cast<size_t>(F::Pae)].present = true;
            g.features[static_cast<size_t>(F::NonPae)].present = true;
        }
        if (e.arch == "i686" || e.arch == "x86_64") {
            g.features[static_cast<size_t>(F::Acpi)] = {true, true, true};
            g.features[static_cast<size_t>(F::Apic)] = {true, true, false};
        }
        g.features[static_cast<size_t>(conf::CapsGuestFeature::CpuSelection)].present = true;
        g.features[static_cast<size_t>(conf::CapsGuestFeature::DeviceBoot)].present = true;
        g.features[static_cast<size_t>(conf::CapsGuestFeature::DiskSnapshot)] = {true, true, false};
        caps.guests.push_back(std::move(g));
    }
    return conf::formatCapabilities(caps, 0);
}

} // namespace vh::drv::qemu
