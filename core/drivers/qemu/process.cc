#include "drivers/qemu/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/virterror.h>

namespace vh::drv::qemu {

namespace {

int pidfdOpen(pid_t pid)
{
    return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

int pidfdSignal(int pidfd, int sig)
{
    return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

} // namespace

Process::~Process()
{
    if (pidfd_ >= 0)
        close(pidfd_);
}

Process::Process(Process &&o) noexcept : pid_(o.pid_), pidfd_(o.pidfd_), child_(o.child_)
{
    o.pid_ = -1;
    o.pidfd_ = -1;
}

Process &Process::operator=(Process &&o) noexcept
{
    if (this != &o) {
        if (pidfd_ >= 0)
            close(pidfd_);
        pid_ = o.pid_;
        pidfd_ = o.pidfd_;
        child_ = o.child_;
        o.pid_ = -1;
        o.pidfd_ = -1;
    }
    return *this;
}

Result<Process> Process::spawn(const std::vector<std::string> &argv, const std::string &logPath)
{
    int log = open(logPath.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log < 0)
        return Error::system(VIR_FROM_QEMU, errno, "cannot open log file " + logPath);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    // an exec failure reaches the parent through this pipe
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        close(log);
        close(devnull);
        return Error::system(VIR_FROM_QEMU, errno, "cannot create a pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
        // the child: only async-signal-safe calls until exec
        setsid();
        dup2(devnull, STDIN_FILENO);
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(args[0], args.data());
        int err = errno;
        ssize_t ignored = write(errpipe[1], &err, sizeof err);
        (void)ignored;
        _exit(127);
    }
    int forkErr = errno;
    close(errpipe[1]);
    close(log);
    close(devnull);
    if (pid < 0) {
        close(errpipe[0]);
        return Error::system(VIR_FROM_QEMU, forkErr, "cannot fork " + argv[0]);
    }
    int execErr = 0;
    ssize_t got = read(errpipe[0], &execErr, sizeof execErr);
    close(errpipe[0]);
    if (got == sizeof execErr) {
        waitpid(pid, nullptr, 0);
        return Error::system(VIR_FROM_QEMU, execErr, "cannot execute " + argv[0]);
    }
    return Process(pid, pidfdOpen(pid), true);
}

unsigned long long Process::startTime(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    // the command name may hold spaces and parentheses: fields count from the last ')'
    size_t end = stat.rfind(')');
    if (end == std::string::npos)
        return 0;
    std::istringstream rest(stat.substr(end + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
        if (i == 3 && (field == "Z" || field == "X"))
            return 0;     // exited, not yet reaped
        if (i == 22)
            return std::stoull(field);
    }
    return 0;
}

Result<Process> Process::attach(pid_t pid, unsigned long long startTime)
{
    if (pid <= 0 || Process::startTime(pid) != startTime || startTime == 0)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "QEMU process " + std::to_string(pid) + " is gone");
    int fd = pidfdOpen(pid);
    if (fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "cannot watch QEMU process " + std::to_string(pid));
    // still the same process once we hold the pidfd
    if (Process::startTime(pid) != startTime) {
        close(fd);
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "QEMU process " + std::to_string(pid) + " is gone");
    }
    // our child only if we started it: waitpid tells
    bool child = waitpid(pid, nullptr, WNOHANG) == 0;
    return Process(pid, fd, child);
}

bool Process::running() const
{
    if (pidfd_ < 0)
        return false;
    pollfd p{pidfd_, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
}

void Process::reap()
{
    if (child_)
        waitpid(pid_, nullptr, 0);
    child_ = false;
}

bool Process::waitExit(std::chrono::milliseconds timeout)
{
    if (pidfd_ < 0)
        return true;
    pollfd p{pidfd_, POLLIN, 0};
    int n;
    do {
        n = poll(&p, 1, static_cast<int>(timeout.count()));
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        return false;
    reap();
    return true;
}

Result<void> Process::stop(std::chrono::milliseconds grace)
{
    if (pidfd_ < 0 || !running()) {
        reap();
        return {};
    }
    pidfdSignal(pidfd_, SIGTERM);
    if (waitExit(grace))
        return {};
    pidfdSignal(pidfd_, SIGKILL);
    if (waitExit(std::chrono::seconds(10)))
        return {};
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED,
                       "QEMU process " + std::to_string(pid_) + " did not exit after SIGKILL");
}

} // namespace vh::drv::qemu
