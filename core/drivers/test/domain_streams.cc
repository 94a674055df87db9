// The test driver's streams: virDomainScreenshot gives a PNG, as libvirt's test driver does
// (whatever the screen number and the domain's state); the image is drawn here.
#include <sys/mman.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/fd_stream.h"
#include "drivers/test/test_driver.h"
#include "util/png.h"

namespace vh::drv::test {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_TEST, "test", flags, allowed)

namespace {

// A 64x48 gradient: recognisable, and small enough to read in one Recv.
const std::string &testScreen()
{
    static const std::string png = [] {
        constexpr unsigned w = 64, h = 48;
        std::vector<uint8_t> rgb;
        rgb.reserve(w * h * 3);
        for (unsigned y = 0; y < h; ++y)
            for (unsigned x = 0; x < w; ++x)
                rgb.insert(rgb.end(), {static_cast<uint8_t>(x * 4), static_cast<uint8_t>(y * 5), 0x80});
        return encodePng(w, h, rgb);
    }();
    return png;
}

} // namespace

Result<std::string> TestDriver::domainScreenshot(virDomainPtr domain, virStreamPtr stream, unsigned int, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    {
        std::unique_lock<std::mutex> g;
        auto obj = find(domain, g);
        if (!obj)
            return std::move(obj).error();
    }
    int fd = memfd_create("test-screenshot", MFD_CLOEXEC);
    if (fd < 0)
        return Error::system(VIR_FROM_TEST, errno, "cannot create the screenshot");
    const std::string &png = testScreen();
    if (write(fd, png.data(), png.size()) != static_cast<ssize_t>(png.size()) || lseek(fd, 0, SEEK_SET) != 0) {
        int err = errno;
        close(fd);
        return Error::system(VIR_FROM_TEST, err, "cannot write the screenshot");
    }
    VH_TRY(openFdStream(stream, fd));
    return std::string("image/png");
}

} // namespace vh::drv::test
