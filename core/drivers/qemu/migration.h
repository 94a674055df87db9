// A guest's state through QEMU's migration stream, to and from a file descriptor (save
// images, managed save). QEMU reads or writes the descriptor itself; we wait for it.
#pragma once

#include "drivers/qemu/monitor.h"
#include "util/result.h"

namespace vh::drv::qemu {

// Writes the paused guest's state to fd at its current offset, at full speed.
Result<void> sendState(Monitor &monitor, int fd);
// Loads the state into a QEMU started with -incoming defer, from fd at its current offset.
Result<void> receiveState(Monitor &monitor, int fd);

} // namespace vh::drv::qemu
