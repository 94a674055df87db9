// Rejecting unknown flags, as every libvirt driver does on every call.
#pragma once

#include <cctype>
#include <string>

#include "util/error.h"

namespace vh::drv {

// libvirt names the driver function in the error: "unsupported flags (0x4) in function
// testDomainShutdownFlags" for slot domainShutdownFlags of driver "test".
inline Error unsupportedFlags(int domain, const char *driver, const char *slot, unsigned int bad)
{
    std::string name = std::string(driver) + static_cast<char>(toupper(slot[0])) + (slot + 1);
    return Error::unsupportedFlags(domain, name.c_str(), bad);
}

} // namespace vh::drv

// In a driver method named after its slot: return the error when flags has bits outside allowed.
#define VH_CHECK_FLAGS(domain, driver, flags, allowed)                                       \
    do {                                                                                     \
        if ((flags) & ~(allowed))                                                            \
            return ::vh::drv::unsupportedFlags((domain), (driver), __func__, (flags) & ~(allowed)); \
    } while (0)
