// QEMU processes: started detached from the managing process (their own session, output to
// the guest's log), watched and stopped through a pidfd, so a process that did not start the
// guest (after a restart) can stop it too, and the one that did reaps it at once.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

#include "util/result.h"

namespace vh::drv::qemu {

class Process {
public:
    Process() = default;
    ~Process();
    Process(Process &&o) noexcept;
    Process &operator=(Process &&o) noexcept;

    // Starts argv[0] with argv, stdin from /dev/null, stdout and stderr appended to logPath.
    static Result<Process> spawn(const std::vector<std::string> &argv, const std::string &logPath);
    // A process started by another manager: alive, and started at startTime (the kernel's
    // start time, so a reused pid is not mistaken for the guest), or an error.
    static Result<Process> attach(pid_t pid, unsigned long long startTime);

    pid_t pid() const { return pid_; }
    // The kernel's start time of the process (field 22 of /proc/PID/stat), 0 if it has exited.
    static unsigned long long startTime(pid_t pid);
    bool running() const;
    // SIGTERM, then SIGKILL when it has not exited within grace; returns once it is gone.
    Result<void> stop(std::chrono::milliseconds grace);
    // Waits up to timeout for the process to exit (reaping it when it is our child).
    bool waitExit(std::chrono::milliseconds timeout);

private:
    Process(pid_t pid, int pidfd, bool child) : pid_(pid), pidfd_(pidfd), child_(child) {}
    void reap();

    pid_t pid_ = -1;
    int pidfd_ = -1;
    bool child_ = false;
};

} // namespace vh::drv::qemu
