// virConnectAuthPtrDefault: credentials asked for on the terminal, for command-line tools.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <termios.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

namespace {

// Reads one line from the terminal (or stdin), without echo when asked.
bool readLine(const char *prompt, bool echo, std::string &out)
{
    FILE *tty = fopen("/dev/tty", "r+");
    FILE *in = tty ? tty : stdin;
    FILE *promptTo = tty ? tty : stderr;
    fprintf(promptTo, "%s: ", prompt);
    fflush(promptTo);
    termios saved{};
    bool restore = false;
    if (!echo && isatty(fileno(in)) && tcgetattr(fileno(in), &saved) == 0) {
        termios quiet = saved;
        quiet.c_lflag &= ~ECHO;
        restore = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
    }
    char buf[1024];
    bool ok = fgets(buf, sizeof(buf), in) != nullptr;
    if (restore) {
        tcsetattr(fileno(in), TCSAFLUSH, &saved);
        fputc('\n', promptTo);
    }
    if (tty)
        fclose(tty);
    if (!ok)
        return false;
    out = buf;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return true;
}

int promptCredentials(virConnectCredentialPtr cred, unsigned int ncred, void *)
{
    for (unsigned int i = 0; i < ncred; i++) {
        bool echo = true;
        switch (cred[i].type) {
        case VIR_CRED_USERNAME:
        case VIR_CRED_AUTHNAME:
        case VIR_CRED_ECHOPROMPT:
        case VIR_CRED_REALM:
            break;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT:
            echo = false;
            break;
        default:
            return -1;
        }
        std::string answer;
        if (!readLine(cred[i].prompt ? cred[i].prompt : "Value", echo, answer))
            return -1;
        if (answer.empty() && cred[i].defresult)
            answer = cred[i].defresult;
        cred[i].result = strdup(answer.c_str());
        if (!cred[i].result)
            return -1;
        cred[i].resultlen = static_cast<unsigned int>(answer.size());
    }
    return 0;
}

int credentialTypes[] = {
    VIR_CRED_AUTHNAME, VIR_CRED_ECHOPROMPT, VIR_CRED_REALM, VIR_CRED_PASSPHRASE,
    VIR_CRED_NOECHOPROMPT, VIR_CRED_EXTERNAL,
};

virConnectAuth defaultAuth = {credentialTypes, sizeof(credentialTypes) / sizeof(credentialTypes[0]), promptCredentials, nullptr};

} // namespace

extern "C" {
virConnectAuthPtr virConnectAuthPtrDefault = &defaultAuth;
}
