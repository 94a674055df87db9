// virterror.h: the thread-local last error, the per-connection copy and the error handlers.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <libvirt/virterror.h>

#include "capi/entry.h"

namespace {

char *dup(const std::string &s)
{
    return s.empty() ? nullptr : strdup(s.c_str());
}

char *dup(const char *s)
{
    return s ? strdup(s) : nullptr;
}

void clear(virErrorPtr e)
{
    if (!e)
        return;
    free(e->message);
    free(e->str1);
    free(e->str2);
    free(e->str3);
    memset(e, 0, sizeof(*e));
}

void copy(const virError *from, virErrorPtr to)
{
    clear(to);
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->message = dup(from->message);
    to->str1 = dup(from->str1);
    to->str2 = dup(from->str2);
    to->str3 = dup(from->str3);
    to->int1 = from->int1;
    to->int2 = from->int2;
}

// The thread's last error; its strings are freed when the thread ends.
struct ThreadError {
    virError err{};
    ~ThreadError() { clear(&err); }
};
thread_local ThreadError lastError;

std::mutex handlerLock;
virErrorFunc globalHandler = nullptr;
void *globalData = nullptr;

} // namespace

namespace vh::capi {

void resetLastError() noexcept
{
    if (lastError.err.code != VIR_ERR_OK || lastError.err.message)
        clear(&lastError.err);
}

void setLastError(const vh::Error &e) noexcept
{
    clear(&lastError.err);
    virError &t = lastError.err;
    t.code = e.code ? e.code : VIR_ERR_INTERNAL_ERROR;
    t.domain = e.domain;
    t.level = static_cast<virErrorLevel>(e.level);
    t.message = dup(e.message.empty() ? std::string("unknown error") : e.message);
    t.str1 = dup(e.str1);
    t.str2 = dup(e.str2);
    t.str3 = dup(e.str3);
    t.int1 = e.int1;
    t.int2 = e.int2;
}

void dispatchError(virConnectPtr conn) noexcept
{
    virErrorPtr err = &lastError.err;
    virErrorFunc handler;
    void *data;
    {
        std::lock_guard<std::mutex> g(handlerLock);
        handler = globalHandler;
        data = globalData;
    }
    if (conn) {
        std::lock_guard<std::mutex> g(conn->errLock);
        copy(err, &conn->err);
        if (conn->handler) {
            handler = conn->handler;
            data = conn->handlerData;
        }
    }
    if (handler)
        handler(data, err);
    else
        virDefaultErrorFunc(err);
}

} // namespace vh::capi

extern "C" {

virErrorPtr virGetLastError(void)
{
    return lastError.err.code == VIR_ERR_OK ? nullptr : &lastError.err;
}

int virGetLastErrorCode(void)
{
    return lastError.err.code;
}

int virGetLastErrorDomain(void)
{
    return lastError.err.domain;
}

const char *virGetLastErrorMessage(void)
{
    if (lastError.err.code == VIR_ERR_OK)
        return "no error";
    return lastError.err.message ? lastError.err.message : "unknown error";
}

int virCopyLastError(virErrorPtr to)
{
    if (!to)
        return -1;
    copy(&lastError.err, to);
    return lastError.err.code;
}

virErrorPtr virSaveLastError(void)
{
    auto *e = static_cast<virErrorPtr>(calloc(1, sizeof(virError)));
    if (e)
        copy(&lastError.err, e);
    return e;
}

void virResetLastError(void)
{
    vh::capi::resetLastError();
}

void virResetError(virErrorPtr err)
{
    clear(err);
}

void virFreeError(virErrorPtr err)
{
    clear(err);
    free(err);
}

void virSetErrorFunc(void *userData, virErrorFunc handler)
{
    std::lock_guard<std::mutex> g(handlerLock);
    globalHandler = handler;
    globalData = userData;
}

void virDefaultErrorFunc(virErrorPtr err)
{
    if (!err || err->code == VIR_ERR_OK)
        return;
    const char *level = err->level == VIR_ERR_WARNING ? "warning" : err->level == VIR_ERR_ERROR ? "error" : "";
    const char *domain = vh::errorDomainName(err->domain);
    const char *msg = err->message ? err->message : "";
    size_t len = strlen(msg);
    if (err->domain == VIR_FROM_XML && err->code == VIR_ERR_XML_DETAIL && err->int1 != 0)
        fprintf(stderr, "libvirt: %s %s : line %d: %s", domain, level, err->int1, msg);
    else if (len == 0 || msg[len - 1] != '\n')
        fprintf(stderr, "libvirt: %s %s : %s\n", domain, level, msg);
    else
        fprintf(stderr, "libvirt: %s %s : %s", domain, level, msg);
}

virErrorPtr virConnGetLastError(virConnectPtr conn)
{
    if (!vh::valid(conn))
        return nullptr;
    return &conn->err;
}

int virConnCopyLastError(virConnectPtr conn, virErrorPtr to)
{
    if (!vh::valid(conn) || !to)
        return -1;
    std::lock_guard<std::mutex> g(conn->errLock);
    copy(&conn->err, to);
    return conn->err.code;
}

void virConnResetLastError(virConnectPtr conn)
{
    if (!vh::valid(conn))
        return;
    std::lock_guard<std::mutex> g(conn->errLock);
    clear(&conn->err);
}

void virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc handler)
{
    if (!vh::valid(conn))
        return;
    std::lock_guard<std::mutex> g(conn->errLock);
    conn->handler = handler;
    conn->handlerData = userData;
}

} // extern "C"
