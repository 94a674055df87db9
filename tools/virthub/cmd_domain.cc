// virthub shell: domain commands (lifecycle, information, configuration)
// and the domain listing.
#include "command.h"
#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <strings.h>

namespace virthub {

namespace {

const char *stateToString(int state)
{
    switch (state) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "idle";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "in shutdown";
    case VIR_DOMAIN_SHUTOFF: return "shut off";
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
    case VIR_DOMAIN_NOSTATE:
    default: return "no state";
    }
}

const char *pick(const char *const *table, size_t n, int idx)
{
    if (idx < 0 || static_cast<size_t>(idx) >= n)
        return "unknown";
    return table[idx];
}

#define PICK(table, idx) pick(table, sizeof(table) / sizeof(table[0]), idx)

const char *reasonToString(int state, int reason)
{
    static const char *const running[] = {
        "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
        "migration canceled", "save canceled", "event wakeup", "crashed", "post-copy",
        "post-copy failed",
    };
    static const char *const paused[] = {
        "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog",
        "from snapshot", "shutting down", "creating snapshot", "crashed", "starting up",
        "post-copy", "post-copy failed", "api error",
    };
    static const char *const shutdown[] = {"unknown", "user"};
    static const char *const shutoff[] = {
        "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
        "from snapshot", "daemon",
    };
    static const char *const crashed[] = {"unknown", "panicked"};
    switch (state) {
    case VIR_DOMAIN_RUNNING: return PICK(running, reason);
    case VIR_DOMAIN_PAUSED: return PICK(paused, reason);
    case VIR_DOMAIN_SHUTDOWN: return PICK(shutdown, reason);
    case VIR_DOMAIN_SHUTOFF: return PICK(shutoff, reason);
    case VIR_DOMAIN_CRASHED: return PICK(crashed, reason);
    default: return "unknown";
    }
}

bool lastErrorIs(const Ctl &ctl, int code)
{
    return ctl.haveError && ctl.errCode == code;
}

}  // namespace

// Reads an XML file given to define/create/save --xml.
bool readFile(Ctl &ctl, const char *path, std::string &out)
{
    const size_t maxLen = 10 * 1024 * 1024;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        ctl.havePending = true;
        ctl.pending = strprintf("Failed to open file '%s': %s", path, strerror(errno));
        return false;
    }
    out.clear();
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            ctl.havePending = true;
            ctl.pending = strprintf("Failed to read file '%s': %s", path, strerror(e));
            return false;
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > maxLen) {
            close(fd);
            ctl.havePending = true;
            ctl.pending = strprintf("File '%s' is too large", path);
            return false;
        }
    }
    close(fd);
    return true;
}

// ---------------------------------------------------------------------------
// Domain lookup

virDomainPtr lookupDomainBy(Ctl &ctl, const char *word, unsigned by)
{
    virDomainPtr dom = nullptr;
    if (by & BY_ID) {
        errno = 0;
        char *end = nullptr;
        long id = strtol(word, &end, 10);
        if (*word && end != word && *end == '\0' && errno == 0 && id >= 0 && id <= INT_MAX) {
            dom = virDomainLookupByID(ctl.conn, static_cast<int>(id));
            if (!dom)
                resetError(ctl);
        }
    }
    if (!dom && (by & BY_UUID) && strlen(word) == VIR_UUID_STRING_BUFLEN - 1) {
        dom = virDomainLookupByUUIDString(ctl.conn, word);
        if (!dom)
            resetError(ctl);
    }
    if (!dom && (by & BY_NAME)) {
        dom = virDomainLookupByName(ctl.conn, word);
        if (!dom)
            resetError(ctl);
    }
    return dom;
}

virDomainPtr commandDomain(Ctl &ctl, const Cmd &cmd, const char *optname, const char **name,
                           unsigned by)
{
    const char *word = nullptr;
    if (optString(ctl, cmd, optname, &word) <= 0)
        return nullptr;
    virDomainPtr dom = lookupDomainBy(ctl, word, by);
    if (!dom) {
        printError("failed to get domain '%s'", word);
        return nullptr;
    }
    if (name)
        *name = word;
    return dom;
}

// ---------------------------------------------------------------------------
// list

static bool cmdList(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "table", "name") || !exclusive(ctl, cmd, "table", "uuid") ||
        !exclusive(ctl, cmd, "table", "id"))
        return false;

    unsigned int flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    if (cmd.has("inactive"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    if (cmd.has("all"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_ACTIVE;

    static const struct {
        const char *opt;
        unsigned int flag;
    } filters[] = {
        {"persistent", VIR_CONNECT_LIST_DOMAINS_PERSISTENT},
        {"transient", VIR_CONNECT_LIST_DOMAINS_TRANSIENT},
        {"with-managed-save", VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE},
        {"without-managed-save", VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE},
        {"autostart", VIR_CONNECT_LIST_DOMAINS_AUTOSTART},
        {"no-autostart", VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART},
        {"with-snapshot", VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT},
        {"without-snapshot", VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT},
        {"with-checkpoint", VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT},
        {"without-checkpoint", VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT},
        {"state-running", VIR_CONNECT_LIST_DOMAINS_RUNNING},
        {"state-paused", VIR_CONNECT_LIST_DOMAINS_PAUSED},
        {"state-shutoff", VIR_CONNECT_LIST_DOMAINS_SHUTOFF},
        {"state-other", VIR_CONNECT_LIST_DOMAINS_OTHER},
    };
    for (const auto &f : filters)
        if (cmd.has(f.opt))
            flags |= f.flag;
    // Shut off domains are inactive: a state-shutoff filter widens the
    // default selection to inactive domains.
    if (cmd.has("state-shutoff") && !cmd.has("all"))
        flags = (flags & ~VIR_CONNECT_LIST_DOMAINS_ACTIVE) | VIR_CONNECT_LIST_DOMAINS_INACTIVE;

    virDomainPtr *doms = nullptr;
    int n = virConnectListAllDomains(ctl.conn, &doms, flags);
    if (n < 0) {
        printError("Failed to list domains");
        return false;
    }
    std::vector<virDomainPtr> list(doms, doms + n);
    free(doms);

    struct Entry {
        virDomainPtr dom;
        unsigned int id;
        std::string name;
    };
    std::vector<Entry> entries;
    entries.reserve(list.size());
    for (virDomainPtr d : list) {
        const char *nm = virDomainGetName(d);
        entries.push_back({d, virDomainGetID(d), nm ? nm : ""});
    }
    const unsigned int inactive = static_cast<unsigned int>(-1);
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
        if (a.id == inactive && b.id == inactive)
            return strcasecmp(a.name.c_str(), b.name.c_str()) < 0;
        if (a.id != inactive && b.id != inactive)
            return a.id < b.id;
        return a.id != inactive;
    });

    bool optName = cmd.has("name"), optUuid = cmd.has("uuid"), optId = cmd.has("id");
    bool optTitle = cmd.has("title"), optManaged = cmd.has("managed-save");
    bool ok = true;

    auto idString = [&](unsigned int id) {
        return id == inactive ? std::string("-") : strprintf("%d", static_cast<int>(id));
    };

    if (!optName && !optUuid && !optId) {
        std::vector<std::string> header = {"Id", "Name", "State"};
        if (optTitle)
            header.push_back("Title");
        Table table(header);
        for (const Entry &e : entries) {
            int state = 0, reason = 0;
            std::string stateStr;
            if (virDomainGetState(e.dom, &state, &reason, 0) < 0) {
                resetError(ctl);
                stateStr = "-";
            } else if (optManaged && state == VIR_DOMAIN_SHUTOFF &&
                       virDomainHasManagedSaveImage(e.dom, 0) > 0) {
                stateStr = "saved";
            } else {
                stateStr = stateToString(state);
            }
            resetError(ctl);
            std::vector<std::string> row = {idString(e.id), e.name, stateStr};
            if (optTitle) {
                char *title = virDomainGetMetadata(e.dom, VIR_DOMAIN_METADATA_TITLE, nullptr, 0);
                row.push_back(title ? title : "");
                free(title);
                resetError(ctl);
            }
            table.addRow(row);
        }
        table.print(ctl);
    } else {
        std::string out;
        for (const Entry &e : entries) {
            if (optId && !optName && !optUuid && e.id == inactive)
                continue;
            std::string line;
            if (optUuid) {
                char uuid[VIR_UUID_STRING_BUFLEN];
                if (virDomainGetUUIDString(e.dom, uuid) < 0) {
                    printError("Failed to get domain's UUID");
                    ok = false;
                    break;
                }
                line += uuid;
            }
            if (optId) {
                if (!line.empty())
                    line += ' ';
                line += idString(e.id);
            }
            if (optName) {
                if (!line.empty())
                    line += ' ';
                line += e.name;
            }
            out += line;
            out += '\n';
        }
        fputs(out.c_str(), stdout);
    }

    for (virDomainPtr d : list)
        virDomainFree(d);
    return ok;
}

// ---------------------------------------------------------------------------
// define / create / undefine

static bool cmdDefine(Ctl &ctl, const Cmd &cmd)
{
    const char *file = nullptr;
    if (optString(ctl, cmd, "file", &file) <= 0)
        return false;
    unsigned int flags = cmd.has("validate") ? VIR_DOMAIN_DEFINE_VALIDATE : 0;
    std::string xml;
    if (!readFile(ctl, file, xml))
        return false;
    virDomainPtr dom = flags ? virDomainDefineXMLFlags(ctl.conn, xml.c_str(), flags)
                             : virDomainDefineXML(ctl.conn, xml.c_str());
    if (!dom) {
        printError("Failed to define domain from %s", file);
        return false;
    }
    DomainRef ref(dom);
    printExtra(ctl, "Domain '%s' defined from %s\n", virDomainGetName(dom), file);
    return true;
}

static bool cmdCreate(Ctl &ctl, const Cmd &cmd)
{
    const char *file = nullptr;
    if (optString(ctl, cmd, "file", &file) <= 0)
        return false;
    unsigned int flags = 0;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (cmd.has("autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (cmd.has("validate"))
        flags |= VIR_DOMAIN_START_VALIDATE;
    if (cmd.has("reset-nvram"))
        flags |= VIR_DOMAIN_START_RESET_NVRAM;
    std::string xml;
    if (!readFile(ctl, file, xml))
        return false;
    virDomainPtr dom = virDomainCreateXML(ctl.conn, xml.c_str(), flags);
    if (!dom) {
        printError("Failed to create domain from %s", file);
        return false;
    }
    DomainRef ref(dom);
    printExtra(ctl, "Domain '%s' created from %s\n", virDomainGetName(dom), file);
    return true;
}

static bool cmdUndefine(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "nvram", "keep-nvram") || !exclusive(ctl, cmd, "tpm", "keep-tpm"))
        return false;
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;

    bool managedSave = cmd.has("managed-save");
    bool snapshotsMetadata = cmd.has("snapshots-metadata");
    unsigned int flags = 0;
    if (managedSave)
        flags |= VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
    if (snapshotsMetadata)
        flags |= VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
    if (cmd.has("checkpoints-metadata"))
        flags |= VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA;
    if (cmd.has("nvram"))
        flags |= VIR_DOMAIN_UNDEFINE_NVRAM;
    if (cmd.has("keep-nvram"))
        flags |= VIR_DOMAIN_UNDEFINE_KEEP_NVRAM;
    if (cmd.has("tpm"))
        flags |= VIR_DOMAIN_UNDEFINE_TPM;
    if (cmd.has("keep-tpm"))
        flags |= VIR_DOMAIN_UNDEFINE_KEEP_TPM;

    int active = virDomainIsActive(dom);
    if (active < 0)
        return false;
    int hasManagedSave = 0, snapshots = 0;
    if (!active) {
        hasManagedSave = virDomainHasManagedSaveImage(dom, 0);
        if (hasManagedSave < 0) {
            if (!lastErrorIs(ctl, VIR_ERR_NO_SUPPORT))
                return false;
            resetError(ctl);
            hasManagedSave = 0;
        }
        snapshots = virDomainSnapshotNum(dom, 0);
        if (snapshots < 0) {
            if (!lastErrorIs(ctl, VIR_ERR_NO_SUPPORT))
                return false;
            resetError(ctl);
            snapshots = 0;
        }
        if (hasManagedSave && !managedSave) {
            printError("Refusing to undefine while domain managed save image exists");
            return false;
        }
    }
    if (!hasManagedSave)
        flags &= ~VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
    if (!snapshots)
        flags &= ~VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;

    int rc = virDomainUndefineFlags(dom, flags);
    if (rc < 0 && (lastErrorIs(ctl, VIR_ERR_NO_SUPPORT) || lastErrorIs(ctl, VIR_ERR_INVALID_ARG)) &&
        !(flags & VIR_DOMAIN_UNDEFINE_NVRAM)) {
        // Older drivers: emulate the flags piecewise.
        resetError(ctl);
        if (snapshots && !snapshotsMetadata) {
            printError("Refusing to undefine while %d snapshots exist", snapshots);
            return false;
        }
        if (hasManagedSave && managedSave && virDomainManagedSaveRemove(dom, 0) < 0) {
            printError("Failed to remove managed save image for domain '%s'", name);
            return false;
        }
        rc = virDomainUndefine(dom);
    }
    if (rc < 0) {
        printError("Failed to undefine domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' has been undefined\n", name);
    return true;
}

// ---------------------------------------------------------------------------
// start / destroy / shutdown / reboot / reset / suspend / resume

static bool cmdStart(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr, BY_NAME | BY_UUID));
    if (!dom)
        return false;
    if (virDomainGetID(dom) != static_cast<unsigned int>(-1)) {
        printError("Domain is already active");
        return false;
    }
    unsigned int flags = 0;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (cmd.has("autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (cmd.has("bypass-cache"))
        flags |= VIR_DOMAIN_START_BYPASS_CACHE;
    if (cmd.has("force-boot"))
        flags |= VIR_DOMAIN_START_FORCE_BOOT;
    if (cmd.has("reset-nvram"))
        flags |= VIR_DOMAIN_START_RESET_NVRAM;

    int rc = flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom);
    if (rc < 0 && (flags & VIR_DOMAIN_START_FORCE_BOOT)) {
        if (!lastErrorIs(ctl, VIR_ERR_NO_SUPPORT) && !lastErrorIs(ctl, VIR_ERR_INVALID_ARG))
            return false;
        // The driver cannot force a fresh boot: drop the managed save image
        // ourselves and start normally.
        resetError(ctl);
        flags &= ~VIR_DOMAIN_START_FORCE_BOOT;
        int has = virDomainHasManagedSaveImage(dom, 0);
        if (has < 0)
            return false;
        if (has > 0 && virDomainManagedSaveRemove(dom, 0) < 0)
            return false;
        rc = flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom);
    }
    const char *name = virDomainGetName(dom);
    if (rc < 0) {
        printError("Failed to start domain '%s'", name ? name : "");
        return false;
    }
    printExtra(ctl, "Domain '%s' started\n", name ? name : "");
    return true;
}

static bool cmdDestroy(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    unsigned int flags = 0;
    if (cmd.has("graceful"))
        flags |= VIR_DOMAIN_DESTROY_GRACEFUL;
    if (cmd.has("remove-logs"))
        flags |= VIR_DOMAIN_DESTROY_REMOVE_LOGS;
    int rc = flags ? virDomainDestroyFlags(dom, flags) : virDomainDestroy(dom);
    if (rc < 0) {
        printError("Failed to destroy domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' destroyed\n", name);
    return true;
}

// Parses --mode for shutdown/reboot ("acpi,agent,...").  Returns false
// after printing the error.
static bool parseShutdownMode(Ctl &ctl, const Cmd &cmd, const char **mode, unsigned int *flags,
                              bool reboot)
{
    *flags = 0;
    *mode = nullptr;
    if (optString(ctl, cmd, "mode", mode) < 0)
        return false;
    if (!*mode)
        return true;
    std::string m = *mode;
    size_t start = 0;
    for (;;) {
        size_t comma = m.find(',', start);
        std::string tok = m.substr(start, comma == std::string::npos ? std::string::npos
                                                                       : comma - start);
        if (tok == "acpi") {
            *flags |= VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN;
        } else if (tok == "agent") {
            *flags |= VIR_DOMAIN_SHUTDOWN_GUEST_AGENT;
        } else if (tok == "initctl") {
            *flags |= VIR_DOMAIN_SHUTDOWN_INITCTL;
        } else if (tok == "signal") {
            *flags |= VIR_DOMAIN_SHUTDOWN_SIGNAL;
        } else if (tok == "paravirt") {
            *flags |= VIR_DOMAIN_SHUTDOWN_PARAVIRT;
        } else {
            printError("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', 'signal'%s "
                       "or 'paravirt'",
                       tok.c_str(), reboot ? "" : ",");
            return false;
        }
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return true;
}

static bool cmdShutdown(Ctl &ctl, const Cmd &cmd)
{
    const char *mode = nullptr;
    unsigned int flags = 0;
    if (!parseShutdownMode(ctl, cmd, &mode, &flags, false))
        return false;
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    int rc = (flags || mode) ? virDomainShutdownFlags(dom, flags) : virDomainShutdown(dom);
    if (rc < 0) {
        printError("Failed to shutdown domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' is being shutdown\n", name);
    return true;
}

static bool cmdReboot(Ctl &ctl, const Cmd &cmd)
{
    const char *mode = nullptr;
    unsigned int flags = 0;
    if (!parseShutdownMode(ctl, cmd, &mode, &flags, true))
        return false;
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    if (virDomainReboot(dom, flags) < 0) {
        printError("Failed to reboot domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' is being rebooted\n", name);
    return true;
}

static bool cmdReset(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    if (virDomainReset(dom, 0) < 0) {
        printError("Failed to reset domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' was reset\n", name);
    return true;
}

static bool cmdSuspend(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    if (virDomainSuspend(dom) < 0) {
        printError("Failed to suspend domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' suspended\n", name);
    return true;
}

static bool cmdResume(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    if (virDomainResume(dom) < 0) {
        printError("Failed to resume domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Domain '%s' resumed\n", name);
    return true;
}

// ---------------------------------------------------------------------------
// save / restore / managedsave

static bool cmdSave(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    const char *to = nullptr;
    if (optString(ctl, cmd, "file", &to) <= 0)
        return false;
    const char *xmlfile = nullptr;
    if (optString(ctl, cmd, "xml", &xmlfile) < 0)
        return false;
    unsigned int flags = 0;
    if (cmd.has("bypass-cache"))
        flags |= VIR_DOMAIN_SAVE_BYPASS_CACHE;
    if (cmd.has("running"))
        flags |= VIR_DOMAIN_SAVE_RUNNING;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_SAVE_PAUSED;
    std::string xml;
    if (xmlfile && !readFile(ctl, xmlfile, xml))
        return false;
    int rc = (flags || xmlfile) ? virDomainSaveFlags(dom, to, xmlfile ? xml.c_str() : nullptr, flags)
                                : virDomainSave(dom, to);
    if (rc < 0) {
        printError("Failed to save domain '%s' to %s", name, to);
        return false;
    }
    if (cmd.has("verbose")) {
        fflush(stdout);
        fputs("\rSave: [100 %]", stderr);
        fflush(stderr);
    }
    printExtra(ctl, "\n");
    printExtra(ctl, "Domain '%s' saved to %s\n", name, to);
    return true;
}

static bool cmdRestore(Ctl &ctl, const Cmd &cmd)
{
    const char *from = nullptr;
    if (optString(ctl, cmd, "file", &from) <= 0)
        return false;
    const char *xmlfile = nullptr;
    if (optString(ctl, cmd, "xml", &xmlfile) < 0)
        return false;
    unsigned int flags = 0;
    if (cmd.has("bypass-cache"))
        flags |= VIR_DOMAIN_SAVE_BYPASS_CACHE;
    if (cmd.has("running"))
        flags |= VIR_DOMAIN_SAVE_RUNNING;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_SAVE_PAUSED;
    if (cmd.has("reset-nvram"))
        flags |= VIR_DOMAIN_SAVE_RESET_NVRAM;
    std::string xml;
    if (xmlfile && !readFile(ctl, xmlfile, xml))
        return false;
    int rc = (flags || xmlfile)
                 ? virDomainRestoreFlags(ctl.conn, from, xmlfile ? xml.c_str() : nullptr, flags)
                 : virDomainRestore(ctl.conn, from);
    if (rc < 0) {
        printError("Failed to restore domain from %s", from);
        return false;
    }
    printExtra(ctl, "Domain restored from %s\n", from);
    return true;
}

static bool cmdManagedSave(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    unsigned int flags = 0;
    if (cmd.has("bypass-cache"))
        flags |= VIR_DOMAIN_SAVE_BYPASS_CACHE;
    if (cmd.has("running"))
        flags |= VIR_DOMAIN_SAVE_RUNNING;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_SAVE_PAUSED;
    if (virDomainManagedSave(dom, flags) < 0) {
        printError("Failed to save domain '%s' state", name);
        return false;
    }
    if (cmd.has("verbose")) {
        fflush(stdout);
        fputs("\rManagedsave: [100 %]", stderr);
        fflush(stderr);
    }
    printExtra(ctl, "\n");
    printExtra(ctl, "Domain '%s' state saved by libvirt\n", name);
    return true;
}

static bool cmdManagedSaveRemove(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    int has = virDomainHasManagedSaveImage(dom, 0);
    if (has < 0) {
        printError("Failed to check for domain managed save image");
        return false;
    }
    if (has == 0) {
        printExtra(ctl, "Domain '%s' has no manage save image; removal skipped", name);
        return true;
    }
    if (virDomainManagedSaveRemove(dom, 0) < 0) {
        printError("Failed to remove managed save image for domain '%s'", name);
        return false;
    }
    printExtra(ctl, "Removed managedsave image for domain '%s'", name);
    return true;
}

// ---------------------------------------------------------------------------
// dominfo / domstate / domid / domname / domuuid / dumpxml

static bool cmdDominfo(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    bool ok = true;
    const int w = 15;

    unsigned int id = virDomainGetID(dom);
    if (id == static_cast<unsigned int>(-1))
        printKeyValue("Id:", w, "-");
    else
        printKeyValue("Id:", w, strprintf("%d", static_cast<int>(id)));
    const char *name = virDomainGetName(dom);
    printKeyValue("Name:", w, name ? name : "");

    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(dom, uuid) == 0)
        printKeyValue("UUID:", w, uuid);

    if (char *ostype = virDomainGetOSType(dom)) {
        printKeyValue("OS Type:", w, ostype);
        free(ostype);
    }

    virDomainInfo info;
    if (virDomainGetInfo(dom, &info) == 0) {
        printKeyValue("State:", w, stateToString(info.state));
        printKeyValue("CPU(s):", w, strprintf("%d", info.nrVirtCpu));
        if (info.cpuTime != 0) {
            double secs = static_cast<double>(info.cpuTime) / 1000000000.0;
            printKeyValue("CPU time:", w, strprintf("%.1lfs", secs));
        }
        if (info.maxMem != UINT_MAX)
            printKeyValue("Max memory:", w, strprintf("%lu KiB", info.maxMem));
        else
            printKeyValue("Max memory:", w, "no limit");
        printKeyValue("Used memory:", w, strprintf("%lu KiB", info.memory));
    } else {
        ok = false;
    }

    int persistent = virDomainIsPersistent(dom);
    if (persistent < 0)
        printKeyValue("Persistent:", w, "unknown");
    else
        printKeyValue("Persistent:", w, persistent ? "yes" : "no");

    int autostart = 0;
    if (virDomainGetAutostart(dom, &autostart) == 0)
        printKeyValue("Autostart:", w, autostart ? "enable" : "disable");
    else
        printKeyValue("Autostart:", w, "-");

    int managed = virDomainHasManagedSaveImage(dom, 0);
    if (managed < 0)
        printKeyValue("Managed save:", w, "unknown");
    else
        printKeyValue("Managed save:", w, managed ? "yes" : "no");

    virSecurityModel secmodel;
    memset(&secmodel, 0, sizeof(secmodel));
    if (virNodeGetSecurityModel(ctl.conn, &secmodel) < 0) {
        if (!lastErrorIs(ctl, VIR_ERR_NO_SUPPORT))
            return false;
        resetError(ctl);
    } else if (secmodel.model[0] != '\0') {
        printKeyValue("Security model:", w, secmodel.model);
        printKeyValue("Security DOI:", w, secmodel.doi);

        virSecurityLabel label;
        memset(&label, 0, sizeof(label));
        if (virDomainGetSecurityLabel(dom, &label) < 0)
            return false;
        if (label.label[0] != '\0')
            printKeyValue("Security label:", w,
                          strprintf("%s (%s)", label.label,
                                    label.enforcing ? "enforcing" : "permissive"));
    }

    char **msgs = nullptr;
    int nmsgs = virDomainGetMessages(dom, &msgs, 0);
    if (nmsgs < 0) {
        resetError(ctl);
    } else {
        for (int i = 0; i < nmsgs; i++) {
            printKeyValue(i == 0 ? "Messages:" : "", w, msgs[i]);
            free(msgs[i]);
        }
        free(msgs);
    }
    return ok;
}

static bool cmdDomstate(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    int state = 0, reason = 0;
    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return false;
    if (cmd.has("reason"))
        print("%s (%s)\n", stateToString(state), reasonToString(state, reason));
    else
        print("%s\n", stateToString(state));
    return true;
}

static bool cmdDommemstat(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    // virsh's names, indexed by VIR_DOMAIN_MEMORY_STAT_*
    static const char *const kNames[] = {"swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available",
                                         "actual", "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc",
                                         "hugetlb_pgfail"};
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        printError("Failed to get memory statistics for domain");
        return false;
    }
    for (int i = 0; i < n; ++i) {
        if (stats[i].tag >= 0 && stats[i].tag < static_cast<int>(std::size(kNames)))
            print("%s %llu\n", kNames[stats[i].tag], stats[i].val);
    }
    return true;
}

// domblkstat: the typed statistics when the driver has them, else the fixed five; virsh's
// names (rd_req for rd_operations, ...) and order, then whatever else the driver gave.
static bool cmdDomblkstat(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    const std::string *dev = cmd.get("device");
    std::string device = dev ? *dev : "";
    bool human = cmd.has("human");
    struct Known {
        const char *field, *legacy, *human;
    };
    static const Known kKnown[] = {
        {VIR_DOMAIN_BLOCK_STATS_READ_REQ, "rd_req", "number of read operations:"},
        {VIR_DOMAIN_BLOCK_STATS_READ_BYTES, "rd_bytes", "number of bytes read:"},
        {VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, "wr_req", "number of write operations:"},
        {VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, "wr_bytes", "number of bytes written:"},
        {VIR_DOMAIN_BLOCK_STATS_ERRS, "errs", "error count:"},
        {VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, nullptr, "number of flush operations:"},
        {VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, nullptr, "total duration of reads (ns):"},
        {VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, nullptr, "total duration of writes (ns):"},
        {VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, nullptr, "total duration of flushes (ns):"},
    };
    auto line = [&](const Known *k, const char *field, long long value) {
        print("%s %-*s %lld\n", human ? "" : device.c_str(), human ? 31 : 0,
              human && k ? k->human : k && k->legacy ? k->legacy : field, value);
    };
    if (human)
        print("Device: %s\n", device.c_str());
    virTypedParameter params[VIR_DOMAIN_BLOCK_STATS_FIELD_LENGTH];
    int nparams = static_cast<int>(std::size(params));
    if (virDomainBlockStatsFlags(dom, device.c_str(), params, &nparams, VIR_TYPED_PARAM_STRING_OKAY) == 0) {
        std::vector<bool> shown(static_cast<size_t>(nparams));
        for (const Known &k : kKnown) {
            for (int i = 0; i < nparams; ++i) {
                if (!shown[i] && strcmp(params[i].field, k.field) == 0) {
                    line(&k, params[i].field, params[i].value.l);
                    shown[i] = true;
                }
            }
        }
        for (int i = 0; i < nparams; ++i)
            if (!shown[i])
                line(nullptr, params[i].field, params[i].value.l);
        virTypedParamsClear(params, nparams);
        return true;
    }
    virErrorPtr err = virGetLastError();
    if (!err || err->code != VIR_ERR_NO_SUPPORT) {
        printError("Failed to get block stats %s %s", virDomainGetName(dom), device.c_str());
        return false;
    }
    virDomainBlockStatsStruct st;
    if (virDomainBlockStats(dom, device.c_str(), &st, sizeof st) < 0) {
        printError("Failed to get block stats %s %s", virDomainGetName(dom), device.c_str());
        return false;
    }
    const long long values[] = {st.rd_req, st.rd_bytes, st.wr_req, st.wr_bytes, st.errs};
    for (size_t i = 0; i < std::size(values); ++i)
        if (values[i] >= 0)
            line(&kKnown[i], kKnown[i].field, values[i]);
    return true;
}

static bool cmdDomifstat(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    const std::string &device = *cmd.get("interface");
    virDomainInterfaceStatsStruct st;
    if (virDomainInterfaceStats(dom, device.c_str(), &st, sizeof st) < 0) {
        printError("Failed to get interface stats %s %s", virDomainGetName(dom), device.c_str());
        return false;
    }
    const std::pair<const char *, long long> values[] = {
        {"rx_bytes", st.rx_bytes}, {"rx_packets", st.rx_packets}, {"rx_errs", st.rx_errs}, {"rx_drop", st.rx_drop},
        {"tx_bytes", st.tx_bytes}, {"tx_packets", st.tx_packets}, {"tx_errs", st.tx_errs}, {"tx_drop", st.tx_drop},
    };
    for (const auto &[name, value] : values)
        if (value >= 0)
            print("%s %s %lld\n", device.c_str(), name, value);
    return true;
}

// domstats: the groups asked for (all the driver has when none is), of the named domains or of
// every domain the --list-* filters keep; virsh's layout: a header per domain, name=value.
struct StatsOption {
    const char *option;
    unsigned int bit;
};

static const StatsOption kStatsGroups[] = {
    {"state", VIR_DOMAIN_STATS_STATE},         {"cpu-total", VIR_DOMAIN_STATS_CPU_TOTAL},
    {"balloon", VIR_DOMAIN_STATS_BALLOON},     {"vcpu", VIR_DOMAIN_STATS_VCPU},
    {"interface", VIR_DOMAIN_STATS_INTERFACE}, {"block", VIR_DOMAIN_STATS_BLOCK},
    {"perf", VIR_DOMAIN_STATS_PERF},           {"iothread", VIR_DOMAIN_STATS_IOTHREAD},
    {"memory", VIR_DOMAIN_STATS_MEMORY},       {"dirtyrate", VIR_DOMAIN_STATS_DIRTYRATE},
    {"vm", VIR_DOMAIN_STATS_VM},
};

static const StatsOption kStatsFlags[] = {
    {"list-active", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE},
    {"list-inactive", VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE},
    {"list-persistent", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT},
    {"list-transient", VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT},
    {"list-running", VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING},
    {"list-paused", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED},
    {"list-shutoff", VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF},
    {"list-other", VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER},
    {"enforce", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS},
    {"backing", VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING},
    {"nowait", VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT},
};

static unsigned int statsBits(const Cmd &cmd, std::span<const StatsOption> options)
{
    unsigned int bits = 0;
    for (const StatsOption &o : options)
        if (cmd.has(o.option))
            bits |= o.bit;
    return bits;
}

// A value as virsh shows it: booleans as yes/no and doubles with %f, or as C prints them
// with --raw.
static std::string statsValue(const virTypedParameter &p, bool raw)
{
    switch (p.type) {
    case VIR_TYPED_PARAM_INT:
        return std::to_string(p.value.i);
    case VIR_TYPED_PARAM_UINT:
        return std::to_string(p.value.ui);
    case VIR_TYPED_PARAM_LLONG:
        return std::to_string(p.value.l);
    case VIR_TYPED_PARAM_ULLONG:
        return std::to_string(p.value.ul);
    case VIR_TYPED_PARAM_DOUBLE: {
        char buf[64];
        snprintf(buf, sizeof buf, raw ? "%g" : "%f", p.value.d);
        return buf;
    }
    case VIR_TYPED_PARAM_BOOLEAN:
        return raw ? std::to_string(p.value.b) : p.value.b ? "yes" : "no";
    case VIR_TYPED_PARAM_STRING:
        return p.value.s ? p.value.s : "";
    }
    return "";
}

static bool cmdDomstats(Ctl &ctl, const Cmd &cmd)
{
    unsigned int stats = statsBits(cmd, kStatsGroups);
    unsigned int flags = statsBits(cmd, kStatsFlags);
    std::vector<DomainRef> doms;
    for (const std::string &word : cmd.argv("domain")) {
        DomainRef dom(lookupDomainBy(ctl, word.c_str(), BY_ALL));
        if (!dom) {
            printError("failed to get domain '%s'", word.c_str());
            return false;
        }
        doms.push_back(std::move(dom));
    }
    virDomainStatsRecordPtr *records = nullptr;
    int n;
    if (doms.empty()) {
        n = virConnectGetAllDomainStats(ctl.conn, stats, &records, flags);
    } else {
        std::vector<virDomainPtr> list;
        for (const DomainRef &d : doms)
            list.push_back(d);
        list.push_back(nullptr);
        n = virDomainListGetStats(list.data(), stats, &records, flags);
    }
    if (n < 0)
        return false;
    bool raw = cmd.has("raw");
    for (int i = 0; i < n; ++i) {
        print("Domain: '%s'\n", virDomainGetName(records[i]->dom));
        for (int j = 0; j < records[i]->nparams; ++j) {
            const virTypedParameter &p = records[i]->params[j];
            print("  %s=%s\n", p.field, statsValue(p, raw).c_str());
        }
        if (i + 1 < n)
            print("\n");
    }
    virDomainStatsRecordListFree(records);
    return true;
}

static bool cmdDomid(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr, BY_NAME | BY_UUID));
    if (!dom)
        return false;
    unsigned int id = virDomainGetID(dom);
    if (id == static_cast<unsigned int>(-1))
        print("%s\n", "-");
    else
        print("%d\n", static_cast<int>(id));
    return true;
}

static bool cmdDomname(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr, BY_ID | BY_UUID));
    if (!dom)
        return false;
    const char *name = virDomainGetName(dom);
    print("%s\n", name ? name : "");
    return true;
}

static bool cmdDomuuid(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr, BY_ID | BY_NAME));
    if (!dom)
        return false;
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(dom, uuid) < 0) {
        printError("failed to get domain UUID");
        return false;
    }
    print("%s\n", uuid);
    return true;
}

static bool cmdDumpxml(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    unsigned int flags = 0;
    if (cmd.has("inactive"))
        flags |= VIR_DOMAIN_XML_INACTIVE;
    if (cmd.has("security-info"))
        flags |= VIR_DOMAIN_XML_SECURE;
    if (cmd.has("update-cpu"))
        flags |= VIR_DOMAIN_XML_UPDATE_CPU;
    if (cmd.has("migratable"))
        flags |= VIR_DOMAIN_XML_MIGRATABLE;
    char *xml = virDomainGetXMLDesc(dom, flags);
    if (!xml)
        return false;
    print("%s", xml);
    free(xml);
    return true;
}

// ---------------------------------------------------------------------------
// autostart / setmem / setmaxmem / setvcpus / vcpucount / desc / domrename

static bool cmdAutostart(Ctl &ctl, const Cmd &cmd)
{
    const char *name = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &name));
    if (!dom)
        return false;
    bool disable = cmd.has("disable");
    if (virDomainSetAutostart(dom, disable ? 0 : 1) < 0) {
        if (disable)
            printError("Failed to unmark domain '%s' as autostarted", name);
        else
            printError("Failed to mark domain '%s' as autostarted", name);
        return false;
    }
    if (disable)
        printExtra(ctl, "Domain '%s' unmarked as autostarted\n", name);
    else
        printExtra(ctl, "Domain '%s' marked as autostarted\n", name);
    return true;
}

// Size option in KiB (rounded up), like virsh.
static bool memorySizeKiB(Ctl &ctl, const Cmd &cmd, unsigned long *kib)
{
    unsigned long long bytes = 0;
    if (optScaled(ctl, cmd, "size", &bytes, 1024, ULLONG_MAX) <= 0)
        return false;
    unsigned long long k = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    if (k > ULONG_MAX) {
        printError("memory size %llu is too large", k);
        return false;
    }
    *kib = static_cast<unsigned long>(k);
    return true;
}

static bool cmdSetmem(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    unsigned int flags = 0;
    if (cmd.has("config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (cmd.has("live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (!cmd.has("config") && !cmd.has("live") && !cmd.has("current"))
        flags = VIR_DOMAIN_AFFECT_LIVE;
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    unsigned long kib = 0;
    if (!memorySizeKiB(ctl, cmd, &kib))
        return false;
    if (virDomainSetMemoryFlags(dom, kib, flags) < 0)
        return false;
    return true;
}

static bool cmdSetmaxmem(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    unsigned int flags = VIR_DOMAIN_MEM_MAXIMUM;
    if (cmd.has("config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (cmd.has("live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    unsigned long kib = 0;
    if (!memorySizeKiB(ctl, cmd, &kib))
        return false;
    if (virDomainSetMemoryFlags(dom, kib, flags) < 0) {
        printError("Unable to change MaxMemorySize");
        return false;
    }
    return true;
}

static bool cmdSetvcpus(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config") ||
        !exclusive(ctl, cmd, "guest", "config") || !requireOpt(ctl, cmd, "maximum", "config"))
        return false;
    unsigned int flags = 0;
    if (cmd.has("config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (cmd.has("live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (cmd.has("maximum"))
        flags |= VIR_DOMAIN_VCPU_MAXIMUM;
    if (cmd.has("guest"))
        flags |= VIR_DOMAIN_VCPU_GUEST;
    if (cmd.has("hotpluggable"))
        flags |= VIR_DOMAIN_VCPU_HOTPLUGGABLE;
    bool anyFlag = cmd.has("config") || cmd.has("live") || cmd.has("current") ||
                   cmd.has("maximum") || cmd.has("guest") || cmd.has("hotpluggable");

    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    unsigned int count = 0;
    if (optUInt(ctl, cmd, "count", &count) <= 0)
        return false;
    if (count == 0) {
        printError("Can't set 0 processors for a VM");
        return false;
    }
    int rc = anyFlag ? virDomainSetVcpusFlags(dom, count, flags) : virDomainSetVcpus(dom, count);
    return rc == 0;
}

static bool cmdVcpucount(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "live", "config") || !exclusive(ctl, cmd, "guest", "config") ||
        !exclusive(ctl, cmd, "active", "maximum"))
        return false;
    bool maximum = cmd.has("maximum"), active = cmd.has("active"), live = cmd.has("live");
    bool config = cmd.has("config"), current = cmd.has("current"), guest = cmd.has("guest");
    // --current only conflicts with --live/--config when a specific count
    // (--maximum or --active) is asked for.
    if ((maximum || active) &&
        (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config")))
        return false;
    bool all = !maximum && !active && !live && !config && !current && !guest;

    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;

    if (!all) {
        unsigned int flags = 0;
        if (live)
            flags |= VIR_DOMAIN_AFFECT_LIVE;
        if (config)
            flags |= VIR_DOMAIN_AFFECT_CONFIG;
        if (maximum)
            flags |= VIR_DOMAIN_VCPU_MAXIMUM;
        if (guest)
            flags |= VIR_DOMAIN_VCPU_GUEST;
        int count = virDomainGetVcpusFlags(dom, flags);
        if (count < 0) {
            if (guest)
                printError("Failed to retrieve vCPU count from the guest");
            return false;
        }
        print("%d\n", count);
        return true;
    }

    // Every combination: maximum/current x config/live.
    struct Query {
        bool maximum;
        bool liveSide;
        int value;
        bool have;
    } q[4] = {
        {true, false, 0, false},
        {false, false, 0, false},
        {true, true, 0, false},
        {false, true, 0, false},
    };
    for (auto &e : q) {
        int applies = e.liveSide ? virDomainIsActive(dom) : virDomainIsPersistent(dom);
        if (applies < 0)
            return false;
        if (!applies)
            continue;
        unsigned int flags = e.liveSide ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
        if (e.maximum)
            flags |= VIR_DOMAIN_VCPU_MAXIMUM;
        e.value = virDomainGetVcpusFlags(dom, flags);
        if (e.value < 0)
            return false;
        e.have = true;
    }
    static const int order[4] = {0, 2, 1, 3};
    for (int i : order) {
        if (!q[i].have)
            continue;
        print("%-12s %-12s %3d\n", q[i].maximum ? "maximum" : "current",
              q[i].liveSide ? "live" : "config", q[i].value);
    }
    return true;
}

static bool cmdDesc(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    if (cmd.has("edit")) {
        printError("option --edit is not supported by %s", ctl.progname);
        return false;
    }
    bool title = cmd.has("title");
    int type = title ? VIR_DOMAIN_METADATA_TITLE : VIR_DOMAIN_METADATA_DESCRIPTION;
    const char *what = title ? "title" : "description";
    unsigned int flags = 0;
    if (cmd.has("config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (cmd.has("live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    unsigned int queryFlags = cmd.has("config") ? VIR_DOMAIN_AFFECT_CONFIG : 0;

    int state = 0;
    if (virDomainGetState(dom, &state, nullptr, 0) < 0)
        return false;

    std::vector<std::string> words = cmd.argv("new-desc");
    if (!words.empty()) {
        std::string text;
        for (size_t i = 0; i < words.size(); i++) {
            if (i)
                text += ' ';
            text += words[i];
        }
        if (virDomainSetMetadata(dom, type, text.c_str(), nullptr, nullptr, flags) < 0) {
            printError("Failed to set new domain %s", what);
            return false;
        }
        printExtra(ctl, "Domain %s updated successfully", what);
        return true;
    }

    char *desc = virDomainGetMetadata(dom, type, nullptr, queryFlags);
    if (!desc) {
        if (!lastErrorIs(ctl, VIR_ERR_NO_DOMAIN_METADATA))
            return false;
        resetError(ctl);
        const char *name = virDomainGetName(dom);
        printExtra(ctl, "No %s for domain: %s", what, name ? name : "");
        return true;
    }
    print("%s", desc);
    free(desc);
    return true;
}

static bool cmdDomrename(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    const char *newName = nullptr;
    if (optString(ctl, cmd, "new-name", &newName) <= 0)
        return false;
    if (virDomainRename(dom, newName, 0) < 0)
        return false;
    printExtra(ctl, "Domain successfully renamed\n");
    return true;
}

// ---------------------------------------------------------------------------
// Tables

#define END_OPTS {nullptr, OptType::Bool, 0, nullptr}
#define DOMAIN_OPT {"domain", OptType::String, OPT_REQ, "name, ID or UUID of the domain"}

static const OptDef optsDomainOnly[] = {DOMAIN_OPT, END_OPTS};

static const OptDef optsList[] = {
    {"inactive", OptType::Bool, 0, "show only the inactive domains"},
    {"all", OptType::Bool, 0, "show inactive domains too"},
    {"transient", OptType::Bool, 0, "only domains without a stored configuration"},
    {"persistent", OptType::Bool, 0, "only domains with a stored configuration"},
    {"with-snapshot", OptType::Bool, 0, "only domains that have snapshots"},
    {"without-snapshot", OptType::Bool, 0, "only domains that have no snapshot"},
    {"with-checkpoint", OptType::Bool, 0, "only domains that have checkpoints"},
    {"without-checkpoint", OptType::Bool, 0, "only domains that have no checkpoint"},
    {"state-running", OptType::Bool, 0, "only running domains"},
    {"state-paused", OptType::Bool, 0, "only paused domains"},
    {"state-shutoff", OptType::Bool, 0, "only shut-off domains"},
    {"state-other", OptType::Bool, 0, "only domains in some other state"},
    {"autostart", OptType::Bool, 0, "only domains marked for autostart"},
    {"no-autostart", OptType::Bool, 0, "only domains not marked for autostart"},
    {"with-managed-save", OptType::Bool, 0, "only domains that have a managed save image"},
    {"without-managed-save", OptType::Bool, 0, "only domains with no managed save image"},
    {"uuid", OptType::Bool, 0, "print just the UUIDs"},
    {"name", OptType::Bool, 0, "print just the names"},
    {"id", OptType::Bool, 0, "print just the IDs"},
    {"table", OptType::Bool, 0, "print a table (the default)"},
    {"managed-save", OptType::Bool, 0, "show 'saved' as the state of inactive domains with a save image"},
    {"title", OptType::Bool, 0, "add a column with each domain's title"},
    END_OPTS,
};

static const OptDef optsDefine[] = {
    {"file", OptType::String, OPT_REQ, "path of the domain XML"},
    {"validate", OptType::Bool, 0, "check the XML against the RNG schema first"},
    END_OPTS,
};

static const OptDef optsCreate[] = {
    {"file", OptType::String, OPT_REQ, "path of the domain XML"},
    {"paused", OptType::Bool, 0, "keep the new domain's CPUs paused"},
    {"autodestroy", OptType::Bool, 0, "stop the domain when this connection closes"},
    {"validate", OptType::Bool, 0, "check the XML against the RNG schema first"},
    {"reset-nvram", OptType::Bool, 0, "recreate the NVRAM store from its template"},
    END_OPTS,
};

static const OptDef optsUndefine[] = {
    DOMAIN_OPT,
    {"managed-save", OptType::Bool, 0, "also delete a managed save image"},
    {"snapshots-metadata", OptType::Bool, 0, "also drop snapshot metadata"},
    {"checkpoints-metadata", OptType::Bool, 0, "also drop checkpoint metadata"},
    {"nvram", OptType::Bool, 0, "also delete the NVRAM store"},
    {"keep-nvram", OptType::Bool, 0, "leave the NVRAM store in place"},
    {"tpm", OptType::Bool, 0, "also delete the emulated TPM's state"},
    {"keep-tpm", OptType::Bool, 0, "leave the TPM state in place"},
    END_OPTS,
};

static const OptDef optsStart[] = {
    {"domain", OptType::String, OPT_REQ, "name or UUID of the shut-off domain"},
    {"paused", OptType::Bool, 0, "keep the CPUs paused once started"},
    {"autodestroy", OptType::Bool, 0, "stop the domain when this connection closes"},
    {"bypass-cache", OptType::Bool, 0, "read a save image without the page cache"},
    {"force-boot", OptType::Bool, 0, "boot afresh, discarding a managed save image"},
    {"reset-nvram", OptType::Bool, 0, "recreate the NVRAM store from its template"},
    END_OPTS,
};

static const OptDef optsDestroy[] = {
    DOMAIN_OPT,
    {"graceful", OptType::Bool, 0, "send SIGTERM only, never SIGKILL"},
    {"remove-logs", OptType::Bool, 0, "delete the domain's log files too"},
    END_OPTS,
};

static const OptDef optsShutdown[] = {
    DOMAIN_OPT,
    {"mode", OptType::String, 0, "method(s), comma separated: acpi, agent, initctl, signal, paravirt"},
    END_OPTS,
};

static const OptDef optsSave[] = {
    DOMAIN_OPT,
    {"file", OptType::String, OPT_REQ, "file to write the state to"},
    {"bypass-cache", OptType::Bool, 0, "write the image without the page cache"},
    {"xml", OptType::String, 0, "file with replacement domain XML"},
    {"running", OptType::Bool, 0, "resume execution when restored"},
    {"paused", OptType::Bool, 0, "stay paused when restored"},
    {"verbose", OptType::Bool, 0, "report progress while saving"},
    END_OPTS,
};

static const OptDef optsRestore[] = {
    {"file", OptType::String, OPT_REQ, "save file to read"},
    {"bypass-cache", OptType::Bool, 0, "read the file without the page cache"},
    {"xml", OptType::String, 0, "file with replacement domain XML"},
    {"running", OptType::Bool, 0, "resume execution after restoring"},
    {"paused", OptType::Bool, 0, "leave the domain paused after restoring"},
    {"reset-nvram", OptType::Bool, 0, "recreate the NVRAM store from its template"},
    END_OPTS,
};

static const OptDef optsManagedSave[] = {
    DOMAIN_OPT,
    {"bypass-cache", OptType::Bool, 0, "write the image without the page cache"},
    {"running", OptType::Bool, 0, "have the next start resume execution"},
    {"paused", OptType::Bool, 0, "have the next start leave the CPUs paused"},
    {"verbose", OptType::Bool, 0, "report progress while saving"},
    END_OPTS,
};

static const OptDef optsDomblkstat[] = {
    DOMAIN_OPT,
    {"device", OptType::String, 0, "the disk, by target (vda) or source path"},
    {"human", OptType::Bool, 0, "name each counter in words"},
    END_OPTS,
};

static const OptDef optsDomstats[] = {
    {"state", OptType::Bool, 0, "the domain's state and its reason"},
    {"cpu-total", OptType::Bool, 0, "host CPU time the domain used"},
    {"balloon", OptType::Bool, 0, "the memory balloon's figures"},
    {"vcpu", OptType::Bool, 0, "each virtual CPU's state and time"},
    {"interface", OptType::Bool, 0, "network interface counters"},
    {"block", OptType::Bool, 0, "disk counters and sizes"},
    {"perf", OptType::Bool, 0, "perf event counters"},
    {"iothread", OptType::Bool, 0, "I/O thread polling figures"},
    {"memory", OptType::Bool, 0, "memory bandwidth figures"},
    {"dirtyrate", OptType::Bool, 0, "the measured memory dirtying rate"},
    {"vm", OptType::Bool, 0, "figures specific to the hypervisor"},
    {"list-active", OptType::Bool, 0, "keep running or paused domains"},
    {"list-inactive", OptType::Bool, 0, "keep shut-off domains"},
    {"list-persistent", OptType::Bool, 0, "keep domains that have a stored config"},
    {"list-transient", OptType::Bool, 0, "keep domains without a stored config"},
    {"list-running", OptType::Bool, 0, "keep domains in the running state"},
    {"list-paused", OptType::Bool, 0, "keep domains in the paused state"},
    {"list-shutoff", OptType::Bool, 0, "keep domains in the shut-off state"},
    {"list-other", OptType::Bool, 0, "keep domains in any other state"},
    {"raw", OptType::Bool, 0, "print values as C formats them (1/0, %g)"},
    {"enforce", OptType::Bool, 0, "fail when a requested group is not available"},
    {"backing", OptType::Bool, 0, "include the backing images of disks"},
    {"nowait", OptType::Bool, 0, "skip figures that would need waiting"},
    {"domain", OptType::Argv, 0, "the domains (default: all)"},
    END_OPTS,
};

static const OptDef optsDomifstat[] = {
    DOMAIN_OPT,
    {"interface", OptType::String, OPT_REQ, "the interface, by host device name or MAC address"},
    END_OPTS,
};

static const OptDef optsDomstate[] = {
    DOMAIN_OPT,
    {"reason", OptType::Bool, 0, "add why the domain is in that state"},
    END_OPTS,
};

static const OptDef optsDomid[] = {
    {"domain", OptType::String, OPT_REQ, "name or UUID of the domain"},
    END_OPTS,
};
static const OptDef optsDomname[] = {
    {"domain", OptType::String, OPT_REQ, "ID or UUID of the domain"},
    END_OPTS,
};
static const OptDef optsDomuuid[] = {
    {"domain", OptType::String, OPT_REQ, "ID or name of the domain"},
    END_OPTS,
};

static const OptDef optsDumpxml[] = {
    DOMAIN_OPT,
    {"inactive", OptType::Bool, 0, "show the configuration for the next boot"},
    {"security-info", OptType::Bool, 0, "also print secrets such as passwords"},
    {"update-cpu", OptType::Bool, 0, "adapt the guest CPU definition to the host CPU"},
    {"migratable", OptType::Bool, 0, "produce XML fit for moving the domain to another host"},
    END_OPTS,
};

static const OptDef optsAutostart[] = {
    DOMAIN_OPT,
    {"disable", OptType::Bool, 0, "clear the mark instead of setting it"},
    END_OPTS,
};

static const OptDef optsSetmem[] = {
    DOMAIN_OPT,
    {"size", OptType::Number, OPT_REQ, "the amount, in KiB unless a unit suffix is given"},
    {"config", OptType::Bool, 0, "change the persistent configuration"},
    {"live", OptType::Bool, 0, "change the running domain"},
    {"current", OptType::Bool, 0, "change the running domain if active, else the configuration"},
    END_OPTS,
};

static const OptDef optsSetmaxmem[] = {
    DOMAIN_OPT,
    {"size", OptType::Number, OPT_REQ,
     "the limit, in KiB unless a unit suffix is given"},
    {"config", OptType::Bool, 0, "change the persistent configuration"},
    {"live", OptType::Bool, 0, "change the running domain"},
    {"current", OptType::Bool, 0, "change the running domain if active, else the configuration"},
    END_OPTS,
};

static const OptDef optsSetvcpus[] = {
    DOMAIN_OPT,
    {"count", OptType::Number, OPT_REQ, "the new vCPU count"},
    {"maximum", OptType::Bool, 0, "set the upper limit in the configuration instead"},
    {"config", OptType::Bool, 0, "change the persistent configuration"},
    {"live", OptType::Bool, 0, "change the running domain"},
    {"current", OptType::Bool, 0, "change the running domain if active, else the configuration"},
    {"guest", OptType::Bool, 0, "change the count through the guest agent"},
    {"hotpluggable", OptType::Bool, 0, "mark the added vCPUs as hot-pluggable"},
    END_OPTS,
};

static const OptDef optsVcpucount[] = {
    DOMAIN_OPT,
    {"maximum", OptType::Bool, 0, "only the upper limit"},
    {"active", OptType::Bool, 0, "only the vCPUs in use"},
    {"live", OptType::Bool, 0, "read the running domain"},
    {"config", OptType::Bool, 0, "read the persistent configuration"},
    {"current", OptType::Bool, 0, "read the live or persistent state, whichever applies"},
    {"guest", OptType::Bool, 0, "ask the guest agent rather than the hypervisor"},
    END_OPTS,
};

static const OptDef optsDesc[] = {
    DOMAIN_OPT,
    {"live", OptType::Bool, 0, "act on the running domain"},
    {"config", OptType::Bool, 0, "act on the persistent configuration"},
    {"current", OptType::Bool, 0, "act on the live or persistent state, whichever applies"},
    {"title", OptType::Bool, 0, "work on the title, not the description"},
    {"edit", OptType::Bool, 0, "edit the text in an editor (unsupported here)"},
    {"new-desc", OptType::Argv, 0, "the new text (words are joined with spaces)"},
    END_OPTS,
};

static const OptDef optsDomrename[] = {
    {"domain", OptType::String, OPT_REQ, "name, ID or UUID of the domain"},
    {"new-name", OptType::String, OPT_REQ, "name to give the domain"},
    END_OPTS,
};

const CmdDef domainManagementCommands[] = {
    {"autostart", cmdAutostart, optsAutostart, "set whether a domain starts with the host",
     "Mark a domain to be started when the host boots, or clear the mark\n"
     "with --disable.", 0},
    {"console", cmdConsole, consoleOpts, "connect to the serial console of a domain",
     "Copy the terminal to a domain's console and its output back until\n"
     "the escape character (^]) is typed or the console ends.", 0},
    {"create", cmdCreate, optsCreate, "start a transient domain described by an XML file",
     "Start a new domain from an XML description, without storing its\n"
     "configuration.", 0},
    {"define", cmdDefine, optsDefine, "store a domain configuration from an XML file",
     "Register a persistent domain read from XML; it is not started.", 0},
    {"desc", cmdDesc, optsDesc, "read or change the title or description of a domain",
     "Without new text, print the domain's description (or title); with\n"
     "new text, replace it.", 0},
    {"destroy", cmdDestroy, optsDestroy, "stop a domain immediately",
     "Power a domain off at once, like pulling the plug; a persistent\n"
     "domain keeps its configuration.", 0},
    {"domid", cmdDomid, optsDomid, "print the numeric ID of a domain", nullptr, 0},
    {"domname", cmdDomname, optsDomname, "print the name of a domain", nullptr,
     0},
    {"domrename", cmdDomrename, optsDomrename, "give a domain a new name",
     "Change the name of a shut-off domain.",
     0},
    {"domuuid", cmdDomuuid, optsDomuuid, "print the UUID of a domain", nullptr,
     0},
    {"dumpxml", cmdDumpxml, optsDumpxml, "print the XML of a domain",
     "Write the domain's configuration as XML to standard output.", 0},
    {"managedsave", cmdManagedSave, optsManagedSave, "stop a domain, keeping its state for the next start",
     "Write the state of a running domain to an image kept by the\n"
     "hypervisor and stop it; 'start' then resumes from that image.",
     0},
    {"managedsave-remove", cmdManagedSaveRemove, optsDomainOnly,
     "discard a domain's managed save image",
     "Delete the saved state, so that the next start boots afresh.", 0},
    {"reboot", cmdReboot, optsShutdown, "restart the guest OS of a domain",
     "Ask the guest operating system to restart.", 0},
    {"reset", cmdReset, optsDomainOnly, "restart a domain's virtual hardware at once",
     "Act like the reset button of a physical machine: the guest is not\n"
     "warned.", 0},
    {"restore", cmdRestore, optsRestore, "start a domain from a save file",
     "Bring a domain back from a file written by 'save'.", 0},
    {"resume", cmdResume, optsDomainOnly, "continue a paused domain",
     "Let the virtual CPUs of a paused domain run again.", 0},
    {"save", cmdSave, optsSave, "write a domain's state to a file and stop it",
     "Stop a running domain after writing its memory and device state to\n"
     "a file that 'restore' can read.", 0},
    {"screenshot", cmdScreenshot, screenshotOpts, "save the screen of a domain to a file",
     "Capture the current screen of a running domain's video adapter; the\n"
     "image type is the hypervisor's (PPM for QEMU).", 0},
    {"setmaxmem", cmdSetmaxmem, optsSetmaxmem, "set the memory limit of a domain",
     "Set the largest amount of memory the domain may be given.", 0},
    {"setmem", cmdSetmem, optsSetmem, "set the memory size of a domain",
     "Set how much memory the domain has now or at its next boot.", 0},
    {"setvcpus", cmdSetvcpus, optsSetvcpus, "set how many virtual CPUs a domain has",
     "Set the active or the maximum vCPU count of the domain.", 0},
    {"shutdown", cmdShutdown, optsShutdown, "ask a domain to power off",
     "Ask the guest operating system to power down cleanly.", 0},
    {"start", cmdStart, optsStart, "boot a defined, shut-off domain",
     "Boot an inactive domain; when it has a managed save image it\n"
     "resumes from that instead.", 0},
    {"suspend", cmdSuspend, optsDomainOnly, "pause the virtual CPUs of a domain",
     "Freeze a running domain, keeping its memory; 'resume' lets it\n"
     "continue.", 0},
    {"undefine", cmdUndefine, optsUndefine, "delete the stored configuration of a domain",
     "Forget a domain's persistent configuration: an inactive domain\n"
     "disappears, an active one becomes transient.",
     0},
    {"vcpucount", cmdVcpucount, optsVcpucount, "show the virtual CPU counts of a domain",
     "Print the current and maximum vCPU counts, of the running domain\n"
     "and of its configuration.", 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

const CmdDef domainMonitoringCommands[] = {
    {"domblkstat", cmdDomblkstat, optsDomblkstat, "show a disk's I/O counters",
     "Print the read, write and flush counters of one disk of a running\n"
     "domain (all of its disks summed where the driver can).", 0},
    {"domifstat", cmdDomifstat, optsDomifstat, "show a network interface's counters",
     "Print the bytes, packets, errors and drops an interface of a\n"
     "running domain received and sent.", 0},
    {"dominfo", cmdDominfo, optsDomainOnly, "show an overview of a domain",
     "Print the ID, name, UUID, state, vCPUs, memory and other facts\n"
     "about a domain.", 0},
    {"dommemstat", cmdDommemstat, optsDomainOnly, "show the memory statistics of a domain",
     "Print the memory statistics of a running domain: the balloon's\n"
     "size, QEMU's resident memory and what the guest reports.", 0},
    {"domstate", cmdDomstate, optsDomstate, "print the state of a domain",
     "Print whether the domain runs, is paused, shut off, etc., and\n"
     "optionally why.",
     0},
    {"domstats", cmdDomstats, optsDomstats, "print statistics of many domains at once",
     "Print named statistics groups of the given domains, or of every\n"
     "domain the filters keep; with no group named, all the driver has.", 0},
    {"list", cmdList, optsList, "show the domains of the connection",
     "Print a table of domains, or only their names, IDs or UUIDs.\n"
     "Without filter options only active domains are shown.", 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace virthub
