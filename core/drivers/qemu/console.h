// A running guest's serial ports and consoles: where QEMU put their ptys (the live XML shows
// them, as libvirt's does), and the console sessions virDomainOpenConsole hands out over them.
#pragma once

#include <vector>

#include "conf/domain/domain_def.h"
#include "drivers/qemu/monitor.h"

namespace vh::drv::qemu {

// The character devices QEMU gets as charserial0, 1, ... in buildCommandLine's order.
std::vector<const conf::ChardevDef *> guestSerials(const conf::DomainDef &def);

// At start: the aliases serialN, and each pty's path from QMP query-chardev, in the
// definition that runs.
Result<void> recordPtys(conf::DomainDef &def, Monitor &monitor);

} // namespace vh::drv::qemu
