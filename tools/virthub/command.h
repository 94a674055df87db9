// virthub shell: command table, option parsing and dispatch.
//
// Every command is described by a CmdDef (name, options, help texts,
// handler).  Options follow virsh's model: boolean flags, string/number
// options that take a value (`--opt value` or `--opt=value`), an optional
// trailing "argv" option collecting the remaining words, and aliases.
// Positional words fill the value-taking options in definition order.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <string>
#include <vector>

namespace virthub {

enum class OptType {
    Bool,    // flag, no value
    String,  // takes a string value
    Number,  // takes a value shown as <number> (parsed by the handler)
    Argv,    // collects all remaining positional words
    Alias,   // hidden alternative spelling; help holds the target name
};

enum OptFlags : unsigned {
    OPT_REQ = 1u << 0,  // required
};

struct OptDef {
    const char *name;
    OptType type;
    unsigned flags;
    const char *help;
};

struct Ctl;
struct Cmd;

using CmdHandler = bool (*)(Ctl &ctl, const Cmd &cmd);

enum CmdFlags : unsigned {
    CMD_NOCONNECT = 1u << 0,  // runs without a hypervisor connection
};

struct CmdDef {
    const char *name;
    CmdHandler handler;
    const OptDef *opts;  // terminated by an entry with name == nullptr
    const char *summary;
    const char *description;  // may be nullptr
    unsigned flags;
};

struct CmdGroup {
    const char *title;    // "Managing domains"
    const char *keyword;  // "domain"
    const CmdDef *cmds;   // terminated by an entry with name == nullptr
};

// One parsed command with its option values.
struct Cmd {
    const CmdDef *def = nullptr;
    struct Value {
        const OptDef *opt;
        std::string value;
    };
    std::vector<Value> values;

    bool has(const char *name) const;
    // Returns the value of a String/Number option, or nullptr if absent.
    const std::string *get(const char *name) const;
    // All words collected by an Argv option.
    std::vector<std::string> argv(const char *name) const;
};

// Global shell state.
struct Ctl {
    virConnectPtr conn = nullptr;
    std::string connname;      // URI to (re)connect to; empty = library default
    bool haveConnname = false;
    bool readonly = false;
    bool quiet = false;
    bool timing = false;
    bool interactive = false;
    bool keepaliveExplicit = false;
    int keepaliveInterval = 5;
    unsigned int keepaliveCount = 6;
    const char *progname = "virthub";

    // Last libvirt error captured by our error handler.
    bool haveError = false;
    int errCode = 0;
    std::string errMessage;
    // An error raised by the shell itself that should be reported like a
    // libvirt error (virsh reports e.g. "unknown suffix" this way).
    bool havePending = false;
    std::string pending;
};

// ---- command table -------------------------------------------------------
const CmdGroup *commandGroups();  // terminated by an entry with title == nullptr
const CmdDef *findCommand(const char *name);

// Per-file tables (defined in cmd_*.cc).
extern const CmdDef hostCommands[];
extern const CmdDef domainManagementCommands[];
extern const CmdDef domainMonitoringCommands[];
extern const CmdDef eventCommands[];
extern const CmdDef snapshotCommands[];
extern const CmdDef shellCommands[];
// Stream commands (cmd_streams.cc), listed with the domain management commands.
extern const OptDef consoleOpts[];
extern const OptDef screenshotOpts[];
bool cmdConsole(Ctl &ctl, const Cmd &cmd);
bool cmdScreenshot(Ctl &ctl, const Cmd &cmd);

// ---- parsing -------------------------------------------------------------
// Parse one command from already split words (argv mode).  Prints the
// error and returns false on failure.
bool parseArgv(Ctl &ctl, const std::vector<std::string> &words, Cmd &out);
// Parse a command string (may hold several commands separated by ';' or
// newlines).  On any error nothing is returned (virsh parses the whole
// string before running anything).
bool parseString(Ctl &ctl, const std::string &text, std::vector<Cmd> &out);
// Split a line into words like the string parser does (for completion);
// never fails.
std::vector<std::string> splitWordsLoose(const std::string &text, bool *endsInWord);

// ---- running -------------------------------------------------------------
// Run one parsed command (connect first if needed), print the trailing
// newline like virsh.  Returns the command's success.
bool runCommand(Ctl &ctl, const Cmd &cmd);
// Run a list of commands; returns the result of the last one (true when
// the list is empty).  Stops early after quit/exit.
bool runCommands(Ctl &ctl, const std::vector<Cmd> &cmds, bool *quitRequested);

// ---- option accessors used by handlers -----------------------------------
// Value of a string option; returns 0 if absent, 1 if present, -1 (after
// printing the error) if present but empty.
int optString(Ctl &ctl, const Cmd &cmd, const char *name, const char **value);
// Numeric options; same return convention, errors printed like virsh.
int optInt(Ctl &ctl, const Cmd &cmd, const char *name, int *value);
int optUInt(Ctl &ctl, const Cmd &cmd, const char *name, unsigned int *value);
// Scaled integer (memory sizes); result in bytes.
int optScaled(Ctl &ctl, const Cmd &cmd, const char *name,
              unsigned long long *bytes, unsigned long long scale,
              unsigned long long max);

// "Options --a and --b are mutually exclusive" check; returns false after
// printing the error when both are present.
bool exclusive(Ctl &ctl, const Cmd &cmd, const char *a, const char *b);
// "Option --b is required by option --a"
bool requireOpt(Ctl &ctl, const Cmd &cmd, const char *a, const char *b);

// ---- connection (main.cc) ------------------------------------------------
bool connectHypervisor(Ctl &ctl, const char *uri, bool readonly);
void disconnectHypervisor(Ctl &ctl);
void resetError(Ctl &ctl);
void reportError(Ctl &ctl);

// ---- domain lookup (cmd_domain.cc) ---------------------------------------
enum LookupFlags : unsigned {
    BY_ID = 1u << 0,
    BY_UUID = 1u << 1,
    BY_NAME = 1u << 2,
    BY_ALL = BY_ID | BY_UUID | BY_NAME,
};
virDomainPtr lookupDomainBy(Ctl &ctl, const char *word, unsigned by);
virDomainPtr commandDomain(Ctl &ctl, const Cmd &cmd, const char *optname,
                           const char **name, unsigned by = BY_ALL);

// RAII holder for a domain reference.
struct DomainRef {
    virDomainPtr dom = nullptr;
    DomainRef() = default;
    explicit DomainRef(virDomainPtr d) : dom(d) {}
    DomainRef(const DomainRef &) = delete;
    DomainRef &operator=(const DomainRef &) = delete;
    DomainRef(DomainRef &&o) noexcept : dom(o.dom) { o.dom = nullptr; }
    ~DomainRef()
    {
        if (dom)
            virDomainFree(dom);
    }
    explicit operator bool() const { return dom != nullptr; }
    operator virDomainPtr() const { return dom; }
};

// Reads a file named by a command (an XML document); false after setting the error to report.
bool readFile(Ctl &ctl, const char *path, std::string &out);

// ---- help (command.cc) ---------------------------------------------------
bool printCommandHelp(Ctl &ctl, const CmdDef *def);
void printGroupHelp(const CmdGroup *group, bool withColon);

// ---- interactive (interactive.cc) ----------------------------------------
int runInteractive(Ctl &ctl);

}  // namespace virthub
