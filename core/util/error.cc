#include "util/error.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <libvirt/virterror.h>

namespace vh {

namespace {

std::string vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, copy);
    va_end(copy);
    if (n < 0)
        return {};
    if (static_cast<size_t>(n) < sizeof(small))
        return std::string(small, n);
    std::string out(n, '\0');
    vsnprintf(out.data(), n + 1, fmt, ap);
    return out;
}

const ErrorMessage *lookup(int code)
{
    for (const ErrorMessage *m = kErrorMessages; m->bare; m++)
        if (m->code == code)
            return m;
    return nullptr;
}

} // namespace

std::string strprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::string s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

Error Error::unsupported()
{
    Error e;
    e.code = VIR_ERR_NO_SUPPORT;
    return e;
}

Error Error::make(int domain, int code, const std::string &detail)
{
    Error e;
    e.code = code;
    e.domain = domain;
    const ErrorMessage *m = lookup(code);
    if (!m) {
        e.message = detail.empty() ? "unknown error" : detail;
    } else if (detail.empty()) {
        e.message = m->bare;
        e.str1 = m->bare;
    } else {
        e.str1 = m->withInfo;
        e.str2 = detail;
        const char *pos = strstr(m->withInfo, "%s");
        e.message = pos ? std::string(m->withInfo, pos) + detail + (pos + 2) : detail;
    }
    return e;
}

Error Error::format(int domain, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::string detail = vformat(fmt, ap);
    va_end(ap);
    return make(domain, code, detail);
}

Error Error::plain(int domain, int code, std::string message)
{
    Error e;
    e.code = code;
    e.domain = domain;
    e.message = std::move(message);
    e.str1 = "%s";
    e.str2 = e.message;
    return e;
}

Error Error::invalidArg(int domain, const char *function, const char *arg, const char *what)
{
    Error e;
    e.code = VIR_ERR_INVALID_ARG;
    e.domain = domain;
    e.message = strprintf("%s in %s %s", arg, function, what);
    e.str1 = function;
    e.str2 = arg;
    e.int1 = e.int2 = 0;
    return e;
}

Error Error::unsupportedFlags(int domain, const char *function, unsigned int flags)
{
    Error e;
    e.code = VIR_ERR_INVALID_ARG;
    e.domain = domain;
    e.message = strprintf("unsupported flags (0x%x) in function %s", flags, function);
    e.str1 = function;
    e.str2 = "flags";
    e.int1 = e.int2 = 0;
    return e;
}

Error Error::system(int domain, int errnum, const std::string &message)
{
    Error e;
    e.code = VIR_ERR_SYSTEM_ERROR;
    e.domain = domain;
    e.message = message + ": " + strerror(errnum);
    e.str1 = "%s";
    e.str2 = e.message;
    e.int1 = errnum;
    return e;
}

const char *errorDomainName(int domain)
{
    for (const ErrorDomainName *d = kErrorDomainNames; d->name; d++)
        if (d->domain == domain)
            return d->name;
    return "";
}

} // namespace vh
