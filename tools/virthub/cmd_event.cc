// virthub shell: the 'event' command (domain event listener).
//
// Callbacks are registered with virConnectDomainEventRegisterAny and the
// default event loop (virEventRegisterDefaultImpl, done at start-up) is
// run in this thread with virEventRunDefaultImpl until the first event
// (one-shot), the --timeout expires, or SIGINT arrives.
#include "command.h"
#include "output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace virthub {

namespace {

const char *const eventNames[] = {
    "lifecycle",         "reboot",          "rtc-change",
    "watchdog",          "io-error",        "graphics",
    "io-error-reason",   "control-error",   "block-job",
    "disk-change",       "tray-change",     "pm-wakeup",
    "pm-suspend",        "balloon-change",  "pm-suspend-disk",
    "device-removed",    "block-job-2",     "tunable",
    "agent-lifecycle",   "device-added",    "migration-iteration",
    "job-completed",     "device-removal-failed", "metadata-change",
    "block-threshold",   "memory-failure",  "memory-device-size-change",
};
const int eventCount = sizeof(eventNames) / sizeof(eventNames[0]);

struct EventData {
    Ctl *ctl;
    int id;
    bool loop;
    bool timestamp;
    int *count;
    bool *done;
};

const char *pickStr(const char *const *table, size_t n, int idx)
{
    if (idx < 0 || static_cast<size_t>(idx) >= n)
        return "unknown";
    return table[idx];
}
#define PICKSTR(table, idx) pickStr(table, sizeof(table) / sizeof(table[0]), idx)

const char *lifecycleEventString(int event)
{
    static const char *const t[] = {
        "Defined", "Undefined", "Started", "Suspended", "Resumed",
        "Stopped", "Shutdown", "PMSuspended", "Crashed",
    };
    return PICKSTR(t, event);
}

const char *lifecycleDetailString(int event, int detail)
{
    static const char *const defined[] = {"Added", "Updated", "Renamed", "Snapshot"};
    static const char *const undefined[] = {"Removed", "Renamed"};
    static const char *const started[] = {"Booted", "Migrated", "Restored", "Snapshot",
                                          "Event wakeup"};
    static const char *const suspended[] = {"Paused", "Migrated", "I/O Error",
                                            "Watchdog", "Restored", "Snapshot",
                                            "API error", "Post-copy", "Post-copy Error"};
    static const char *const resumed[] = {"Unpaused", "Migrated", "Snapshot", "Post-copy",
                                          "Post-copy Error"};
    static const char *const stopped[] = {"Shutdown", "Destroyed", "Crashed", "Migrated",
                                          "Saved", "Failed", "Snapshot"};
    static const char *const shutdown[] = {"Finished", "Finished after guest request",
                                           "Finished after host request"};
    static const char *const pmsuspended[] = {"Memory", "Disk"};
    static const char *const crashed[] = {"Panicked", "Crashloaded"};
    switch (event) {
    case VIR_DOMAIN_EVENT_DEFINED: return PICKSTR(defined, detail);
    case VIR_DOMAIN_EVENT_UNDEFINED: return PICKSTR(undefined, detail);
    case VIR_DOMAIN_EVENT_STARTED: return PICKSTR(started, detail);
    case VIR_DOMAIN_EVENT_SUSPENDED: return PICKSTR(suspended, detail);
    case VIR_DOMAIN_EVENT_RESUMED: return PICKSTR(resumed, detail);
    case VIR_DOMAIN_EVENT_STOPPED: return PICKSTR(stopped, detail);
    case VIR_DOMAIN_EVENT_SHUTDOWN: return PICKSTR(shutdown, detail);
    case VIR_DOMAIN_EVENT_PMSUSPENDED: return PICKSTR(pmsuspended, detail);
    case VIR_DOMAIN_EVENT_CRASHED: return PICKSTR(crashed, detail);
    default: return "unknown";
    }
}

std::string timestampPrefix()
{
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    struct tm tm;
    time_t secs = tv.tv_sec;
    gmtime_r(&secs, &tm);
    char buf[64];
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return strprintf("%s.%03d+0000: ", buf, static_cast<int>(tv.tv_usec / 1000));
}

// Prints one event line (body already formatted) and updates the counters.
void emit(EventData *data, const std::string &body)
{
    // One-shot mode reports only the first event, even when several are
    // dispatched in the same loop iteration.
    if (!data->loop && *data->done)
        return;
    std::string line;
    if (data->timestamp)
        line = timestampPrefix();
    line += body;
    fputs(line.c_str(), stdout);
    fflush(stdout);
    (*data->count)++;
    if (!data->loop)
        *data->done = true;
}

std::string head(EventData *data, virDomainPtr dom)
{
    const char *name = virDomainGetName(dom);
    return strprintf("event '%s' for domain '%s'", eventNames[data->id], name ? name : "");
}

std::string typedParams(virTypedParameterPtr params, int n)
{
    std::string out;
    for (int i = 0; i < n; i++) {
        const virTypedParameter &p = params[i];
        std::string v;
        switch (p.type) {
        case VIR_TYPED_PARAM_INT: v = strprintf("%d", p.value.i); break;
        case VIR_TYPED_PARAM_UINT: v = strprintf("%u", p.value.ui); break;
        case VIR_TYPED_PARAM_LLONG: v = strprintf("%lld", p.value.l); break;
        case VIR_TYPED_PARAM_ULLONG: v = strprintf("%llu", p.value.ul); break;
        case VIR_TYPED_PARAM_DOUBLE: v = strprintf("%lf", p.value.d); break;
        case VIR_TYPED_PARAM_BOOLEAN: v = p.value.b ? "yes" : "no"; break;
        case VIR_TYPED_PARAM_STRING: v = p.value.s ? p.value.s : ""; break;
        default: v = "?"; break;
        }
        out += strprintf("\t%s: %s\n", p.field, v.c_str());
    }
    return out;
}

const char *nullstr(const char *s)
{
    return s ? s : "<null>";
}

// ---- callbacks ------------------------------------------------------------

// virConnectDomainEventCallback, the one event callback type that returns int
int cbLifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s %s\n", lifecycleEventString(event),
                                     lifecycleDetailString(event, detail)));
    return 0;
}

void cbGeneric(virConnectPtr, virDomainPtr dom, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + "\n");
}

void cbRTCChange(virConnectPtr, virDomainPtr dom, long long offset, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %lld\n", offset));
}

void cbWatchdog(virConnectPtr, virDomainPtr dom, int action, void *opaque)
{
    static const char *const actions[] = {"none", "pause", "reset", "poweroff",
                                          "shutdown", "debug", "inject-nmi"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s\n", PICKSTR(actions, action)));
}

const char *ioErrorAction(int action)
{
    static const char *const actions[] = {"none", "pause", "report"};
    return PICKSTR(actions, action);
}

void cbIOError(virConnectPtr, virDomainPtr dom, const char *src, const char *alias, int action,
               void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s (%s) %s\n", nullstr(src), nullstr(alias),
                                     ioErrorAction(action)));
}

void cbIOErrorReason(virConnectPtr, virDomainPtr dom, const char *src, const char *alias,
                     int action, const char *reason, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s (%s) %s due to %s\n", nullstr(src), nullstr(alias),
                                     ioErrorAction(action), nullstr(reason)));
}

void cbGraphics(virConnectPtr, virDomainPtr dom, int phase,
                const virDomainEventGraphicsAddress *local,
                const virDomainEventGraphicsAddress *remote, const char *authScheme,
                const virDomainEventGraphicsSubject *subject, void *opaque)
{
    static const char *const phases[] = {"connect", "initialize", "disconnect"};
    static const char *const families[] = {"ipv4", "ipv6", "unix"};
    auto *d = static_cast<EventData *>(opaque);
    std::string s = head(d, dom);
    s += strprintf(": %s local[%s %s %s] remote[%s %s %s] %s", PICKSTR(phases, phase),
                   PICKSTR(families, local ? local->family : -1),
                   nullstr(local ? local->node : nullptr),
                   nullstr(local ? local->service : nullptr),
                   PICKSTR(families, remote ? remote->family : -1),
                   nullstr(remote ? remote->node : nullptr),
                   nullstr(remote ? remote->service : nullptr), nullstr(authScheme));
    if (subject) {
        for (int i = 0; i < subject->nidentity; i++)
            s += strprintf(" %s=%s", nullstr(subject->identities[i].type),
                           nullstr(subject->identities[i].name));
    }
    s += "\n";
    emit(d, s);
}

void cbBlockJob(virConnectPtr, virDomainPtr dom, const char *disk, int type, int status,
                void *opaque)
{
    static const char *const types[] = {"unknown", "Block Pull", "Block Copy",
                                        "Block Commit", "Active Block Commit", "Backup"};
    static const char *const statuses[] = {"completed", "failed", "canceled", "ready"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s for %s %s\n", PICKSTR(types, type), nullstr(disk),
                                     PICKSTR(statuses, status)));
}

void cbDiskChange(virConnectPtr, virDomainPtr dom, const char *oldSrc, const char *newSrc,
                  const char *alias, int reason, void *opaque)
{
    static const char *const reasons[] = {"changed", "dropped"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(" disk %s: %s -> %s: %s\n", nullstr(alias),
                                     nullstr(oldSrc), nullstr(newSrc),
                                     PICKSTR(reasons, reason)));
}

void cbTrayChange(virConnectPtr, virDomainPtr dom, const char *alias, int reason, void *opaque)
{
    static const char *const reasons[] = {"opened", "closed"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(" disk %s: %s\n", nullstr(alias), PICKSTR(reasons, reason)));
}

void cbPMChange(virConnectPtr, virDomainPtr dom, int, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + "\n");
}

void cbBalloonChange(virConnectPtr, virDomainPtr dom, unsigned long long actual, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %llu\n", actual));
}

void cbDeviceAlias(virConnectPtr, virDomainPtr dom, const char *alias, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": %s\n", nullstr(alias)));
}

void cbParams(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int nparams,
              void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + ":\n" + typedParams(params, nparams));
}

void cbAgentLifecycle(virConnectPtr, virDomainPtr dom, int state, int reason, void *opaque)
{
    static const char *const states[] = {"unknown", "connected", "disconnected"};
    static const char *const reasons[] = {"unknown", "domain started", "channel event"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": state: '%s' reason: '%s'\n", PICKSTR(states, state),
                                     PICKSTR(reasons, reason)));
}

void cbMigrationIteration(virConnectPtr, virDomainPtr dom, int iteration, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": iteration: '%d'\n", iteration));
}

void cbMetadataChange(virConnectPtr, virDomainPtr dom, int type, const char *nsuri,
                      void *opaque)
{
    static const char *const types[] = {"description", "title", "element"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": type %s, uri %s\n", PICKSTR(types, type),
                                     nullstr(nsuri)));
}

void cbBlockThreshold(virConnectPtr, virDomainPtr dom, const char *dev, const char *path,
                      unsigned long long threshold, unsigned long long excess, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": dev: %s(%s) %llu %llu\n", nullstr(dev), nullstr(path),
                                     threshold, excess));
}

void cbMemoryFailure(virConnectPtr, virDomainPtr dom, int recipient, int action,
                     unsigned int flags, void *opaque)
{
    static const char *const recipients[] = {"hypervisor", "guest"};
    static const char *const actions[] = {"ignore", "inject", "fatal", "reset"};
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) +
                strprintf(":\nrecipient: %s\naction: %s\nflags:\n\taction required: %s\n"
                          "\trecursive: %s\n",
                          PICKSTR(recipients, recipient), PICKSTR(actions, action),
                          (flags & VIR_DOMAIN_MEMORY_FAILURE_ACTION_REQUIRED) ? "yes" : "no",
                          (flags & VIR_DOMAIN_MEMORY_FAILURE_RECURSIVE) ? "yes" : "no"));
}

void cbMemoryDeviceSizeChange(virConnectPtr, virDomainPtr dom, const char *alias,
                              unsigned long long size, void *opaque)
{
    auto *d = static_cast<EventData *>(opaque);
    emit(d, head(d, dom) + strprintf(": alias: '%s' size: '%llu'\n", nullstr(alias), size));
}

virConnectDomainEventGenericCallback callbackFor(int id)
{
    switch (id) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE: return VIR_DOMAIN_EVENT_CALLBACK(cbLifecycle);
    case VIR_DOMAIN_EVENT_ID_REBOOT: return VIR_DOMAIN_EVENT_CALLBACK(cbGeneric);
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(cbRTCChange);
    case VIR_DOMAIN_EVENT_ID_WATCHDOG: return VIR_DOMAIN_EVENT_CALLBACK(cbWatchdog);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR: return VIR_DOMAIN_EVENT_CALLBACK(cbIOError);
    case VIR_DOMAIN_EVENT_ID_GRAPHICS: return VIR_DOMAIN_EVENT_CALLBACK(cbGraphics);
    case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON: return VIR_DOMAIN_EVENT_CALLBACK(cbIOErrorReason);
    case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR: return VIR_DOMAIN_EVENT_CALLBACK(cbGeneric);
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB: return VIR_DOMAIN_EVENT_CALLBACK(cbBlockJob);
    case VIR_DOMAIN_EVENT_ID_DISK_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(cbDiskChange);
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(cbTrayChange);
    case VIR_DOMAIN_EVENT_ID_PMWAKEUP: return VIR_DOMAIN_EVENT_CALLBACK(cbPMChange);
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND: return VIR_DOMAIN_EVENT_CALLBACK(cbPMChange);
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(cbBalloonChange);
    case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK: return VIR_DOMAIN_EVENT_CALLBACK(cbPMChange);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: return VIR_DOMAIN_EVENT_CALLBACK(cbDeviceAlias);
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: return VIR_DOMAIN_EVENT_CALLBACK(cbBlockJob);
    case VIR_DOMAIN_EVENT_ID_TUNABLE: return VIR_DOMAIN_EVENT_CALLBACK(cbParams);
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE:
        return VIR_DOMAIN_EVENT_CALLBACK(cbAgentLifecycle);
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED: return VIR_DOMAIN_EVENT_CALLBACK(cbDeviceAlias);
    case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION:
        return VIR_DOMAIN_EVENT_CALLBACK(cbMigrationIteration);
    case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: return VIR_DOMAIN_EVENT_CALLBACK(cbParams);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        return VIR_DOMAIN_EVENT_CALLBACK(cbDeviceAlias);
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE:
        return VIR_DOMAIN_EVENT_CALLBACK(cbMetadataChange);
    case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD:
        return VIR_DOMAIN_EVENT_CALLBACK(cbBlockThreshold);
    case 25: return VIR_DOMAIN_EVENT_CALLBACK(cbMemoryFailure);
    case 26: return VIR_DOMAIN_EVENT_CALLBACK(cbMemoryDeviceSizeChange);
    default: return nullptr;
    }
}

// ---- loop control -----------------------------------------------------------

volatile sig_atomic_t interruptFd = -1;

void onSigint(int)
{
    int fd = interruptFd;
    if (fd >= 0) {
        char c = 1;
        ssize_t r = write(fd, &c, 1);
        (void)r;
    }
}

struct LoopState {
    bool done = false;
    bool timedOut = false;
    bool interrupted = false;
};

void onTimeout(int, void *opaque)
{
    auto *st = static_cast<LoopState *>(opaque);
    st->timedOut = true;
}

void onInterrupt(int, int fd, int, void *opaque)
{
    char buf[16];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    static_cast<LoopState *>(opaque)->interrupted = true;
}

}  // namespace

static bool cmdEvent(Ctl &ctl, const Cmd &cmd)
{
    if (!exclusive(ctl, cmd, "all", "event") || !exclusive(ctl, cmd, "list", "all") ||
        !exclusive(ctl, cmd, "list", "event"))
        return false;

    if (cmd.has("list")) {
        for (int i = 0; i < eventCount; i++)
            print("%s\n", eventNames[i]);
        return true;
    }

    const char *eventName = nullptr;
    if (optString(ctl, cmd, "event", &eventName) < 0)
        return false;
    bool all = cmd.has("all");
    if (!eventName && !all) {
        printError("one of --list, --all, or --event <type> is required");
        return false;
    }
    int single = -1;
    if (eventName) {
        for (int i = 0; i < eventCount; i++)
            if (strcmp(eventNames[i], eventName) == 0)
                single = i;
        if (single < 0) {
            printError("unknown event type %s", eventName);
            return false;
        }
    }

    int timeout = 0;
    if (cmd.get("timeout")) {
        if (optInt(ctl, cmd, "timeout", &timeout) < 0)
            return false;
        if (timeout < 1) {
            printError("Numeric value '%s' for <timeout> option is malformed or out of range",
                       cmd.get("timeout")->c_str());
            return false;
        }
    }

    virDomainPtr dom = nullptr;
    if (cmd.has("domain")) {
        dom = commandDomain(ctl, cmd, "domain", nullptr);
        if (!dom)
            return false;
    }

    LoopState st;
    int count = 0;
    bool loop = cmd.has("loop");
    bool timestamp = cmd.has("timestamp");

    int first = all ? 0 : single;
    int last = all ? eventCount - 1 : single;
    std::vector<EventData> data(static_cast<size_t>(last - first + 1));
    std::vector<int> callbackIds;
    bool ok = true;
    for (int id = first; id <= last; id++) {
        EventData &d = data[static_cast<size_t>(id - first)];
        d = {&ctl, id, loop, timestamp, &count, &st.done};
        int cbid = virConnectDomainEventRegisterAny(ctl.conn, dom, id, callbackFor(id), &d,
                                                    nullptr);
        if (cbid < 0) {
            ok = false;
            break;
        }
        callbackIds.push_back(cbid);
    }

    if (ok) {
        int timer = -1;
        if (timeout > 0)
            timer = virEventAddTimeout(timeout * 1000, onTimeout, &st, nullptr);

        // Self-pipe so that Ctrl-C wakes the event loop up.
        int pipefd[2] = {-1, -1};
        int watch = -1;
        struct sigaction oldAct;
        bool haveOld = false;
        if (pipe(pipefd) == 0) {
            fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
            fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
            fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
            fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
            watch = virEventAddHandle(pipefd[0], VIR_EVENT_HANDLE_READABLE, onInterrupt, &st,
                                      nullptr);
            interruptFd = pipefd[1];
            struct sigaction act;
            memset(&act, 0, sizeof(act));
            act.sa_handler = onSigint;
            sigemptyset(&act.sa_mask);
            haveOld = sigaction(SIGINT, &act, &oldAct) == 0;
        }

        while (!st.done && !st.timedOut && !st.interrupted) {
            if (virEventRunDefaultImpl() < 0) {
                ok = false;
                break;
            }
        }

        interruptFd = -1;
        if (haveOld)
            sigaction(SIGINT, &oldAct, nullptr);
        if (watch >= 0)
            virEventRemoveHandle(watch);
        if (pipefd[0] >= 0) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        if (timer >= 0)
            virEventRemoveTimeout(timer);
    }

    for (int cbid : callbackIds)
        virConnectDomainEventDeregisterAny(ctl.conn, cbid);
    if (dom)
        virDomainFree(dom);
    if (!ok)
        return false;

    if (st.interrupted && !st.done)
        print("event loop interrupted\n");
    else if (st.timedOut && !st.done)
        print("event loop timed out\n");
    print("events received: %d\n", count);
    return count > 0;
}

static const OptDef optsEvent[] = {
    {"domain", OptType::String, 0, "only events of this domain (name, ID or UUID)"},
    {"event", OptType::String, 0, "only events of this type"},
    {"all", OptType::Bool, 0, "watch every event type"},
    {"loop", OptType::Bool, 0, "keep going after the first event, until timeout or Ctrl-C"},
    {"timeout", OptType::Number, 0, "stop waiting after this many seconds"},
    {"list", OptType::Bool, 0, "print the known event type names"},
    {"timestamp", OptType::Bool, 0, "prefix each event with the time it arrived"},
    {nullptr, OptType::Bool, 0, nullptr},
};

const CmdDef eventCommands[] = {
    {"event", cmdEvent, optsEvent, "wait for domain events and print them",
     "Print domain events as they arrive, optionally filtered by domain\n"
     "and type. With --list, print the type names instead.", 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace virthub
