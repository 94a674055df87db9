// virthub: a virsh-compatible command line shell over libvirt's public API.
//
// main.cc handles the global options, the hypervisor connection, error
// capture, dispatch of the command(s) given on the command line and the
// process exit code.
#include "command.h"
#include "output.h"

#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace virthub {

// ---------------------------------------------------------------------------
// Errors

static void errorHandler(void *opaque, virErrorPtr err)
{
    Ctl *ctl = static_cast<Ctl *>(opaque);
    if (!ctl || !err)
        return;
    ctl->haveError = true;
    ctl->errCode = err->code;
    ctl->errMessage = err->message ? err->message : "";
}

void resetError(Ctl &ctl)
{
    ctl.haveError = false;
    ctl.errCode = 0;
    ctl.errMessage.clear();
    ctl.havePending = false;
    ctl.pending.clear();
    virResetLastError();
}

void reportError(Ctl &ctl)
{
    if (ctl.havePending) {
        printError("%s", ctl.pending.c_str());
    } else if (ctl.haveError) {
        if (ctl.errCode == VIR_ERR_OK)
            printError("unknown error");
        else
            printError("%s", ctl.errMessage.c_str());
    }
    resetError(ctl);
}

// ---------------------------------------------------------------------------
// Connection

bool connectHypervisor(Ctl &ctl, const char *uri, bool readonly)
{
    resetError(ctl);
    ctl.conn = virConnectOpenAuth(uri, virConnectAuthPtrDefault, readonly ? VIR_CONNECT_RO : 0);
    if (ctl.conn && ctl.keepaliveExplicit && ctl.keepaliveInterval > 0 &&
        virConnectSetKeepAlive(ctl.conn, ctl.keepaliveInterval, ctl.keepaliveCount) < 0) {
        printError("Cannot setup keepalive on connection as requested, disconnecting");
        virConnectClose(ctl.conn);
        ctl.conn = nullptr;
    }
    if (!ctl.conn) {
        printError("failed to connect to the hypervisor");
        reportError(ctl);
        return false;
    }
    return true;
}

void disconnectHypervisor(Ctl &ctl)
{
    if (ctl.conn) {
        virConnectClose(ctl.conn);
        ctl.conn = nullptr;
    }
}

// ---------------------------------------------------------------------------
// Usage and version

static void printUsage(const Ctl &ctl)
{
    const char *p = ctl.progname;
    print("\n"
          "%s [options]... [<command_string>]\n"
          "%s [options]... <command> [args...]\n"
          "\n"
          "  options:\n"
          "    -c | --connect=URI      URI of the hypervisor to use\n"
          "    -d | --debug=NUM        debug verbosity, 0 to 4 (no effect)\n"
          "    -e | --escape <char>    console escape key (no effect)\n"
          "    -h | --help             print this text and exit\n"
          "    -k | --keepalive-interval=NUM\n"
          "                            seconds between keepalive probes (0: none)\n"
          "    -K | --keepalive-count=NUM\n"
          "                            unanswered probes tolerated before giving up\n"
          "    -l | --log=FILE         log file (no effect)\n"
          "    -q | --quiet            omit informational messages\n"
          "    -r | --readonly         open the connection without write access\n"
          "    -t | --timing           report how long each command took\n"
          "    -v                      print the library version number\n"
          "    -V                      print version and build details\n"
          "         --version[=TYPE]   like -v, or like -V when TYPE is 'long'\n"
          "  commands (to run one without entering the shell):\n"
          "\n",
          p, p);
    for (const CmdGroup *g = commandGroups(); g->title; g++) {
        printGroupHelp(g, false);
        print("\n");
    }
    print("\n"
          "  ('help <group>' lists only the commands of that group)\n"
          "\n"
          "  ('help <command>' shows the options of one command)\n"
          "\n");
}

static std::string libraryVersion()
{
    unsigned long ver = 0;
    if (virGetVersion(&ver, nullptr, nullptr) < 0)
        return "unknown";
    return strprintf("%lu.%lu.%lu", ver / 1000000, (ver / 1000) % 1000, ver % 1000);
}

static void printVersion(bool longForm)
{
    std::string v = libraryVersion();
    if (!longForm) {
        print("%s\n", v.c_str());
        return;
    }
    print("Virthub command line tool of libvirt %s\n"
          "See web site at https://libvirt.org/\n"
          "\n"
          "Compiled with support for:\n"
          " Hypervisors: Test\n"
          " Miscellaneous: Readline\n",
          v.c_str());
}

// ---------------------------------------------------------------------------
// Global options

// Returns -1 to continue, otherwise the exit status.
static int parseGlobalOptions(Ctl &ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"connect", required_argument, nullptr, 'c'},
        {"debug", required_argument, nullptr, 'd'},
        {"escape", required_argument, nullptr, 'e'},
        {"help", no_argument, nullptr, 'h'},
        {"keepalive-interval", required_argument, nullptr, 'k'},
        {"keepalive-count", required_argument, nullptr, 'K'},
        {"log", required_argument, nullptr, 'l'},
        {"quiet", no_argument, nullptr, 'q'},
        {"readonly", no_argument, nullptr, 'r'},
        {"timing", no_argument, nullptr, 't'},
        {"version", optional_argument, nullptr, 'v'},
        {nullptr, 0, nullptr, 0},
    };
    static const char *longNames[128];
    longNames['c'] = "connect";
    longNames['d'] = "debug";
    longNames['e'] = "escape";
    longNames['k'] = "keepalive-interval";
    longNames['K'] = "keepalive-count";
    longNames['l'] = "log";

    opterr = 0;
    int c;
    int longindex = -1;
    while ((c = getopt_long(argc, argv, "+:c:d:e:hk:K:l:qrtvV", longopts, &longindex)) != -1) {
        switch (c) {
        case 'c':
            ctl.connname = optarg;
            ctl.haveConnname = true;
            break;
        case 'd': {
            char *end = nullptr;
            long lvl = strtol(optarg, &end, 10);
            if (!*optarg || *end) {
                printError("option %s takes a numeric argument", "-d");
                return 1;
            }
            if (lvl < 0 || lvl > 4)
                printError("ignoring debug level %ld out of range [0-4]", lvl);
            break;
        }
        case 'e':
        case 'l':
            break;
        case 'k':
        case 'K': {
            char *end = nullptr;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || v > INT_MAX || v < INT_MIN) {
                printError("Invalid value for option %s", c == 'k' ? "-k" : "-K");
                return 1;
            }
            if (v < 0) {
                printError("option %s requires a positive integer argument",
                           c == 'k' ? "-k" : "-K");
                return 1;
            }
            ctl.keepaliveExplicit = true;
            if (c == 'k')
                ctl.keepaliveInterval = static_cast<int>(v);
            else
                ctl.keepaliveCount = static_cast<unsigned int>(v);
            break;
        }
        case 'h':
            printUsage(ctl);
            return 0;
        case 'q':
            ctl.quiet = true;
            break;
        case 'r':
            ctl.readonly = true;
            break;
        case 't':
            ctl.timing = true;
            break;
        case 'v':
            if (optarg && strcmp(optarg, "long") == 0)
                printVersion(true);
            else
                printVersion(false);
            return 0;
        case 'V':
            printVersion(true);
            return 0;
        case ':': {
            int o = optopt;
            if (o > 0 && o < 128 && longNames[o])
                printError("option '-%c'/'--%s' requires an argument", o, longNames[o]);
            else
                printError("option '%s' requires an argument", argv[optind - 1]);
            return 1;
        }
        case '?':
        default:
            if (optopt)
                printError("unsupported option '-%c'. See --help.", optopt);
            else
                printError("unsupported option '%s'. See --help.", argv[optind - 1]);
            return 1;
        }
        longindex = -1;
    }
    return -1;
}

}  // namespace virthub

int main(int argc, char **argv)
{
    using namespace virthub;
    setlocale(LC_ALL, "");

    Ctl ctl;
    int rc = parseGlobalOptions(ctl, argc, argv);
    if (rc >= 0)
        return rc;

    virSetErrorFunc(&ctl, errorHandler);
    virEventRegisterDefaultImpl();

    if (!ctl.haveConnname) {
        const char *env = getenv("VIRSH_DEFAULT_CONNECT_URI");
        if (env && *env) {
            ctl.connname = env;
            ctl.haveConnname = true;
        }
    }

    if (ctl.haveConnname) {
        if (!connectHypervisor(ctl, ctl.connname.c_str(), ctl.readonly))
            return 1;
    }

    bool ok = true;
    int nargs = argc - optind;
    if (nargs == 0) {
        rc = runInteractive(ctl);
        disconnectHypervisor(ctl);
        fflush(stdout);
        return rc;
    }
    if (nargs == 1) {
        if (argv[optind][0] == '\0') {
            ok = false;
        } else {
            std::vector<Cmd> cmds;
            if (!parseString(ctl, argv[optind], cmds))
                ok = false;
            else
                ok = runCommands(ctl, cmds, nullptr);
        }
    } else {
        std::vector<std::string> words(argv + optind, argv + argc);
        Cmd cmd;
        if (!parseArgv(ctl, words, cmd))
            ok = false;
        else
            ok = runCommand(ctl, cmd);
    }

    disconnectHypervisor(ctl);
    fflush(stdout);
    return ok ? 0 : 1;
}
