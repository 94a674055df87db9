// virthub shell: command table lookup, option parsing, dispatch, help and
// the shell's own built-in commands (help, quit, exit, connect, echo).
#include "command.h"

#include "output.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace virthub {

// ---------------------------------------------------------------------------
// Cmd accessors

bool Cmd::has(const char *name) const
{
    for (const auto &v : values)
        if (strcmp(v.opt->name, name) == 0)
            return true;
    return false;
}

const std::string *Cmd::get(const char *name) const
{
    for (const auto &v : values)
        if (strcmp(v.opt->name, name) == 0)
            return &v.value;
    return nullptr;
}

std::vector<std::string> Cmd::argv(const char *name) const
{
    std::vector<std::string> out;
    for (const auto &v : values)
        if (strcmp(v.opt->name, name) == 0)
            out.push_back(v.value);
    return out;
}

// ---------------------------------------------------------------------------
// Command table

const CmdGroup *commandGroups()
{
    static const CmdGroup groups[] = {
        {"Managing domains", "domain", domainManagementCommands},
        {"Inspecting domains", "monitor", domainMonitoringCommands},
        {"Watching domain events", "events", eventCommands},
        {"Snapshots of domains", "snapshot", snapshotCommands},
        {"The host and its hypervisor", "host", hostCommands},
        {"Shell built-ins", "virthub", shellCommands},
        {nullptr, nullptr, nullptr},
    };
    return groups;
}

const CmdDef *findCommand(const char *name)
{
    for (const CmdGroup *g = commandGroups(); g->title; g++)
        for (const CmdDef *c = g->cmds; c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return nullptr;
}

static const OptDef *findOption(const CmdDef *def, const std::string &name)
{
    for (const OptDef *o = def->opts; o && o->name; o++) {
        if (name == o->name) {
            if (o->type == OptType::Alias) {
                for (const OptDef *t = def->opts; t->name; t++)
                    if (strcmp(t->name, o->help) == 0 && t->type != OptType::Alias)
                        return t;
                return nullptr;
            }
            return o;
        }
    }
    return nullptr;
}

static const char *typeWord(const OptDef *o)
{
    return o->type == OptType::Number ? "number" : "string";
}

// ---------------------------------------------------------------------------
// Parsing one command's words

// Parses one command from its words (first word = command name).  Prints
// the error and returns false on failure.
static bool parseWords(const std::vector<std::string> &words, Cmd &out)
{
    out = Cmd();
    if (words.empty())
        return false;
    const CmdDef *def = findCommand(words[0].c_str());
    if (!def) {
        printError("unknown command: '%s'", words[0].c_str());
        return false;
    }
    out.def = def;

    bool dataOnly = false;
    for (size_t i = 1; i < words.size(); i++) {
        const std::string &w = words[i];
        if (!dataOnly && w == "--") {
            dataOnly = true;
            continue;
        }
        if (!dataOnly && w.size() > 2 && w[0] == '-' && w[1] == '-' &&
            isalnum(static_cast<unsigned char>(w[2]))) {
            std::string name = w.substr(2);
            std::string value;
            bool haveValue = false;
            size_t eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name.resize(eq);
                haveValue = true;
            }
            const OptDef *opt = findOption(def, name);
            if (!opt) {
                printError("command '%s' doesn't support option --%s", def->name, name.c_str());
                return false;
            }
            if (opt->type == OptType::Bool) {
                if (haveValue) {
                    printError("invalid '=' after option --%s", opt->name);
                    return false;
                }
                if (out.has(opt->name)) {
                    printError("option --%s already seen", opt->name);
                    return false;
                }
                out.values.push_back({opt, std::string()});
                continue;
            }
            if (opt->type != OptType::Argv && out.has(opt->name)) {
                printError("option --%s already seen", opt->name);
                return false;
            }
            if (!haveValue) {
                if (i + 1 >= words.size()) {
                    printError("expected syntax: --%s <%s>", opt->name, typeWord(opt));
                    return false;
                }
                value = words[++i];
            }
            out.values.push_back({opt, value});
            continue;
        }

        // Positional data: fill the next value-taking option not yet set.
        const OptDef *target = nullptr;
        for (const OptDef *o = def->opts; o && o->name; o++) {
            if (o->type == OptType::Bool || o->type == OptType::Alias)
                continue;
            if (o->type == OptType::Argv) {
                target = o;
                break;
            }
            if (!out.has(o->name)) {
                target = o;
                break;
            }
        }
        if (!target) {
            if (strcmp(def->name, "help") == 0)
                continue;  // virsh's help ignores extra words
            printError("unexpected data '%s'", w.c_str());
            return false;
        }
        out.values.push_back({target, w});
    }

    bool ok = true;
    for (const OptDef *o = def->opts; o && o->name; o++) {
        if (!(o->flags & OPT_REQ) || o->type == OptType::Alias)
            continue;
        if (out.has(o->name))
            continue;
        if (o->type == OptType::Number)
            printError("command '%s' requires --%s option", def->name, o->name);
        else
            printError("command '%s' requires <%s> option", def->name, o->name);
        ok = false;
    }
    return ok;
}

bool parseArgv(Ctl &, const std::vector<std::string> &words, Cmd &out)
{
    return parseWords(words, out);
}

// ---------------------------------------------------------------------------
// Tokenizing command strings

namespace {

struct Tokenizer {
    const std::string &s;
    size_t pos = 0;
    explicit Tokenizer(const std::string &str) : s(str) {}

    enum Result { Word, EndCommand, End, Error };

    // Reads the next word.  Comments run to the end of the line.
    Result next(std::string &word, bool strict)
    {
        // skip blanks
        while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t'))
            pos++;
        if (pos >= s.size())
            return End;
        char c = s[pos];
        if (c == ';' || c == '\n') {
            pos++;
            return EndCommand;
        }
        if (c == '#') {
            while (pos < s.size() && s[pos] != '\n')
                pos++;
            return next(word, strict);
        }
        word.clear();
        bool dquote = false, squote = false;
        while (pos < s.size()) {
            c = s[pos];
            if (squote) {
                if (c == '\'') {
                    squote = false;
                    pos++;
                    continue;
                }
                word += c;
                pos++;
                continue;
            }
            if (!dquote && (c == ' ' || c == '\t' || c == ';' || c == '\n'))
                break;
            if (c == '\\') {
                if (pos + 1 >= s.size()) {
                    if (strict) {
                        printError("dangling \\");
                        return Error;
                    }
                    pos++;
                    break;
                }
                word += s[pos + 1];
                pos += 2;
                continue;
            }
            if (c == '"') {
                dquote = !dquote;
                pos++;
                continue;
            }
            if (!dquote && c == '\'') {
                squote = true;
                pos++;
                continue;
            }
            word += c;
            pos++;
        }
        if (dquote && strict) {
            printError("missing \"");
            return Error;
        }
        return Word;
    }
};

}  // namespace

bool parseString(Ctl &, const std::string &text, std::vector<Cmd> &out)
{
    out.clear();
    Tokenizer tok(text);
    std::vector<std::string> words;
    std::string word;
    for (;;) {
        Tokenizer::Result r = tok.next(word, true);
        if (r == Tokenizer::Error)
            return false;
        if (r == Tokenizer::Word) {
            words.push_back(word);
            continue;
        }
        if (!words.empty()) {
            Cmd cmd;
            if (!parseWords(words, cmd)) {
                out.clear();
                return false;
            }
            out.push_back(std::move(cmd));
            words.clear();
        }
        if (r == Tokenizer::End)
            break;
    }
    return true;
}

std::vector<std::string> splitWordsLoose(const std::string &text, bool *endsInWord)
{
    Tokenizer tok(text);
    std::vector<std::string> words;
    std::string word;
    for (;;) {
        Tokenizer::Result r = tok.next(word, false);
        if (r == Tokenizer::Word) {
            words.push_back(word);
        } else if (r == Tokenizer::EndCommand) {
            words.clear();
        } else {
            break;
        }
    }
    if (endsInWord) {
        *endsInWord = !text.empty() && text.back() != ' ' && text.back() != '\t' &&
                      text.back() != ';' && !words.empty();
    }
    return words;
}

// ---------------------------------------------------------------------------
// Running

static double nowMs()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

bool runCommand(Ctl &ctl, const Cmd &cmd)
{
    const CmdDef *def = cmd.def;
    bool isQuit = strcmp(def->name, "quit") == 0 || strcmp(def->name, "exit") == 0;
    double start = ctl.timing ? nowMs() : 0;
    bool ok;

    resetError(ctl);
    if (!(def->flags & CMD_NOCONNECT) && !ctl.conn) {
        ok = connectHypervisor(ctl, ctl.haveConnname ? ctl.connname.c_str() : nullptr,
                               ctl.readonly);
    } else {
        ok = true;
    }
    if (ok) {
        ok = def->handler(ctl, cmd);
        if (!ok)
            reportError(ctl);
    }
    resetError(ctl);

    if (isQuit)
        return ok;
    if (ctl.timing)
        print("\n(Time: %.3f ms)\n\n", nowMs() - start);
    else
        printExtra(ctl, "\n");
    fflush(stdout);
    return ok;
}

bool runCommands(Ctl &ctl, const std::vector<Cmd> &cmds, bool *quitRequested)
{
    bool ok = true;
    for (const Cmd &cmd : cmds) {
        ok = runCommand(ctl, cmd);
        if (strcmp(cmd.def->name, "quit") == 0 || strcmp(cmd.def->name, "exit") == 0) {
            if (quitRequested)
                *quitRequested = true;
            break;
        }
    }
    return ok;
}

// ---------------------------------------------------------------------------
// Option accessors

int optString(Ctl &, const Cmd &cmd, const char *name, const char **value)
{
    const std::string *v = cmd.get(name);
    if (!v)
        return 0;
    if (v->empty()) {
        printError("Failed to get option '%s': Option argument is empty", name);
        return -1;
    }
    *value = v->c_str();
    return 1;
}

static void numericError(const char *name, const std::string &v)
{
    printError("Numeric value '%s' for <%s> option is malformed or out of range", v.c_str(),
               name);
}

// strtol-like parse: leading blanks and sign allowed, whole string must be
// consumed, base 10.
static bool parseLongLong(const std::string &s, long long *out)
{
    if (s.empty())
        return false;
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str() || *end != '\0')
        return false;
    *out = v;
    return true;
}

static bool parseULongLongPositive(const std::string &s, unsigned long long *out, char **endOut)
{
    // Reject negative numbers explicitly (strtoull silently wraps them).
    const char *p = s.c_str();
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\v' || *p == '\f' || *p == '\r')
        p++;
    if (*p == '-')
        return false;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str())
        return false;
    *out = v;
    *endOut = end;
    return true;
}

int optInt(Ctl &, const Cmd &cmd, const char *name, int *value)
{
    const std::string *v = cmd.get(name);
    if (!v)
        return 0;
    long long n;
    if (!parseLongLong(*v, &n) || n < INT_MIN || n > INT_MAX) {
        numericError(name, *v);
        return -1;
    }
    *value = static_cast<int>(n);
    return 1;
}

int optUInt(Ctl &, const Cmd &cmd, const char *name, unsigned int *value)
{
    const std::string *v = cmd.get(name);
    if (!v)
        return 0;
    unsigned long long n;
    char *end = nullptr;
    if (!parseULongLongPositive(*v, &n, &end) || *end != '\0' || n > UINT_MAX) {
        numericError(name, *v);
        return -1;
    }
    *value = static_cast<unsigned int>(n);
    return 1;
}

int optScaled(Ctl &ctl, const Cmd &cmd, const char *name, unsigned long long *bytes,
              unsigned long long scale, unsigned long long max)
{
    const std::string *v = cmd.get(name);
    if (!v)
        return 0;
    auto fail = [&](const std::string &detail) {
        printError("Scaled numeric value '%s' for <%s> option is malformed or out of range",
                   v->c_str(), name);
        if (!detail.empty()) {
            ctl.havePending = true;
            ctl.pending = detail;
        }
        return -1;
    };
    unsigned long long n;
    char *end = nullptr;
    if (!parseULongLongPositive(*v, &n, &end))
        return fail("");
    const char *suffix = end;
    unsigned long long mult;
    if (!*suffix) {
        mult = scale;
    } else if (strcasecmp(suffix, "b") == 0 || strcasecmp(suffix, "byte") == 0 ||
               strcasecmp(suffix, "bytes") == 0) {
        mult = 1;
    } else {
        static const char units[] = "kmgtpe";
        const char *u = strchr(units, suffix[0] | 0x20);
        const char *rest = suffix + 1;
        unsigned long long base;
        if (!u || suffix[0] == '\0') {
            base = 0;
        } else if (!*rest || strcasecmp(rest, "iB") == 0) {
            base = 1024;
        } else if ((rest[0] == 'b' || rest[0] == 'B') && !rest[1]) {
            base = 1000;
        } else {
            base = 0;
        }
        if (!base)
            return fail(strprintf("invalid argument: unknown suffix '%s'", suffix));
        mult = 1;
        for (long i = 0; i <= u - units; i++)
            mult *= base;
    }
    if (mult && n > max / mult)
        return fail(strprintf("numerical overflow: value too large: %s", v->c_str()));
    *bytes = n * mult;
    return 1;
}

bool exclusive(Ctl &, const Cmd &cmd, const char *a, const char *b)
{
    if (cmd.has(a) && cmd.has(b)) {
        printError("Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

bool requireOpt(Ctl &, const Cmd &cmd, const char *a, const char *b)
{
    if (cmd.has(a) && !cmd.has(b)) {
        printError("Option --%s is required by option --%s", b, a);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Help

bool printCommandHelp(Ctl &, const CmdDef *def)
{
    std::string out;
    out += strprintf("  NAME\n    %s - %s\n", def->name, def->summary);

    out += "\n  SYNOPSIS\n    ";
    out += def->name;
    bool haveOpts = false;
    for (const OptDef *o = def->opts; o && o->name; o++) {
        switch (o->type) {
        case OptType::Alias:
            continue;
        case OptType::Bool:
            out += strprintf(" [--%s]", o->name);
            break;
        case OptType::String:
        case OptType::Number:
            if (o->flags & OPT_REQ)
                out += strprintf(" <%s>", o->name);
            else
                out += strprintf(" [--%s <%s>]", o->name, typeWord(o));
            break;
        case OptType::Argv:
            if (o->flags & OPT_REQ)
                out += strprintf(" <%s>...", o->name);
            else
                out += strprintf(" [[--%s] <string>]...", o->name);
            break;
        }
        haveOpts = true;
    }
    out += "\n";

    if (def->description) {
        out += "\n  DESCRIPTION\n";
        const char *p = def->description;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? static_cast<size_t>(nl - p) : strlen(p);
            out += "    ";
            out.append(p, len);
            out += "\n";
            p += len;
            if (*p == '\n')
                p++;
        }
    }

    if (haveOpts) {
        out += "\n  OPTIONS\n";
        for (const OptDef *o = def->opts; o && o->name; o++) {
            std::string left;
            switch (o->type) {
            case OptType::Alias:
                continue;
            case OptType::Bool:
                left = strprintf("--%s", o->name);
                break;
            case OptType::String:
            case OptType::Number:
                if (o->flags & OPT_REQ)
                    left = strprintf("[--%s] <%s>", o->name, typeWord(o));
                else
                    left = strprintf("--%s <%s>", o->name, typeWord(o));
                break;
            case OptType::Argv:
                left = strprintf("[--%s] <string>", o->name);
                break;
            }
            out += strprintf("    %-15s  %s\n", left.c_str(), o->help);
        }
    }
    out += "\n";
    fputs(out.c_str(), stdout);
    return true;
}

void printGroupHelp(const CmdGroup *group, bool withColon)
{
    print(" %s (help keyword '%s')%s\n", group->title, group->keyword, withColon ? ":" : "");
    for (const CmdDef *c = group->cmds; c->name; c++)
        print("    %-30s %s\n", c->name, c->summary);
}

// ---------------------------------------------------------------------------
// Built-in commands

static bool cmdHelp(Ctl &ctl, const Cmd &cmd)
{
    const std::string *opt = cmd.get("command");
    const char *name = opt && !opt->empty() ? opt->c_str() : nullptr;
    if (!name) {
        print("Commands by group:\n\n");
        for (const CmdGroup *g = commandGroups(); g->title; g++) {
            printGroupHelp(g, true);
            print("\n");
        }
        return true;
    }
    if (const CmdDef *def = findCommand(name))
        return printCommandHelp(ctl, def);
    for (const CmdGroup *g = commandGroups(); g->title; g++) {
        if (strcmp(g->keyword, name) == 0) {
            printGroupHelp(g, true);
            return true;
        }
    }
    printError("command or command group '%s' doesn't exist", name);
    return false;
}

static bool cmdQuit(Ctl &, const Cmd &)
{
    return true;
}

static bool cmdConnect(Ctl &ctl, const Cmd &cmd)
{
    const std::string *nameOpt = cmd.get("name");
    const char *name = nameOpt ? nameOpt->c_str() : nullptr;
    // Like virsh, a read-only session stays read-only.
    bool ro = cmd.has("readonly") || ctl.readonly;

    disconnectHypervisor(ctl);
    std::string uri = name ? std::string(name) : ctl.connname;
    bool haveUri = name ? true : ctl.haveConnname;
    if (!connectHypervisor(ctl, haveUri ? uri.c_str() : nullptr, ro))
        return false;
    ctl.connname = uri;
    ctl.haveConnname = haveUri;
    ctl.readonly = ro;
    return true;
}

static std::string shellQuote(const std::string &s)
{
    static const char safe[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    if (!s.empty() && s.find_first_not_of(safe) == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += "'";
    return out;
}

static bool cmdEcho(Ctl &, const Cmd &cmd)
{
    bool shell = cmd.has("shell");
    bool xml = cmd.has("xml");
    std::string out;
    bool first = true;
    for (const std::string &w : cmd.argv("string")) {
        std::string v = w;
        if (xml)
            v = xmlEscape(v);
        if (shell)
            v = shellQuote(v);
        if (!first)
            out += ' ';
        out += v;
        first = false;
    }
    if (cmd.has("err")) {
        printError("%s", out.c_str());
    } else {
        fputs(out.c_str(), stdout);
    }
    return true;
}

static const OptDef optsHelp[] = {
    {"command", OptType::String, 0, "name of a command, or keyword of a group"},
    {nullptr, OptType::Bool, 0, nullptr},
};
static const OptDef optsNone[] = {
    {nullptr, OptType::Bool, 0, nullptr},
};
static const OptDef optsConnect[] = {
    {"name", OptType::String, 0, "URI to connect to (default: the current one)"},
    {"readonly", OptType::Bool, 0, "open the connection without write access"},
    {nullptr, OptType::Bool, 0, nullptr},
};
static const OptDef optsEcho[] = {
    {"shell", OptType::Bool, 0, "quote words so a POSIX shell reads them back"},
    {"xml", OptType::Bool, 0, "escape XML special characters"},
    {"err", OptType::Bool, 0, "print as an error message on stderr"},
    {"string", OptType::Argv, 0, "the words to print"},
    {nullptr, OptType::Bool, 0, nullptr},
};

const CmdDef shellCommands[] = {
    {"connect", cmdConnect, optsConnect, "open a new hypervisor connection",
     "Close the current connection and open another one; without a URI\n"
     "the same URI is opened again.",
     CMD_NOCONNECT},
    {"echo", cmdEcho, optsEcho, "print words back",
     "Print the words after parsing and unquoting, separated by spaces.",
     CMD_NOCONNECT},
    {"exit", cmdQuit, optsNone, "end the session", nullptr, CMD_NOCONNECT},
    {"help", cmdHelp, optsHelp, "describe commands and groups",
     "With no argument, list every command by group. Given a command,\n"
     "show its synopsis and options; given a group keyword, list that group.",
     CMD_NOCONNECT},
    {"quit", cmdQuit, optsNone, "end the session", nullptr, CMD_NOCONNECT},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace virthub
