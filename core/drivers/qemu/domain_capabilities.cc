#include "drivers/qemu/domain_capabilities.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "conf/capabilities/domaincaps.h"

namespace vh::drv::qemu {

namespace fs = std::filesystem;

namespace {

// libvirt's architecture names (9.0)
const char *const kArchs[] = {"alpha",  "armv6l",    "armv7l", "armv7b",  "aarch64", "cris",    "i686",    "lm32",
                              "m68k",   "microblaze", "microblazeel", "mips", "mipsel", "mips64", "mips64el",
                              "openrisc", "parisc",   "parisc64", "ppc",   "ppcle",   "ppc64",   "ppc64le", "ppcemb",
                              "riscv32", "riscv64",   "s390",   "s390x",   "sh4",     "sh4eb",   "sparc",   "sparc64",
                              "unicore32", "x86_64",  "xtensa", "xtensaeb"};

// libvirt's virtualization type names; only qemu and kvm are this driver's
const char *const kVirtTypes[] = {"none", "qemu", "kqemu", "kvm",  "xen",       "lxc", "uml", "openvz", "test",
                                  "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf"};

bool known(const char *const *begin, const char *const *end, const std::string &name)
{
    return std::find_if(begin, end, [&](const char *a) { return name == a; }) != end;
}

std::string hostArch()
{
    utsname u{};
    uname(&u);
    return u.machine;
}

conf::DomainCapsEnum values(const char *name, std::vector<std::string> v)
{
    return {name, std::move(v)};
}

conf::DomainCapsItem no()
{
    return {false, {}};
}

// The firmware images a domain could name as its loader (x86 UEFI), those that exist.
std::vector<std::string> ovmfImages()
{
    // the 4 MiB build when there is one (Debian's default), else the 2 MiB one
    for (const char *p : {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"})
        if (access(p, R_OK) == 0)
            return {p};
    return {};
}

conf::DomainCapsDef build(const EmulatorCaps &emu, const std::string &machine, const std::string &virtType)
{
    conf::DomainCapsDef d;
    const conf::CapsMachine *m = emu.machine(machine);
    bool x86 = emu.arch == "x86_64" || emu.arch == "i686";
    bool s390 = emu.arch == "s390x";
    bool kvm = virtType == "kvm";
    d.path = emu.path;
    d.domain = virtType;
    d.machine = emu.canonicalMachine(machine);
    d.arch = emu.arch;
    if (m && m->maxCpus > 0)
        d.maxVcpus = m->maxCpus;
    // an iothread is something a virtio disk can be given
    d.iothreads = emu.deviceHasProperty("virtio-blk-pci", "iothread") || emu.deviceHasProperty("virtio-blk-ccw", "iothread");

    conf::DomainCapsOS os;
    os.supported = true;
    auto ovmf = x86 ? ovmfImages() : std::vector<std::string>{};
    os.enums.push_back(values("firmware", ovmf.empty() ? std::vector<std::string>{} : std::vector<std::string>{"efi"}));
    conf::DomainCapsLoader loader;
    loader.supported = true;
    loader.values = ovmf;
    loader.enums = {values("type", {"rom", "pflash"}), values("readonly", {"yes", "no"}), values("secure", {"no"})};
    os.loader = loader;
    d.os = os;

    // CPU: TCG emulates any model but cannot pass the host's through; no host-model is computed
    d.hasCpu = true;
    using Mode = conf::DomainCapsCpuModeName;
    conf::DomainCapsCpuMode passthrough;
    passthrough.supported = kvm;
    if (kvm)
        passthrough.enums = {values("hostPassthroughMigratable", {"on", "off"})};
    d.cpuModes[static_cast<size_t>(Mode::HostPassthrough)] = passthrough;
    conf::DomainCapsCpuMode maximum;
    maximum.supported = true;
    maximum.enums = {values("maximumMigratable", {"on", "off"})};
    d.cpuModes[static_cast<size_t>(Mode::Maximum)] = maximum;
    d.cpuModes[static_cast<size_t>(Mode::HostModel)] = conf::DomainCapsCpuMode{};
    conf::DomainCapsCpuMode custom;
    custom.supported = !emu.cpuModels.empty();
    for (auto c = emu.cpuModels.begin(); c != emu.cpuModels.end(); ++c) {
        // "host" is a mode; on x86 so is "max", "base" is an empty model for static expansion
        // and NAME-vN a versioned alias of NAME: none of them a model to choose there (libvirt
        // lists the rest in QEMU's order, and s390x's "max" too)
        static const std::regex versioned(".*-v[0-9]+");
        if (c->name == "host" ||
            (x86 && (c->name == "max" || c->name == "base" || std::regex_match(c->name, versioned))))
            continue;
        custom.models.push_back({c->name, c->usable ? (*c->usable ? "yes" : "no") : "unknown", c->deprecated, ""});
    }
    d.cpuModes[static_cast<size_t>(Mode::Custom)] = custom;

    d.memoryBacking = conf::DomainCapsItem{true, {values("sourceType", {"file", "anonymous", "memfd"})}};

    // devices: the values this driver maps, where the binary has the device for them
    d.hasDevices = true;
    using Dev = conf::DomainCapsDevice;
    std::vector<std::string> buses;
    bool pcMachine = d.machine.rfind("pc-i440fx", 0) == 0 || d.machine == "pc";
    if (x86 && pcMachine && emu.hasDevice("ide-hd"))
        buses.push_back("ide");
    if (!s390 && emu.hasDevice("virtio-scsi-pci"))
        buses.push_back("scsi");
    if (emu.hasDevice(s390 ? "virtio-blk-ccw" : "virtio-blk-pci"))
        buses.push_back("virtio");
    if (x86 && emu.hasDevice("ich9-ahci"))
        buses.push_back("sata");
    d.devices[static_cast<size_t>(Dev::Disk)] = conf::DomainCapsItem{
        true, {values("diskDevice", {"disk", "cdrom"}), values("bus", buses), values("model", {"virtio"})}};
    for (Dev unmapped : {Dev::Graphics, Dev::Video, Dev::Rng, Dev::Filesystem, Dev::Tpm, Dev::Redirdev, Dev::Channel,
                         Dev::Crypto})
        d.devices[static_cast<size_t>(unmapped)] = no();
    // host devices: mediated vfio-ap crypto adapters, where the binary has vfio-ap (s390x)
    if (emu.hasDevice("vfio-ap"))
        d.devices[static_cast<size_t>(Dev::Hostdev)] = conf::DomainCapsItem{
            true,
            {values("mode", {"subsystem"}), values("startupPolicy", {}), values("subsysType", {"mdev"}),
             values("capsType", {}), values("pciBackend", {})}};
    else
        d.devices[static_cast<size_t>(Dev::Hostdev)] = no();

    d.hasFeatures = true;
    d.gic = no();
    using Simple = conf::DomainCapsSimple;
    for (Simple f : {Simple::Vmcoreinfo, Simple::Genid, Simple::BackingStoreInput, Simple::Backup, Simple::AsyncTeardown})
        d.simple[static_cast<size_t>(f)] = false;     // none of them mapped by this driver yet
    if (s390)
        d.simple[static_cast<size_t>(Simple::S390Pv)] = false;
    d.sev = conf::DomainCapsSev{};
    d.sgx = conf::DomainCapsSgx{};
    return d;
}

} // namespace

std::string archOfBinary(const std::string &path)
{
    std::string name = fs::path(path).filename();
    if (name.rfind("qemu-system-", 0) != 0)
        return "";
    std::string suffix = name.substr(12);
    if (suffix == "i386")
        return "i686";
    if (suffix == "arm")
        return "armv7l";
    return known(std::begin(kArchs), std::end(kArchs), suffix) ? suffix : "";
}

std::string binaryForArch(const std::string &arch)
{
    std::string suffix = arch;
    if (arch == "i686")
        suffix = "i386";
    else if (arch == "armv6l" || arch == "armv7l" || arch == "armv7b")
        suffix = "arm";
    else if (arch == "ppc64le")
        suffix = "ppc64";
    else if (arch == "ppcle" || arch == "ppcemb")
        suffix = "ppc";
    return "/usr/bin/qemu-system-" + suffix;
}

Result<std::string> domainCapabilitiesXML(const char *emulatorbin, const char *arch, const char *machine,
                                          const char *virttype, const std::string &cacheDir,
                                          const std::function<const HostFacts &()> &host)
{
    std::string virtType = virttype ? virttype : "";
    if (!virtType.empty() && !known(std::begin(kVirtTypes), std::end(kVirtTypes), virtType))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "unknown virttype: " + virtType);
    std::string wanted = arch ? arch : "";
    if (!wanted.empty() && !known(std::begin(kArchs), std::end(kArchs), wanted))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "unknown architecture: " + wanted);
    std::string binary;
    if (emulatorbin) {
        binary = emulatorbin;
    } else {
        if (wanted.empty())
            wanted = hostArch();
        binary = binaryForArch(wanted);
        if (access(binary.c_str(), X_OK) != 0)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "unable to find any emulator to serve '" + wanted + "' architecture");
    }
    auto emu = probeEmulator(binary, cacheDir);
    if (!emu)
        return std::move(emu).error();
    if (!wanted.empty() && emu->arch != wanted)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                           "architecture from emulator '" + emu->arch + "' doesn't match given architecture '" + wanted + "'");
    if (virtType.empty()) {
        virtType = kvmArch(emu->arch) && host().kvmUsable ? "kvm" : "qemu";
    } else if (virtType == "kvm") {
        // KVM only for the architectures the host's CPU runs, and only where it really runs guests
        if (!kvmArch(emu->arch))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "Emulator '" + binary + "' does not support virt type 'kvm': " + emu->arch +
                                   " is not an architecture this host's KVM runs");
        const HostFacts &facts = host();
        if (!facts.kvmUsable)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED,
                               "Emulator '" + binary + "' does not support virt type 'kvm': " + facts.kvmMissingReason);
    } else if (virtType != "qemu") {
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                           "Emulator '" + binary + "' does not support virt type '" + virtType + "'");
    }
    std::string mach;
    if (machine) {
        mach = machine;
        if (!emu->machine(mach))
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                               "the machine '" + mach + "' is not supported by emulator '" + binary + "'");
    } else if (!emu->machines.empty()) {
        mach = emu->machines.front().name;
    }
    return conf::formatDomainCaps(build(*emu, mach, virtType), 0);
}

} // namespace vh::drv::qemu
