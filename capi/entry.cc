#include "capi/entry.h"

#include <cstring>

#include <libvirt/virterror.h>

#include "util/uuid.h"

namespace vh::capi {

void Entry::reportException(const char *what) noexcept
{
    if (!what)
        report(vh::Error::make(domain_, VIR_ERR_NO_MEMORY));
    else
        report(vh::Error::make(domain_, VIR_ERR_INTERNAL_ERROR, what));
}

void Entry::report(vh::Error &&e) noexcept
{
    try {
        if (e.code == VIR_ERR_NO_SUPPORT && e.message.empty()) {
            // a driver table's default: name the public function, as libvirt does
            e = vh::Error::make(domain_, VIR_ERR_NO_SUPPORT, fn_);
        }
        setLastError(e);
    } catch (...) {
        setLastError(vh::Error{});   // out of memory while reporting: still fail the call
    }
    dispatchError(conn_);
}

bool Entry::argError(const char *arg, const char *what) noexcept
{
    try {
        report(vh::Error::invalidArg(domain_, fn_, arg, what));
    } catch (...) {
        report(vh::Error{});
    }
    return false;
}

bool Entry::checkList(virDomainPtr *doms) noexcept
{
    if (!doms)
        return argError("doms", "must not be NULL");
    if (!*doms) {
        report(vh::Error::format(domain_, VIR_ERR_INVALID_ARG, "doms array in %s must contain at least one domain", fn_));
        return false;
    }
    for (virDomainPtr *d = doms; *d; d++) {
        if (!check(*d))
            return false;
        if ((*d)->connect() != doms[0]->connect()) {
            report(vh::Error::make(domain_, VIR_ERR_INVALID_ARG, "domains in 'doms' array must belong to a single connection"));
            return false;
        }
    }
    return true;
}

bool Entry::writable() noexcept
{
    if (!conn_->readonly)
        return true;
    report(vh::Error::make(domain_, VIR_ERR_OPERATION_DENIED,
                           std::string("read only access prevents ") + fn_));
    return false;
}

bool Entry::writable(const char *what) noexcept
{
    if (!conn_->readonly)
        return true;
    report(vh::Error::make(domain_, VIR_ERR_OPERATION_DENIED, what));
    return false;
}

bool Entry::exclusiveFlags(unsigned int flags, unsigned int a, unsigned int b, const char *aName, const char *bName) noexcept
{
    if (!(flags & a) || !(flags & b))
        return true;
    report(vh::Error::plain(domain_, VIR_ERR_INVALID_ARG,
                            vh::strprintf("Flags '%s' and '%s' are mutually exclusive", aName, bName)));
    return false;
}

bool Entry::requireFlag(unsigned int flags, unsigned int a, unsigned int b, const char *aName, const char *bName) noexcept
{
    if (!(flags & a) || (flags & b))
        return true;
    report(vh::Error::plain(domain_, VIR_ERR_INVALID_ARG,
                            vh::strprintf("Flag '%s' is required by flag '%s'", bName, aName)));
    return false;
}

bool Entry::below(long long v, long long limit, const char *arg) noexcept
{
    if (v < limit)
        return true;
    vh::Error e = vh::Error::invalidArg(domain_, fn_, arg, "");
    e.message = vh::strprintf("%s must be less than %lld", arg, limit);
    report(std::move(e));
    return false;
}

bool Entry::kibLimit(unsigned long kib) noexcept
{
    // sizes must stay representable in bytes as a signed 64-bit value
    if (kib <= static_cast<unsigned long>(INT64_MAX / 1024))
        return true;
    report(vh::Error::make(domain_, VIR_ERR_OVERFLOW, vh::strprintf("input too large: %lu", kib)));
    return false;
}

bool Entry::nonEmpty(const char *s, const char *arg) noexcept
{
    if (!s || *s)
        return true;
    std::string label = std::string("string ") + arg;
    return argError(label.c_str(), "must not be empty");
}

bool Entry::uuid(const char *s, unsigned char *out, const char *arg, bool terse) noexcept
{
    if (!s || vh::uuidParse(s, out))
        return true;
    if (!terse)
        return argError(arg, "must be a valid UUID");
    vh::Error e = vh::Error::invalidArg(domain_, fn_, arg, "");
    e.message = "Invalid UUID";
    report(std::move(e));
    return false;
}

bool Entry::outArray(const void *array, int max, const char *arg, const char *maxArg) noexcept
{
    if (max < 0)
        return argError(maxArg, "must be zero or greater");
    return max == 0 || array || argError(arg, "must not be NULL");
}

namespace {
// Each handle type's invalid-pointer error: code and domain as libvirt reports them.
vh::Error invalid(int domain, int code, const char *fn)
{
    return vh::Error::make(domain, code, fn);
}
} // namespace

vh::Error Entry::invalidHandle(virConnectPtr) const { return invalid(domain_, VIR_ERR_INVALID_CONN, fn_); }
vh::Error Entry::invalidHandle(virDomainPtr) const { return invalid(VIR_FROM_DOM, VIR_ERR_INVALID_DOMAIN, fn_); }
vh::Error Entry::invalidHandle(virNetworkPtr) const { return invalid(VIR_FROM_NETWORK, VIR_ERR_INVALID_NETWORK, fn_); }
vh::Error Entry::invalidHandle(virNetworkPortPtr) const { return invalid(VIR_FROM_NETWORK, VIR_ERR_INVALID_NETWORK_PORT, fn_); }
vh::Error Entry::invalidHandle(virStoragePoolPtr) const { return invalid(VIR_FROM_STORAGE, VIR_ERR_INVALID_STORAGE_POOL, fn_); }
vh::Error Entry::invalidHandle(virStorageVolPtr) const { return invalid(VIR_FROM_STORAGE, VIR_ERR_INVALID_STORAGE_VOL, fn_); }
vh::Error Entry::invalidHandle(virNodeDevicePtr) const { return invalid(VIR_FROM_NODEDEV, VIR_ERR_INVALID_NODE_DEVICE, fn_); }
vh::Error Entry::invalidHandle(virInterfacePtr) const { return invalid(VIR_FROM_INTERFACE, VIR_ERR_INVALID_INTERFACE, fn_); }
vh::Error Entry::invalidHandle(virSecretPtr) const { return invalid(VIR_FROM_SECRET, VIR_ERR_INVALID_SECRET, fn_); }
vh::Error Entry::invalidHandle(virNWFilterPtr) const { return invalid(VIR_FROM_NWFILTER, VIR_ERR_INVALID_NWFILTER, fn_); }
vh::Error Entry::invalidHandle(virNWFilterBindingPtr) const { return invalid(VIR_FROM_NWFILTER, VIR_ERR_INVALID_NWFILTER_BINDING, fn_); }
vh::Error Entry::invalidHandle(virDomainSnapshotPtr) const { return invalid(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_DOMAIN_SNAPSHOT, fn_); }
vh::Error Entry::invalidHandle(virDomainCheckpointPtr) const { return invalid(VIR_FROM_DOMAIN_CHECKPOINT, VIR_ERR_INVALID_DOMAIN_CHECKPOINT, fn_); }
vh::Error Entry::invalidHandle(virStreamPtr) const { return invalid(VIR_FROM_STREAMS, VIR_ERR_INVALID_STREAM, fn_); }

} // namespace vh::capi
