// vh::capi::Entry: what every public function does around its body, in libvirt's order.
//
// Constructed first thing (resets the thread's last error). The checks report libvirt's
// errors (invalid handle, read-only connection, bad argument) and return false. run() calls
// the body, turns a failed vh::Result into the thread-local last error plus the connection's
// copy, calls the error handler, and catches every exception so none crosses the C ABI.
#pragma once

#include <exception>
#include <new>
#include <utility>

#include "drivers/handles.h"
#include "util/result.h"

namespace vh::capi {

// The thread's last error (capi/errors.cc).
void resetLastError() noexcept;
void setLastError(const vh::Error &e) noexcept;
// Copies the thread's last error to conn (when given) and calls the error handler.
void dispatchError(virConnectPtr conn) noexcept;

class Entry {
public:
    Entry(const char *function, int errorDomain) noexcept : fn_(function), domain_(errorDomain)
    {
        resetLastError();
    }

    // The subject: a connection or an object hanging off one.
    template <class H>
    bool check(H *h) noexcept
    {
        if (!vh::valid(h)) {
            report(invalidHandle(h));
            return false;
        }
        conn_ = h->connect();
        return true;
    }
    // Another handle argument (its connection is not the one errors go to).
    template <class H>
    bool checkArg(H *h) noexcept
    {
        if (!vh::valid(h)) {
            report(invalidHandle(h));
            return false;
        }
        return true;
    }
    // A NULL-terminated list of domains whose first one is the subject.
    bool checkList(virDomainPtr *doms) noexcept;

    bool writable() noexcept;
    // A read-only connection refusing one use of an allowed call ("... with secure flag").
    bool writable(const char *what) noexcept;
    // libvirt's flag combination rules.
    bool exclusiveFlags(unsigned int flags, unsigned int a, unsigned int b, const char *aName, const char *bName) noexcept;
    bool requireFlag(unsigned int flags, unsigned int a, unsigned int b, const char *aName, const char *bName) noexcept;
    // Memory sizes in KiB that overflow in bytes.
    bool kibLimit(unsigned long kib) noexcept;
    template <class P>
    bool nonNull(P p, const char *arg) noexcept { return p != nullptr || argError(arg, "must not be NULL"); }
    bool nonZero(long long v, const char *arg) noexcept { return v != 0 || argError(arg, "must not be zero"); }
    bool positive(long long v, const char *arg) noexcept { return v > 0 || argError(arg, "must be greater than zero"); }
    bool nonNegative(long long v, const char *arg) noexcept { return v >= 0 || argError(arg, "must be zero or greater"); }
    // An ID below its enum's count: "eventID must be less than 27".
    bool below(long long v, long long limit, const char *arg) noexcept;
    bool nonEmpty(const char *s, const char *arg) noexcept;
    // Parses a UUID string argument into raw bytes.
    bool uuid(const char *s, unsigned char *out, const char *arg, bool terse) noexcept;
    // A caller-allocated array of `max` slots.
    bool outArray(const void *array, int max, const char *arg, const char *maxArg) noexcept;

    virConnectPtr conn() const noexcept { return conn_; }

    template <class T, class F>
    T run(T failed, F &&body) noexcept
    {
        try {
            Result<T> r = body();
            if (r)
                return std::move(*r);
            report(std::move(r).error());
        } catch (const std::bad_alloc &) {
            reportException(nullptr);
        } catch (const std::exception &ex) {
            reportException(ex.what());
        } catch (...) {
            reportException("unexpected exception");
        }
        return failed;
    }

    // Reports e as the error of this call: completes an unsupported() error with the name of
    // the function, stores it and dispatches it.
    void report(vh::Error &&e) noexcept;
    // An exception caught around the body: VIR_ERR_NO_MEMORY when what is null, else
    // VIR_ERR_INTERNAL_ERROR with what.
    void reportException(const char *what) noexcept;

private:
    bool argError(const char *arg, const char *what) noexcept;
    vh::Error invalidHandle(virConnectPtr) const;
    vh::Error invalidHandle(virDomainPtr) const;
    vh::Error invalidHandle(virNetworkPtr) const;
    vh::Error invalidHandle(virNetworkPortPtr) const;
    vh::Error invalidHandle(virStoragePoolPtr) const;
    vh::Error invalidHandle(virStorageVolPtr) const;
    vh::Error invalidHandle(virNodeDevicePtr) const;
    vh::Error invalidHandle(virInterfacePtr) const;
    vh::Error invalidHandle(virSecretPtr) const;
    vh::Error invalidHandle(virNWFilterPtr) const;
    vh::Error invalidHandle(virNWFilterBindingPtr) const;
    vh::Error invalidHandle(virDomainSnapshotPtr) const;
    vh::Error invalidHandle(virDomainCheckpointPtr) const;
    vh::Error invalidHandle(virStreamPtr) const;

    const char *fn_;
    int domain_;
    virConnectPtr conn_ = nullptr;
};

} // namespace vh::capi
