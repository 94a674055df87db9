// Opening the QEMU driver, and its host and event calls.
#include <cerrno>
#include <cstdlib>

#include <unistd.h>

#include <libvirt/virterror.h>

#include <sys/utsname.h>

#include "drivers/check_flags.h"
#include "drivers/qemu/capabilities.h"
#include "drivers/qemu/domain_capabilities.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

namespace {

std::string xdg(const char *var, const char *fallback)
{
    const char *v = getenv(var);
    if (v && *v)
        return v;
    const char *home = getenv("HOME");
    return std::string(home ? home : "/") + fallback;
}

// Where a URI keeps its state (libvirt's directories for system and session; everything
// under root for embed).
Result<Paths> pathsFor(const Uri &uri)
{
    if (uri.path == "/embed") {
        const std::string *root = uri.param("root");
        if (!root || root->empty() || (*root)[0] != '/')
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                               "qemu:///embed needs an absolute root directory: qemu:///embed?root=/path");
        return Paths{*root + "/etc/qemu", *root + "/run/qemu", *root + "/log/qemu", *root + "/cache/qemu/capabilities",
                     *root + "/lib/qemu/save", *root + "/lib/qemu/snapshot"};
    }
    if (uri.path == "/session") {
        std::string runtime = getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR")
                                  ? std::string(getenv("XDG_RUNTIME_DIR")) + "/libvirt/qemu/run"
                                  : xdg("XDG_CACHE_HOME", "/.cache") + "/libvirt/qemu/run";
        return Paths{xdg("XDG_CONFIG_HOME", "/.config") + "/libvirt/qemu", runtime,
                     xdg("XDG_CACHE_HOME", "/.cache") + "/libvirt/qemu/log",
                     xdg("XDG_CACHE_HOME", "/.cache") + "/libvirt/qemu/capabilities",
                     xdg("XDG_CONFIG_HOME", "/.config") + "/libvirt/qemu/save",
                     xdg("XDG_CONFIG_HOME", "/.config") + "/libvirt/qemu/snapshot"};
    }
    if (uri.path == "/system") {
        if (geteuid() != 0)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_DENIED,
                               "qemu:///system is served to root only (until the daemon exists); use qemu:///session");
        return Paths{"/etc/libvirt/qemu", "/run/libvirt/qemu", "/var/log/libvirt/qemu", "/var/cache/libvirt/qemu/capabilities",
                     "/var/lib/libvirt/qemu/save", "/var/lib/libvirt/qemu/snapshot"};
    }
    return Error::make(VIR_FROM_QEMU, VIR_ERR_INTERNAL_ERROR,
                       "unexpected QEMU URI path '" + uri.path + "', try qemu:///system, qemu:///session or qemu:///embed?root=DIR");
}

} // namespace

Result<void> open(virConnectPtr conn, const Uri &uri, virConnectAuthPtr, unsigned int)
{
    auto paths = pathsFor(uri);
    if (!paths)
        return std::move(paths).error();
    auto st = State::open(*paths);
    if (!st)
        return std::move(st).error();
    auto drv = std::make_shared<QemuDriver>(std::move(*st));
    conn->drivers.hypervisor = drv.get();
    conn->drivers.owner = std::move(drv);
    return {};
}

Result<const char *> QemuDriver::connectGetType(virConnectPtr)
{
    return "QEMU";
}

// The version of the QEMU for the host's architecture, as libvirt's QEMU driver gives it.
Result<void> QemuDriver::connectGetVersion(virConnectPtr, unsigned long &hvVer)
{
    utsname u{};
    uname(&u);
    auto caps = probeEmulator(binaryForArch(u.machine), st_->paths.cache);
    if (!caps)
        return std::move(caps).error();
    hvVer = caps->version;
    return {};
}

Result<std::string> QemuDriver::connectGetCapabilities(virConnectPtr)
{
    return capabilitiesXML(installedEmulators(st_->paths.cache), st_->hostFacts());
}

Result<std::string> QemuDriver::connectGetDomainCapabilities(virConnectPtr, const char *emulatorbin, const char *arch,
                                                             const char *machine, const char *virttype, unsigned int flags)
{
    VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, 0);
    return domainCapabilitiesXML(emulatorbin, arch, machine, virttype, st_->paths.cache,
                                 [this]() -> const HostFacts & { return st_->hostFacts(); });
}

Result<std::string> QemuDriver::connectGetHostname(virConnectPtr)
{
    char name[256];
    if (gethostname(name, sizeof(name)) < 0)
        return Error::system(VIR_FROM_QEMU, errno, "failed to determine host name");
    name[sizeof(name) - 1] = '\0';
    return std::string(name);
}

Result<int> QemuDriver::connectIsAlive(virConnectPtr)
{
    return 1;
}

Result<int> QemuDriver::connectIsSecure(virConnectPtr)
{
    return 1;     // in-process: nothing crosses a network
}

Result<int> QemuDriver::connectIsEncrypted(virConnectPtr)
{
    return 0;
}

Result<std::string> QemuDriver::connectDomainXMLToNative(virConnectPtr, const char *nativeFormat, const char *domainXml,
                                                         unsigned int flags)
{
    VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, 0);
    if (std::string(nativeFormat) != "qemu-argv")
        return Error::format(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "unsupported config type %s", nativeFormat);
    auto def = conf::parseDomain(domainXml, st_->xmlopt, 0);
    if (!def)
        return std::move(def).error();
    auto argv = buildCommandLine(**def, st_->guestPaths((*def)->name), st_->hostFactsFor(**def));
    if (!argv)
        return std::move(argv).error();
    return formatArgv(*argv);
}

Result<int> QemuDriver::connectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                                      virConnectDomainEventGenericCallback cb, void *opaque, virFreeCallback freecb)
{
    return st_->events->addCallback(conn, dom, eventID, cb, opaque, freecb);
}

Result<void> QemuDriver::connectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return st_->events->removeCallback(conn, callbackID);
}

} // namespace vh::drv::qemu
