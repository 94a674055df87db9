// virthub shell: interactive mode.
//
// On a terminal, lines are read with GNU readline (line editing, history
// kept in ~/.cache/virthub/history, tab completion of command names, their
// options and domain names).  When standard input is not a terminal the
// lines are read plainly; the prompt and each line read are echoed the way
// readline does it for a non-terminal, so a piped script produces the same
// transcript as virsh, without any terminal control sequences.
#include "command.h"
#include "output.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace virthub {

namespace {

Ctl *gCtl = nullptr;
std::vector<std::string> gCandidates;
size_t gCandidateIndex = 0;

char *candidateGenerator(const char *text, int state)
{
    if (state == 0)
        gCandidateIndex = 0;
    size_t len = strlen(text);
    while (gCandidateIndex < gCandidates.size()) {
        const std::string &c = gCandidates[gCandidateIndex++];
        if (c.compare(0, len, text) == 0)
            return strdup(c.c_str());
    }
    return nullptr;
}

void addDomainNames()
{
    if (!gCtl || !gCtl->conn)
        return;
    virDomainPtr *doms = nullptr;
    int n = virConnectListAllDomains(gCtl->conn, &doms, 0);
    if (n < 0) {
        resetError(*gCtl);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (const char *name = virDomainGetName(doms[i]))
            gCandidates.push_back(name);
        virDomainFree(doms[i]);
    }
    free(doms);
}

bool isFileOption(const char *name)
{
    return strcmp(name, "file") == 0 || strcmp(name, "xml") == 0;
}

char **complete(const char *text, int start, int)
{
    rl_attempted_completion_over = 1;
    gCandidates.clear();

    // Words of the current command before the word being completed.
    std::string before(rl_line_buffer, static_cast<size_t>(start));
    bool endsInWord = false;
    std::vector<std::string> words = splitWordsLoose(before, &endsInWord);

    if (words.empty()) {
        for (const CmdGroup *g = commandGroups(); g->title; g++)
            for (const CmdDef *c = g->cmds; c->name; c++)
                gCandidates.push_back(c->name);
        return rl_completion_matches(text, candidateGenerator);
    }

    const CmdDef *def = findCommand(words[0].c_str());
    if (!def)
        return nullptr;

    if (text[0] == '-') {
        for (const OptDef *o = def->opts; o && o->name; o++) {
            if (o->type == OptType::Alias)
                continue;
            gCandidates.push_back(std::string("--") + o->name);
        }
        return rl_completion_matches(text, candidateGenerator);
    }

    // Which option does this word give a value to?
    const OptDef *target = nullptr;
    const std::string &prev = words.back();
    if (words.size() > 1 && prev.size() > 2 && prev.compare(0, 2, "--") == 0 &&
        prev.find('=') == std::string::npos) {
        for (const OptDef *o = def->opts; o && o->name; o++)
            if (prev.compare(2, std::string::npos, o->name) == 0 && o->type != OptType::Bool)
                target = o;
    }
    if (!target) {
        // Positional: the next value-taking option not given yet.
        std::vector<std::string> given;
        size_t positional = 0;
        for (size_t i = 1; i < words.size(); i++) {
            const std::string &w = words[i];
            if (w.size() > 2 && w.compare(0, 2, "--") == 0) {
                std::string n = w.substr(2);
                size_t eq = n.find('=');
                bool inlineValue = eq != std::string::npos;
                if (inlineValue)
                    n.resize(eq);
                given.push_back(n);
                for (const OptDef *o = def->opts; o && o->name; o++)
                    if (n == o->name && o->type != OptType::Bool && !inlineValue)
                        i++;
            } else {
                positional++;
            }
        }
        for (const OptDef *o = def->opts; o && o->name; o++) {
            if (o->type == OptType::Bool || o->type == OptType::Alias)
                continue;
            bool isGiven = false;
            for (const auto &g : given)
                if (g == o->name)
                    isGiven = true;
            if (isGiven)
                continue;
            if (positional == 0 || o->type == OptType::Argv) {
                target = o;
                break;
            }
            positional--;
        }
    }
    if (!target)
        return nullptr;
    if (strcmp(target->name, "domain") == 0) {
        addDomainNames();
        return rl_completion_matches(text, candidateGenerator);
    }
    if (isFileOption(target->name)) {
        rl_attempted_completion_over = 0;
        return nullptr;  // readline's filename completion
    }
    return nullptr;
}

std::string historyPath()
{
    const char *cache = getenv("XDG_CACHE_HOME");
    std::string dir;
    if (cache && *cache) {
        dir = cache;
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home)
            return std::string();
        dir = std::string(home) + "/.cache";
    }
    mkdir(dir.c_str(), 0700);
    dir += "/virthub";
    mkdir(dir.c_str(), 0700);
    return dir + "/history";
}

// Reads one line from a non-terminal stdin; returns false at end of input.
bool readPlainLine(std::string &line)
{
    line.clear();
    int c;
    bool any = false;
    while ((c = getchar()) != EOF) {
        any = true;
        if (c == '\n')
            return true;
        line += static_cast<char>(c);
    }
    return any;
}

}  // namespace

int runInteractive(Ctl &ctl)
{
    ctl.interactive = true;
    gCtl = &ctl;
    bool tty = isatty(STDIN_FILENO) != 0;

    printExtra(ctl,
               "Welcome to %s, the virtualization interactive terminal.\n\n"
               "Type:  'help' for help with commands\n"
               "       'quit' to quit\n\n",
               ctl.progname);

    std::string history;
    if (tty) {
        rl_readline_name = "virthub";
        rl_attempted_completion_function = complete;
        rl_basic_word_break_characters = const_cast<char *>(" \t\n;");
        using_history();
        stifle_history(500);
        history = historyPath();
        if (!history.empty())
            read_history(history.c_str());
    }

    for (;;) {
        const char *prompt = ctl.readonly ? "virthub > " : "virthub # ";
        std::string line;
        if (tty) {
            fflush(stdout);
            char *l = readline(prompt);
            if (!l)
                break;
            line = l;
            free(l);
            if (!line.empty())
                add_history(line.c_str());
        } else {
            fputs(prompt, stdout);
            fflush(stdout);
            if (!readPlainLine(line))
                break;
            fputs(line.c_str(), stdout);
            fputc('\n', stdout);
        }

        std::vector<Cmd> cmds;
        if (!parseString(ctl, line, cmds))
            continue;
        bool quit = false;
        runCommands(ctl, cmds, &quit);
        if (quit)
            break;
    }

    if (tty && !history.empty())
        write_history(history.c_str());
    print("\n");
    return 0;
}

}  // namespace virthub
