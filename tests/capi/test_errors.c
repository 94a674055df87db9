/* capi.errors: the thread-local last error, its copies, the per-connection copy, the error
 * handlers and virDefaultErrorFunc's output. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <unistd.h>

#include "check.h"

#define NO_DOMAIN_MSG "Domain not found"

static virConnectPtr conn;

/* Makes a Test Driver error on this thread: looking up a domain that does not exist. */
static void make_test_error(virConnectPtr c)
{
    virDomainPtr d = virDomainLookupByName(c, "no-such-domain");
    if (d)
        virDomainFree(d);
}

static void test_no_error(void)
{
    virResetLastError();
    CHECK(virGetLastError() == NULL);
    CHECK_INT(virGetLastErrorCode(), VIR_ERR_OK);
    CHECK_INT(virGetLastErrorDomain(), VIR_FROM_NONE);
    CHECK_STR(virGetLastErrorMessage(), "no error");
}

static void test_last_error(void)
{
    virErrorPtr e;
    make_test_error(conn);
    e = virGetLastError();
    REQUIRE(e != NULL);
    CHECK_INT(e->code, VIR_ERR_NO_DOMAIN);
    CHECK_INT(e->domain, VIR_FROM_TEST);
    CHECK_INT(e->level, VIR_ERR_ERROR);
    CHECK_STR(e->message, NO_DOMAIN_MSG);
    CHECK_INT(virGetLastErrorCode(), VIR_ERR_NO_DOMAIN);
    CHECK_INT(virGetLastErrorDomain(), VIR_FROM_TEST);
    CHECK_STR(virGetLastErrorMessage(), NO_DOMAIN_MSG);
    /* a successful call resets it */
    CHECK_STR(virConnectGetType(conn), "TEST");
    CHECK(virGetLastError() == NULL);
    CHECK_INT(virGetLastErrorCode(), VIR_ERR_OK);
}

static void test_copy_last_error(void)
{
    virError copy;
    memset(&copy, 0, sizeof(copy));
    make_test_error(conn);
    CHECK_INT(virCopyLastError(&copy), VIR_ERR_NO_DOMAIN);
    CHECK_INT(copy.code, VIR_ERR_NO_DOMAIN);
    CHECK_INT(copy.domain, VIR_FROM_TEST);
    CHECK_STR(copy.message, NO_DOMAIN_MSG);
    /* a deep copy: resetting the last error leaves it alone */
    CHECK(copy.message != virGetLastError()->message);
    virResetLastError();
    CHECK(virGetLastError() == NULL);
    CHECK_STR(copy.message, NO_DOMAIN_MSG);
    /* copying "no error" resets the target */
    CHECK_INT(virCopyLastError(&copy), VIR_ERR_OK);
    CHECK_INT(copy.code, VIR_ERR_OK);
    CHECK(copy.message == NULL);
    virResetError(&copy);
    CHECK_INT(copy.code, VIR_ERR_OK);
    CHECK(copy.message == NULL);
}

static void test_save_last_error(void)
{
    virErrorPtr saved;
    make_test_error(conn);
    saved = virSaveLastError();
    REQUIRE(saved != NULL);
    virResetLastError();
    CHECK_INT(saved->code, VIR_ERR_NO_DOMAIN);
    CHECK_INT(saved->domain, VIR_FROM_TEST);
    CHECK_STR(saved->message, NO_DOMAIN_MSG);
    virFreeError(saved);
    virFreeError(NULL);   /* allowed */
    /* saving "no error" gives an error with code 0 */
    saved = virSaveLastError();
    REQUIRE(saved != NULL);
    CHECK_INT(saved->code, VIR_ERR_OK);
    virFreeError(saved);
}

static void test_reset_last_error(void)
{
    make_test_error(conn);
    CHECK(virGetLastError() != NULL);
    virResetLastError();
    CHECK(virGetLastError() == NULL);
    CHECK_STR(virGetLastErrorMessage(), "no error");
    virResetLastError();   /* twice is fine */
    CHECK(virGetLastError() == NULL);
}

static void test_conn_last_error(void)
{
    virError copy;
    virErrorPtr ce;
    virConnectPtr other = virConnectOpen("test:///default");
    REQUIRE(other != NULL);
    memset(&copy, 0, sizeof(copy));
    virConnResetLastError(conn);
    make_test_error(conn);
    ce = virConnGetLastError(conn);
    REQUIRE(ce != NULL);
    CHECK_INT(ce->code, VIR_ERR_NO_DOMAIN);
    CHECK_INT(ce->domain, VIR_FROM_TEST);
    CHECK_STR(ce->message, NO_DOMAIN_MSG);
    CHECK_INT(virConnCopyLastError(conn, &copy), VIR_ERR_NO_DOMAIN);
    CHECK_STR(copy.message, NO_DOMAIN_MSG);
    virResetError(&copy);
    /* the connection's copy outlives the thread's last error */
    virResetLastError();
    CHECK_INT(virConnGetLastError(conn)->code, VIR_ERR_NO_DOMAIN);
    /* the other connection saw nothing */
    CHECK_INT(virConnCopyLastError(other, &copy), VIR_ERR_OK);
    /* a successful call does not clear it */
    CHECK_STR(virConnectGetType(conn), "TEST");
    CHECK_INT(virConnGetLastError(conn)->code, VIR_ERR_NO_DOMAIN);
    virConnResetLastError(conn);
    CHECK_INT(virConnGetLastError(conn)->code, VIR_ERR_OK);
    CHECK_INT(virConnCopyLastError(conn, &copy), VIR_ERR_OK);
    CHECK(virConnGetLastError(NULL) == NULL);
    CHECK_INT(virConnCopyLastError(NULL, &copy), -1);
    virConnResetLastError(NULL);   /* ignored */
    virConnectClose(other);
}

static int handler_calls;
static int handler_code;
static void *handler_data;
static char handler_message[256];

static void record_handler(void *opaque, virErrorPtr err)
{
    handler_calls++;
    handler_data = opaque;
    handler_code = err ? err->code : -1;
    snprintf(handler_message, sizeof(handler_message), "%s", err && err->message ? err->message : "");
}

static int conn_handler_calls;
static void conn_handler(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
    conn_handler_calls++;
}

static void test_set_error_func(void)
{
    int marker;
    handler_calls = 0;
    virSetErrorFunc(&marker, record_handler);
    make_test_error(conn);
    CHECK_INT(handler_calls, 1);
    CHECK(handler_data == &marker);
    CHECK_INT(handler_code, VIR_ERR_NO_DOMAIN);
    CHECK_STR(handler_message, NO_DOMAIN_MSG);
    /* successes do not call it */
    CHECK_STR(virConnectGetType(conn), "TEST");
    CHECK_INT(handler_calls, 1);
    /* errors without a connection too */
    CHECK_INT(virDomainFree(NULL), -1);
    CHECK_INT(handler_calls, 2);
    CHECK_INT(handler_code, VIR_ERR_INVALID_DOMAIN);
    virSetErrorFunc(NULL, check_quiet_handler);
}

static void test_conn_set_error_func(void)
{
    int marker;
    handler_calls = 0;
    conn_handler_calls = 0;
    virSetErrorFunc(&marker, record_handler);
    virConnSetErrorFunc(conn, NULL, conn_handler);
    make_test_error(conn);
    /* the connection's handler wins over the global one */
    CHECK_INT(conn_handler_calls, 1);
    CHECK_INT(handler_calls, 0);
    /* errors with no connection still go to the global handler */
    CHECK_INT(virDomainFree(NULL), -1);
    CHECK_INT(conn_handler_calls, 1);
    CHECK_INT(handler_calls, 1);
    virConnSetErrorFunc(conn, NULL, NULL);
    make_test_error(conn);
    CHECK_INT(conn_handler_calls, 1);
    CHECK_INT(handler_calls, 2);
    virSetErrorFunc(NULL, check_quiet_handler);
}

/* Runs fn with stderr sent into a pipe; returns what it wrote (static buffer). */
static const char *capture_stderr(void (*fn)(void))
{
    static char buf[4096];
    int fds[2], saved;
    ssize_t n, total = 0;
    buf[0] = '\0';
    if (pipe(fds) < 0)
        return NULL;
    fflush(stderr);
    saved = dup(2);
    dup2(fds[1], 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fds[1]);
    while ((n = read(fds[0], buf + total, sizeof(buf) - 1 - total)) > 0)
        total += n;
    buf[total] = '\0';
    close(fds[0]);
    return buf;
}

static void lookup_missing(void)
{
    make_test_error(conn);
}

static void print_last_error(void)
{
    virDefaultErrorFunc(virGetLastError());
}

static void print_null_error(void)
{
    virDefaultErrorFunc(NULL);
}

static void test_default_error_func(void)
{
    const char *out;
    /* with no handler, every error is printed by virDefaultErrorFunc */
    virSetErrorFunc(NULL, NULL);
    out = capture_stderr(lookup_missing);
    CHECK_STR(out, "libvirt: Test Driver error : " NO_DOMAIN_MSG "\n");
    /* called directly */
    virSetErrorFunc(NULL, check_quiet_handler);
    make_test_error(conn);
    out = capture_stderr(print_last_error);
    CHECK_STR(out, "libvirt: Test Driver error : " NO_DOMAIN_MSG "\n");
    CHECK_INT(virDomainFree(NULL), -1);
    out = capture_stderr(print_last_error);
    CHECK_STR(out, "libvirt: Domain error : invalid domain pointer in virDomainFree\n");
    CHECK(virConnectOpen("::::") == NULL);
    out = capture_stderr(print_last_error);
    CHECK_STR(out, "libvirt: URI Utils error : internal error: Unable to parse URI ::::\n");
    out = capture_stderr(print_null_error);
    CHECK_STR(out, "");
}

struct thread_result {
    int sawError;           /* the new thread saw an error before making one */
    int code, domain;
    int sawOwn;
};

static void *thread_main(void *opaque)
{
    struct thread_result *r = opaque;
    virErrorPtr e = virGetLastError();
    r->sawError = e != NULL;
    CHECK_INT(virDomainFree(NULL), -1);
    e = virGetLastError();
    r->code = e ? e->code : -1;
    r->domain = e ? e->domain : -1;
    r->sawOwn = e && e->message && strcmp(e->message, "invalid domain pointer in virDomainFree") == 0;
    return NULL;
}

static void test_thread_local(void)
{
    pthread_t t;
    struct thread_result r;
    virErrorPtr e;
    memset(&r, 0, sizeof(r));
    make_test_error(conn);
    REQUIRE_INT(pthread_create(&t, NULL, thread_main, &r), 0);
    pthread_join(t, NULL);
    CHECK_INT(r.sawError, 0);
    CHECK_INT(r.code, VIR_ERR_INVALID_DOMAIN);
    CHECK_INT(r.domain, VIR_FROM_DOM);
    CHECK_INT(r.sawOwn, 1);
    /* this thread still has its own error */
    e = virGetLastError();
    REQUIRE(e != NULL);
    CHECK_INT(e->code, VIR_ERR_NO_DOMAIN);
    CHECK_STR(e->message, NO_DOMAIN_MSG);
}

int main(void)
{
    check_init(1);
    conn = check_open_default();
    RUN(test_no_error);
    RUN(test_last_error);
    RUN(test_copy_last_error);
    RUN(test_save_last_error);
    RUN(test_reset_last_error);
    RUN(test_conn_last_error);
    RUN(test_set_error_func);
    RUN(test_conn_set_error_func);
    RUN(test_default_error_func);
    RUN(test_thread_local);
    virConnectClose(conn);
    return check_done("capi.errors");
}
