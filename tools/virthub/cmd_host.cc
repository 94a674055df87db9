// virthub shell: host and hypervisor commands (uri, version, hostname,
// nodeinfo, capabilities, domcapabilities).
#include "command.h"
#include "output.h"

#include <cstdlib>

namespace virthub {

static std::string versionString(unsigned long v)
{
    return strprintf("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

static bool cmdUri(Ctl &ctl, const Cmd &)
{
    char *uri = virConnectGetURI(ctl.conn);
    if (!uri) {
        printError("failed to get URI");
        return false;
    }
    print("%s\n", uri);
    free(uri);
    return true;
}

static bool cmdHostname(Ctl &ctl, const Cmd &)
{
    char *name = virConnectGetHostname(ctl.conn);
    if (!name) {
        printError("failed to get hostname");
        return false;
    }
    print("%s\n", name);
    free(name);
    return true;
}

static bool cmdVersion(Ctl &ctl, const Cmd &cmd)
{
#ifdef LIBVIR_VERSION_NUMBER
    unsigned long compiled = LIBVIR_VERSION_NUMBER;
#else
    unsigned long compiled = 0;
    virGetVersion(&compiled, nullptr, nullptr);
#endif
    print("Compiled against library: libvirt %s\n", versionString(compiled).c_str());

    unsigned long libVersion = 0;
    if (virGetVersion(&libVersion, nullptr, nullptr) < 0) {
        printError("failed to get the library version");
        return false;
    }
    print("Using library: libvirt %s\n", versionString(libVersion).c_str());

    const char *hvType = virConnectGetType(ctl.conn);
    if (!hvType) {
        printError("failed to get hypervisor type");
        return false;
    }
    unsigned long apiVersion = 0;
    if (virGetVersion(&libVersion, hvType, &apiVersion) < 0) {
        printError("failed to get the library version");
        return false;
    }
    print("Using API: %s %s\n", hvType, versionString(apiVersion).c_str());

    unsigned long hvVersion = 0;
    if (virConnectGetVersion(ctl.conn, &hvVersion) < 0) {
        printError("failed to get the hypervisor version");
        return false;
    }
    if (hvVersion == 0)
        print("Cannot extract running %s hypervisor version\n", hvType);
    else
        print("Running hypervisor: %s %s\n", hvType, versionString(hvVersion).c_str());

    if (cmd.has("daemon")) {
        unsigned long daemonVersion = 0;
        if (virConnectGetLibVersion(ctl.conn, &daemonVersion) < 0) {
            printError("failed to get the daemon version");
        } else {
            print("Running against daemon: %s\n", versionString(daemonVersion).c_str());
        }
    }
    return true;
}

static bool cmdNodeinfo(Ctl &ctl, const Cmd &)
{
    virNodeInfo info;
    if (virNodeGetInfo(ctl.conn, &info) < 0) {
        printError("failed to get node information");
        return false;
    }
    const int w = 20;
    printKeyValue("CPU model:", w, info.model);
    printKeyValue("CPU(s):", w, strprintf("%u", info.cpus));
    printKeyValue("CPU frequency:", w, strprintf("%u MHz", info.mhz));
    printKeyValue("CPU socket(s):", w, strprintf("%u", info.sockets));
    printKeyValue("Core(s) per socket:", w, strprintf("%u", info.cores));
    printKeyValue("Thread(s) per core:", w, strprintf("%u", info.threads));
    printKeyValue("NUMA cell(s):", w, strprintf("%u", info.nodes));
    printKeyValue("Memory size:", w, strprintf("%lu KiB", info.memory));
    return true;
}

static bool cmdCapabilities(Ctl &ctl, const Cmd &)
{
    char *caps = virConnectGetCapabilities(ctl.conn);
    if (!caps) {
        printError("failed to get capabilities");
        return false;
    }
    print("%s\n", caps);
    free(caps);
    return true;
}

static bool cmdDomCapabilities(Ctl &ctl, const Cmd &cmd)
{
    const char *virttype = nullptr, *emulatorbin = nullptr, *arch = nullptr, *machine = nullptr;
    if (optString(ctl, cmd, "virttype", &virttype) < 0 || optString(ctl, cmd, "emulatorbin", &emulatorbin) < 0 ||
        optString(ctl, cmd, "arch", &arch) < 0 || optString(ctl, cmd, "machine", &machine) < 0)
        return false;
    char *caps = virConnectGetDomainCapabilities(ctl.conn, emulatorbin, arch, machine, virttype, 0);
    if (!caps) {
        printError("failed to get emulator capabilities");
        return false;
    }
    print("%s\n", caps);
    free(caps);
    return true;
}

static const OptDef optsNone[] = {
    {nullptr, OptType::Bool, 0, nullptr},
};
static const OptDef optsVersion[] = {
    {"daemon", OptType::Bool, 0, "add the version of the daemon serving the connection"},
    {nullptr, OptType::Bool, 0, nullptr},
};

static const OptDef optsDomCapabilities[] = {
    {"virttype", OptType::String, 0, "the domain type to ask about, e.g. qemu or kvm"},
    {"emulatorbin", OptType::String, 0, "the QEMU binary to ask about, as in <emulator>"},
    {"arch", OptType::String, 0, "the guest architecture, e.g. x86_64 or s390x"},
    {"machine", OptType::String, 0, "the machine type, e.g. pc or q35"},
    {nullptr, OptType::Bool, 0, nullptr},
};

const CmdDef hostCommands[] = {
    {"capabilities", cmdCapabilities, optsNone, "print what the host and hypervisor support",
     "Print the capabilities document (XML) of the connection.", 0},
    {"domcapabilities", cmdDomCapabilities, optsDomCapabilities, "print what a domain can be given",
     "Print the domain capabilities document (XML) of an emulator, architecture,\n"
     "machine type and virtualization type (each defaults as the hypervisor chooses).", 0},
    {"hostname", cmdHostname, optsNone, "print the name of the host", nullptr, 0},
    {"nodeinfo", cmdNodeinfo, optsNone, "summarise the host's CPUs and memory",
     "Print the CPU model, count, speed and topology and the memory size\n"
     "of the host.", 0},
    {"uri", cmdUri, optsNone, "print the URI of the open connection", nullptr, 0},
    {"version", cmdVersion, optsVersion, "print software versions",
     "Print the versions of the library, of the driver API and of the\n"
     "hypervisor.", 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace virthub
