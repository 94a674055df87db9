#include "drivers/qemu/kvm_probe.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "util/files.h"

namespace vh::drv::qemu {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The test guest: a 64 KiB x86 firmware image (-bios) that does what every OS does first and
// then a fixed amount of work, and says "VHOK" on the first serial port when done.
//
// Why this is a faithful test (measured on the machines of QEMU-FACTS.md, whose /dev/kvm is a
// nested KVM served by the kvm_pvm module): a real-mode guest that only writes to the serial port runs,
// yet guest code executes there at about 0.2-0.7 million loop iterations per second in every
// CPU mode (real, protected, long mode with paging), some 200 times slower than TCG and
// thousands of times slower than working KVM. SeaBIOS crawls through its memset loops and the
// Linux guest prints nothing within 60 s. A guest that must switch real -> protected -> long
// mode with paging (as Linux's boot does) and then run 10 million loop iterations (about 20
// million instructions: ~0.15 s under TCG here, milliseconds under a working KVM) within 2 s
// separates the two: a KVM that cannot do that is slower than TCG and cannot boot an OS in
// useful time.
//
// The descriptors have their accessed bits set: the GDT lives in ROM, and a CPU loading a
// descriptor without the bit writes it back, which this KVM never completes (the far jump
// into protected mode hangs); firmware sets the bits for the same reason.
constexpr uint32_t kRomBase = 0xf0000;        // where the last 64 KiB of the BIOS appear below 1 MiB
constexpr uint32_t kLoops = 10000000;

class Rom {
public:
    Rom() : bytes_(0x10000, 0) {}
    size_t at() const { return at_; }
    void emit(std::initializer_list<uint8_t> b)
    {
        for (uint8_t x : b)
            bytes_[at_++] = x;
    }
    void u16(uint16_t v) { emit({uint8_t(v), uint8_t(v >> 8)}); }
    void u32(uint32_t v) { emit({uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}); }
    void u64(uint64_t v)
    {
        u32(uint32_t(v));
        u32(uint32_t(v >> 32));
    }
    void align(size_t n) { at_ = (at_ + n - 1) / n * n; }
    void seek(size_t to) { at_ = to; }
    // a 32-bit absolute address written earlier, now known
    void patch32(size_t where, uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            bytes_[where + i] = uint8_t(v >> (8 * i));
    }
    void patch16(size_t where, uint16_t v)
    {
        bytes_[where] = uint8_t(v);
        bytes_[where + 1] = uint8_t(v >> 8);
    }
    std::string take() { return std::string(bytes_.begin(), bytes_.end()); }

private:
    std::vector<uint8_t> bytes_;
    size_t at_ = 0;
};

std::string testGuestImage()
{
    Rom r;
    // real mode, CS=0xf000
    r.emit({0xfa});                          // cli
    r.emit({0xb8, 0x00, 0xf0});              // mov ax, 0xf000
    r.emit({0x8e, 0xd8});                    // mov ds, ax
    r.emit({0x66, 0x0f, 0x01, 0x16});        // lgdt [gdtdesc] (32-bit base)
    size_t gdtdescRef = r.at();
    r.u16(0);
    r.emit({0x0f, 0x20, 0xc0});              // mov eax, cr0
    r.emit({0x66, 0x25});                    // and eax, ~(CD|NW)
    r.u32(0x9fffffff);
    r.emit({0x0c, 0x01});                    // or al, PE
    r.emit({0x0f, 0x22, 0xc0});              // mov cr0, eax
    r.emit({0x66, 0xea});                    // jmp far 0x18:pm32
    size_t pm32Ref = r.at();
    r.u32(0);
    r.u16(0x18);
    // 32-bit protected mode: identity-map the first 2 MiB with one large page
    size_t pm32 = r.at();
    r.emit({0xb8});                          // mov eax, 0x10
    r.u32(0x10);
    r.emit({0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0});   // mov ds/es/ss, eax
    r.emit({0xbf});                          // mov edi, 0x1000
    r.u32(0x1000);
    r.emit({0xb9});                          // mov ecx, 0x3000
    r.u32(0x3000);
    r.emit({0x31, 0xc0});                    // xor eax, eax
    r.emit({0xf3, 0xaa});                    // rep stosb: clear the three tables
    for (auto [where, value] : {std::pair<uint32_t, uint32_t>{0x1000, 0x2003},   // PML4[0] -> PDPT
                                {0x2000, 0x3003},                                 // PDPT[0] -> PD
                                {0x3000, 0x83}}) {                                // PD[0]: 2 MiB at 0
        r.emit({0xc7, 0x05});                // mov dword [where], value
        r.u32(where);
        r.u32(value);
    }
    r.emit({0x0f, 0x20, 0xe0, 0x0c, 0x20, 0x0f, 0x22, 0xe0});   // cr4 |= PAE
    r.emit({0xb8});                          // cr3 = 0x1000
    r.u32(0x1000);
    r.emit({0x0f, 0x22, 0xd8});
    r.emit({0xb9});                          // EFER.LME
    r.u32(0xc0000080);
    r.emit({0x0f, 0x32, 0x80, 0xcc, 0x01, 0x0f, 0x30});
    r.emit({0x0f, 0x20, 0xc0, 0x0d});        // cr0 |= PG
    r.u32(0x80000000);
    r.emit({0x0f, 0x22, 0xc0});
    r.emit({0xea});                          // jmp far 0x08:lm64
    size_t lm64Ref = r.at();
    r.u32(0);
    r.u16(0x08);
    // long mode: the work, then the known point
    size_t lm64 = r.at();
    r.emit({0xb9});                          // mov ecx, kLoops
    r.u32(kLoops);
    r.emit({0xff, 0xc9, 0x75, 0xfc});        // 1: dec ecx; jnz 1b
    r.emit({0x66, 0xba, 0xf8, 0x03});        // mov dx, 0x3f8
    for (char c : std::string("VHOK"))
        r.emit({0xb0, uint8_t(c), 0xee});    // mov al, c; out dx, al
    r.emit({0xf4, 0xeb, 0xfd});              // 2: hlt; jmp 2b
    // GDT: null, 64-bit code, data, 32-bit code (accessed bits set, see above)
    r.align(8);
    size_t gdt = r.at();
    r.u64(0);
    r.u64(0x00af9b000000ffffULL);
    r.u64(0x00cf93000000ffffULL);
    r.u64(0x00cf9b000000ffffULL);
    size_t gdtdesc = r.at();
    r.u16(4 * 8 - 1);
    r.u32(kRomBase + uint32_t(gdt));
    r.patch16(gdtdescRef, uint16_t(gdtdesc));
    r.patch32(pm32Ref, kRomBase + uint32_t(pm32));
    r.patch32(lm64Ref, kRomBase + uint32_t(lm64));
    // the reset vector (0xffff0): jmp far 0xf000:0
    r.seek(0xfff0);
    r.emit({0xea, 0x00, 0x00, 0x00, 0xf0});
    return r.take();
}

std::string hostArch()
{
    utsname u{};
    uname(&u);
    return u.machine;
}

std::string firstLine(const std::string &text)
{
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && line.find("warning:") == std::string::npos)
            return line;
    return "";
}

std::string bootId()
{
    std::ifstream f("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(f, id);
    return id;
}

std::string secondsText(std::chrono::milliseconds d)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

} // namespace

Result<void> runKvmTestGuest(const std::string &binary, const std::string &accel, std::chrono::milliseconds bound,
                             const std::string &dir)
{
    std::string rom = dir + "/kvm-test-guest.rom";
    VH_TRY(makeDirs(dir, 0700, VIR_FROM_QEMU));
    VH_TRY(writeFileAtomic(rom, testGuestImage(), VIR_FROM_QEMU));
    // serial port on stdout, QEMU's complaints on stderr; no monitor is needed
    std::vector<std::string> argv = {binary, "-machine", "pc,accel=" + accel, "-nodefaults", "-no-user-config",
                                     "-display", "none", "-m", "16", "-bios", rom, "-serial", "stdio"};
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return Error::system(VIR_FROM_QEMU, errno, "cannot create a pipe");
    if (pipe2(err, O_CLOEXEC) < 0) {
        close(out[0]);
        close(out[1]);
        return Error::system(VIR_FROM_QEMU, errno, "cannot create a pipe");
    }
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        // the test guest never outlives the probe, even when this process dies mid-probe
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        execv(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        return Error::system(VIR_FROM_QEMU, errno, "cannot fork " + binary);
    }
    std::string serial;
    bool reached = false, exited = false;
    auto deadline = start + bound;
    for (int rounds = 0; rounds < 100000 && !reached && !exited; ++rounds) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms)
            break;
        pollfd p{out[0], POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        char buf[256];
        ssize_t got = read(out[0], buf, sizeof buf);
        if (got <= 0)
            exited = true;    // QEMU closed its stdout: it is gone
        else
            serial.append(buf, static_cast<size_t>(got));
        reached = serial.find("VHOK") != std::string::npos;
    }
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string errors;
    char buf[4096];
    ssize_t got;
    for (int i = 0; i < 64 && (got = read(err[0], buf, sizeof buf)) > 0; ++i)
        errors.append(buf, static_cast<size_t>(got));
    close(out[0]);
    close(err[0]);
    if (reached)
        return {};
    std::string what = "a test guest under " + std::string(accel == "kvm" ? "KVM" : "TCG");
    if (exited) {
        std::string line = firstLine(errors);
        return Error::plain(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED,
                            "QEMU could not run " + what + (line.empty() ? std::string() : ": " + line));
    }
    // plain messages: they become the reason in KVM's verdict
    return Error::plain(VIR_FROM_QEMU, VIR_ERR_OPERATION_TIMEOUT, what + " made no progress in " + secondsText(bound));
}

KvmVerdict probeKvm(const EmulatorCaps &emulator, const std::string &cacheDir)
{
    static std::mutex lock;
    static std::map<std::string, KvmVerdict> cache;
    std::lock_guard<std::mutex> g(lock);    // one probe at a time: they would slow each other

    std::string name = fs::path(emulator.path).filename();
    struct stat st;
    if (stat(emulator.path.c_str(), &st) < 0)
        return {false, "cannot find " + emulator.path + ": " + strerror(errno)};
    bool devKvm = access("/dev/kvm", F_OK) == 0;
    std::string key = "key " + emulator.path + " " + std::to_string(st.st_size) + " " +
                      std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec) + " " +
                      bootId() + " " + (devKvm ? "kvm" : "nokvm");
    if (auto it = cache.find(key); it != cache.end()) {
        KvmVerdict v = it->second;
        v.cached = true;
        return v;
    }
    std::string file = cacheDir.empty() ? "" : cacheDir + "/" + name + ".kvm";
    if (!file.empty()) {
        std::ifstream in(file);
        std::string line, usable, reason;
        if (std::getline(in, line) && line == key && std::getline(in, usable) && std::getline(in, reason) &&
            (usable == "usable 1" || usable == "usable 0")) {
            KvmVerdict v{usable == "usable 1", reason.rfind("reason ", 0) == 0 ? reason.substr(7) : reason, false};
            cache[key] = v;
            v.cached = true;
            return v;
        }
    }

    KvmVerdict v;
    std::string arch = hostArch();
    if (emulator.arch != arch) {
        v.reason = name + " is not for the host's architecture " + arch;
    } else if (!emulator.hasAccel("kvm")) {
        v.reason = name + " has no KVM accelerator";
    } else if (!devKvm) {
        v.reason = "/dev/kvm does not exist (no KVM in this host's kernel)";
    } else if (int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC); fd < 0) {
        v.reason = std::string("/dev/kvm: ") + strerror(errno);
    } else {
        close(fd);
        if (arch != "x86_64") {
            v.reason = "no KVM test guest for " + arch + " yet, so KVM is not offered";
        } else {
            std::string dir = cacheDir.empty() ? fs::temp_directory_path().string() + "/virthub-kvm-probe-" +
                                                     std::to_string(getpid())
                                               : cacheDir;
            auto ran = runKvmTestGuest(emulator.path, "kvm", kKvmProbeBound, dir);
            if (cacheDir.empty())
                fs::remove_all(dir);
            v.usable = bool(ran);
            if (!ran)
                v.reason = ran.error().message;
        }
    }
    cache[key] = v;
    if (!file.empty() && makeDirs(cacheDir, 0700, VIR_FROM_QEMU))
        (void)writeFileAtomic(file, key + "\nusable " + (v.usable ? "1" : "0") + "\nreason " + v.reason + "\n",
                              VIR_FROM_QEMU);
    return v;
}

} // namespace vh::drv::qemu
