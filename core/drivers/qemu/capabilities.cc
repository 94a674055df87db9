#include "drivers/qemu/capabilities.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <tuple>

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/qemu/spawn.h"
#include "util/files.h"

namespace vh::drv::qemu {

namespace fs = std::filesystem;

namespace {

// The output of a program that ran and succeeded (stdout only).
bool run(const std::vector<std::string> &argv, std::string &out)
{
    ProgramOutput r = runProgram(argv);
    out = std::move(r.out);
    return r.ok();
}

int wordsize(const std::string &arch)
{
    static const char *const k32[] = {"i686", "arm", "ppc", "mips", "mipsel", "sparc", "riscv32", "or1k", "m68k",
                                      "microblaze", "sh4", "xtensa", "hppa", "rx", "avr", "cris", "nios2", "tricore"};
    return std::find_if(std::begin(k32), std::end(k32), [&](const char *a) { return arch == a; }) != std::end(k32) ? 32 : 64;
}

// "-machine help" lines: "pc                   Standard PC (...) (alias of pc-i440fx-7.2)",
// "pc-i440fx-7.2        Standard PC (...) (default)", "... (deprecated)".
std::vector<conf::CapsMachine> parseMachines(const std::string &text)
{
    std::vector<conf::CapsMachine> out;
    std::istringstream in(text);
    std::string line;
    static const std::regex aliasOf(R"(\(alias of ([^)]+)\))");
    std::string dflt;
    while (std::getline(in, line)) {
        if (line.empty() || line.rfind("Supported machines", 0) == 0)
            continue;
        std::istringstream words(line);
        conf::CapsMachine m;
        words >> m.name;
        if (m.name.empty() || m.name == "none")
            continue;
        std::smatch match;
        if (std::regex_search(line, match, aliasOf))
            m.canonical = match[1];
        m.deprecated = line.find("(deprecated)") != std::string::npos;
        if (line.find("(default)") != std::string::npos)
            dflt = m.name;
        out.push_back(std::move(m));
    }
    // libvirt lists the default machine first
    std::stable_partition(out.begin(), out.end(), [&](const conf::CapsMachine &m) {
        return m.name == dflt || m.canonical == dflt;
    });
    return out;
}

// "-device help" lines: name "vfio-ap", bus ap-bus, desc "..."
std::vector<std::string> parseDevices(const std::string &text)
{
    std::vector<std::string> out;
    static const std::regex name(R"(^name \"([^\"]+)\")");
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, name))
            out.push_back(m[1]);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The probe cache on disk: one file per binary, its first line the binary's size and mtime.
std::string cacheKeyLine(off_t size, long long mtime)
{
    return "key " + std::to_string(size) + " " + std::to_string(mtime);
}

bool loadCached(const std::string &file, const std::string &keyLine, EmulatorCaps &caps)
{
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line) || line != keyLine)
        return false;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string kind;
        words >> kind;
        if (kind == "version") {
            words >> caps.version;
        } else if (kind == "machine") {
            conf::CapsMachine m;
            int deprecated = 0;
            words >> m.name >> m.canonical >> deprecated;
            if (m.canonical == "-")
                m.canonical.clear();
            m.deprecated = deprecated;
            caps.machines.push_back(std::move(m));
        } else if (kind == "device") {
            std::string d;
            words >> d;
            caps.devices.push_back(d);
        }
    }
    return caps.version != 0;
}

void storeCached(const std::string &dir, const std::string &file, const std::string &keyLine, const EmulatorCaps &caps)
{
    std::string text = keyLine + "\nversion " + std::to_string(caps.version) + "\n";
    for (const auto &m : caps.machines)
        text += "machine " + m.name + " " + (m.canonical.empty() ? "-" : m.canonical) + " " + (m.deprecated ? "1" : "0") + "\n";
    for (const auto &d : caps.devices)
        text += "device " + d + "\n";
    if (makeDirs(dir, 0700, VIR_FROM_QEMU))
        (void)writeFileAtomic(file, text, VIR_FROM_QEMU);
}

} // namespace

bool EmulatorCaps::hasDevice(const std::string &name) const
{
    return std::binary_search(devices.begin(), devices.end(), name);
}

Result<EmulatorCaps> probeEmulator(const std::string &path, const std::string &cacheDir)
{
    static std::mutex lock;
    static std::map<std::tuple<std::string, off_t, long long>, EmulatorCaps> cache;
    struct stat st;
    if (stat(path.c_str(), &st) < 0)
        return Error::system(VIR_FROM_QEMU, errno, "cannot find QEMU binary " + path);
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
    caps.arch = name.rfind("qemu-system-", 0) == 0 ? name.substr(12) : name;
    std::string keyLine = cacheKeyLine(st.st_size, std::get<2>(key));
    std::string file = cacheDir.empty() ? "" : cacheDir + "/" + name + ".caps";
    if (!file.empty() && loadCached(file, keyLine, caps)) {
        std::lock_guard<std::mutex> g(lock);
        cache[key] = caps;
        return caps;
    }
    std::string version, machines, devices;
    if (!run({path, "-version"}, version))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "cannot run " + path + " -version");
    unsigned a = 0, b = 0, c = 0;
    size_t at = version.find("version ");
    if (at != std::string::npos && sscanf(version.c_str() + at + 8, "%u.%u.%u", &a, &b, &c) >= 2)
        caps.version = a * 1000000UL + b * 1000UL + c;
    if (!run({path, "-machine", "help"}, machines) || !run({path, "-device", "help"}, devices))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR, "cannot probe " + path);
    caps.machines = parseMachines(machines);
    caps.devices = parseDevices(devices);
    if (!file.empty())
        storeCached(cacheDir, file, keyLine, caps);
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
        if (name.rfind("qemu-system-", 0) == 0 && access(e.path().c_str(), X_OK) == 0)
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
        // KVM only where a guest really runs under it (see HostFacts)
        if (host.kvmUsable && e.arch == u.machine)
            g.domains.push_back({"kvm", "", "", {}});
        g.features[static_cast<size_t>(conf::CapsGuestFeature::Acpi)] = {true, true, true};
        g.features[static_cast<size_t>(conf::CapsGuestFeature::CpuSelection)].present = true;
        g.features[static_cast<size_t>(conf::CapsGuestFeature::DeviceBoot)].present = true;
        g.features[static_cast<size_t>(conf::CapsGuestFeature::DiskSnapshot)] = {true, true, false};
        caps.guests.push_back(std::move(g));
    }
    return conf::formatCapabilities(caps, 0);
}

} // namespace vh::drv::qemu
