// virDomainScreenshot: QEMU's screendump writes the screen of a video adapter to a file (PPM,
// in QEMU 7.2), which the stream then carries; the file is gone once the stream has it open.
#include <fcntl.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/fd_stream.h"
#include "drivers/qemu/graphics.h"
#include "drivers/qemu/qemu_driver.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

Result<std::string> QemuDriver::domainScreenshot(virDomainPtr domain, virStreamPtr stream, unsigned int screen,
                                                 unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    const conf::DomainDef &def = *(*obj)->def;
    if (!hasScreens(def))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "no screens to take screenshot from");
    Json args = Json::object();
    if (screen) {
        // screens count through the heads of each adapter in turn
        size_t i = 0;
        unsigned int head = screen;
        for (; i < def.devices.videos.size(); ++i) {
            if (head < def.devices.videos[i].heads)
                break;
            head -= def.devices.videos[i].heads;
        }
        if (i == def.devices.videos.size())
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "no such screen ID");
        args["device"] = "video" + std::to_string(i);
        args["head"] = head;
    }
    std::string tmp = st_->paths.run + "/" + def.name + ".screendump.XXXXXX";
    int fd = mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "failed to create temporary file for screenshot");
    close(fd);
    args["filename"] = tmp;
    auto dumped = (*obj)->monitor->execute("screendump", args);
    fd = dumped ? ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC) : -1;
    int err = errno;
    unlink(tmp.c_str());
    if (!dumped)
        return std::move(dumped).error();
    if (fd < 0)
        return Error::system(VIR_FROM_QEMU, err, "unable to open " + tmp);
    VH_TRY(openFdStream(stream, fd));
    return std::string("image/x-portable-pixmap");
}

} // namespace vh::drv::qemu
