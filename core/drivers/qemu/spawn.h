// Short-lived helper programs (a QEMU binary asked for its capabilities, qemu-img): run
// without a shell, since paths may come from a domain's XML, and their output collected.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace vh::drv::qemu {

struct ProgramOutput {
    bool ran = false;          // the program could be started
    int exitStatus = -1;       // its exit code; -1 when it was killed or did not finish
    std::string out, err;

    bool ok() const { return ran && exitStatus == 0; }
};

// Runs argv (argv[0] looked up in PATH when it has no '/') with stdin on /dev/null and
// collects stdout and stderr; a program still running after timeout is killed.
ProgramOutput runProgram(const std::vector<std::string> &argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

} // namespace vh::drv::qemu
