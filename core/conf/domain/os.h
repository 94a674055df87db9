// How the guest boots: <bootloader>, <bootloader_args> and <os> (type, arch, machine, boot
// order, kernel/initrd/cmdline/dtb, init for containers).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/xml.h"

namespace vh::conf {

struct OsDef {
    std::string type;                  // hvm, xen, linux, exe, uml, xenpvh
    std::string arch;
    std::string machine;
    std::vector<std::string> boot;     // boot devices in order: hd, cdrom, fd, network
    std::optional<bool> bootmenu;
    std::string kernel, initrd, cmdline, dtb;
    std::string init;
    std::string bootloader, bootloaderArgs;
    std::vector<std::string> raw;      // first model: other <os> children kept as written

    static Result<OsDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
