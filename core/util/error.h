// vh::Error: a libvirt error as a value. Core code returns it (inside vh::Result); only the
// C entry points turn it into libvirt's thread-local last error (ARCHITECTURE.md decision 4).
#pragma once

#include <string>

namespace vh {

struct Error {
    int code = 0;              // virErrorNumber
    int domain = 0;            // virErrorDomain
    int level = 2;             // virErrorLevel: VIR_ERR_ERROR
    std::string message;       // empty for unsupported(): the entry point names the function
    std::string str1, str2, str3;
    int int1 = -1, int2 = -1;

    // VIR_ERR_NO_SUPPORT for the calling public function; a driver table's default answer.
    static Error unsupported();

    // code's message from libvirt's table, with `detail` in place of its %s when given.
    static Error make(int domain, int code, const std::string &detail = {});
    // As make(), with a printf-style detail.
    static Error format(int domain, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
    // code with exactly this message (libvirt's errors that carry no code prefix).
    static Error plain(int domain, int code, std::string message);
    // VIR_ERR_INVALID_ARG as virCheck*Arg reports it: "<arg> in <function> must ...".
    static Error invalidArg(int domain, const char *function, const char *arg, const char *what);
    // VIR_ERR_INVALID_ARG "unsupported flags (0x..) in function <function>".
    static Error unsupportedFlags(int domain, const char *function, unsigned int flags);
    // VIR_ERR_SYSTEM_ERROR: message followed by ": strerror(errnum)".
    static Error system(int domain, int errnum, const std::string &message);
};

// libvirt's message for an error code: without detail, and with "%s" for the detail.
struct ErrorMessage {
    int code;
    const char *bare;
    const char *withInfo;
};
// How an error domain is named when printed ("Test Driver").
struct ErrorDomainName {
    int domain;
    const char *name;
};
extern const ErrorMessage kErrorMessages[];        // generated from api/error.yaml
extern const ErrorDomainName kErrorDomainNames[];  // generated from api/error.yaml

const char *errorDomainName(int domain);

// printf into a std::string.
std::string strprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace vh
