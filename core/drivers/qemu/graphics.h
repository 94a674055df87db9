// The guest's display: <video> adapters (-device VGA, cirrus-vga, virtio-vga, bochs-display)
// and a VNC server (-vnc) on a unix socket or a TCP address. QEMU keeps "-display none": VNC is
// a display of its own, and nothing opens a window.
#pragma once

#include <string>
#include <vector>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv::qemu {

// The video and graphics devices this driver maps; the first it does not is
// VIR_ERR_CONFIG_UNSUPPORTED (part of validateForQemu).
Result<void> validateDisplay(const conf::DomainDef &def);

// Before start, in the definition that will run: a port for each autoport VNC server (the
// first free one from 5900 on its address), the loopback address where none is given, and a
// socket under runDir for a socket listen without a path, as libvirt's live XML shows them.
Result<void> assignDisplay(conf::DomainDef &def, const std::string &runDir);

// -device for the video adapters, -vnc for the VNC server.
void appendDisplay(const conf::DomainDef &def, std::vector<std::string> &argv);

// The adapters that show something (model 'none' does not).
bool hasScreens(const conf::DomainDef &def);

} // namespace vh::drv::qemu
