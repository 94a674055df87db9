/* A tiny assertion helper for the C API tests.
 *
 * CHECK* record a failure and go on; REQUIRE* record it and return from the current test
 * function (which returns void). RUN(fn) runs one test case; main returns check_done().
 * CHECK_ERR compares the thread's last error (code, domain and, unless NULL, the exact
 * message) with what libvirt reports.
 *
 * The expected values are libvirt's own: every program also builds against Debian's libvirt
 * and passes there when CAPI_REFERENCE is set in the environment. Where virthub is known to
 * differ, the check is wrapped in KNOWN_DIFF("what differs", CHECK...): a mismatch is then
 * printed as a known difference and not counted, and a match counts as a failure so that the
 * marker is removed once virthub is fixed. Under CAPI_REFERENCE it is a plain check. */
#ifndef VIRTHUB_TESTS_CAPI_CHECK_H
#define VIRTHUB_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int check_failures;
static int check_cases;
static int check_known;
static const char *check_current = "";
static const char *check_word = "FAIL";   /* "differs" inside KNOWN_DIFF */

static inline int check_report(int ok, const char *file, int line, const char *what)
{
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s %s:%d [%s]: %s\n", check_word, file, line, check_current, what);
    }
    return ok;
}

static inline int check_int(long long got, long long want, const char *file, int line, const char *expr)
{
    if (got == want)
        return 1;
    fprintf(stderr, "%s %s:%d [%s]: %s: got %lld, want %lld\n", check_word, file, line, check_current, expr, got, want);
    check_failures++;
    return 0;
}

static inline int check_str(const char *got, const char *want, const char *file, int line, const char *expr)
{
    if ((!got && !want) || (got && want && strcmp(got, want) == 0))
        return 1;
    fprintf(stderr, "%s %s:%d [%s]: %s: got \"%s\", want \"%s\"\n", check_word, file, line, check_current, expr,
            got ? got : "(null)", want ? want : "(null)");
    check_failures++;
    return 0;
}

static inline int check_substr(const char *got, const char *want, const char *file, int line, const char *expr)
{
    if (got && want && strstr(got, want))
        return 1;
    fprintf(stderr, "%s %s:%d [%s]: %s: \"%s\" does not contain \"%s\"\n", check_word, file, line, check_current, expr,
            got ? got : "(null)", want ? want : "(null)");
    check_failures++;
    return 0;
}

/* The last error of this thread is (code, domain, message); message NULL: not compared. */
static inline int check_err(int code, int domain, const char *message, const char *file, int line)
{
    virErrorPtr e = virGetLastError();
    if (!e) {
        fprintf(stderr, "%s %s:%d [%s]: no error set, want code %d domain %d \"%s\"\n", check_word, file, line,
                check_current, code, domain, message ? message : "");
        check_failures++;
        return 0;
    }
    if (e->code != code || e->domain != domain || (message && (!e->message || strcmp(e->message, message) != 0))) {
        fprintf(stderr, "%s %s:%d [%s]: error (code %d, domain %d, \"%s\"), want (code %d, domain %d, \"%s\")\n",
                check_word, file, line, check_current, e->code, e->domain, e->message ? e->message : "(null)", code, domain,
                message ? message : "(any)");
        check_failures++;
        return 0;
    }
    return 1;
}

#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(got, want) check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got)
#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__, #got)
#define CHECK_SUBSTR(got, want) check_substr((got), (want), __FILE__, __LINE__, #got)
#define CHECK_ERR(code, domain, message) check_err((code), (domain), (message), __FILE__, __LINE__)
/* No error is pending on this thread. */
#define CHECK_NO_ERR() check_report(virGetLastError() == NULL, __FILE__, __LINE__, "no last error")

#define REQUIRE(cond) do { if (!CHECK(cond)) return; } while (0)
#define REQUIRE_INT(got, want) do { if (!CHECK_INT(got, want)) return; } while (0)

/* Running against Debian's libvirt to confirm that the expectations are libvirt's. */
static inline int check_reference(void)
{
    return getenv("CAPI_REFERENCE") != NULL;
}

#define KNOWN_DIFF(note, check)                                                                         \
    do {                                                                                                \
        int known_before_ = check_failures;                                                             \
        int known_ok_;                                                                                  \
        check_word = "differs";                                                                         \
        known_ok_ = (check);                                                                            \
        check_word = "FAIL";                                                                            \
        if (check_reference())                                                                          \
            break;                                                                                      \
        if (!known_ok_) {                                                                               \
            check_failures = known_before_;                                                             \
            check_known++;                                                                              \
            fprintf(stderr, "KNOWN DIFFERENCE %s:%d [%s]: %s\n", __FILE__, __LINE__, check_current, note); \
        } else {                                                                                        \
            check_failures++;                                                                           \
            fprintf(stderr, "FIXED %s:%d [%s]: %s: now as libvirt, remove the KNOWN_DIFF marker\n",      \
                    __FILE__, __LINE__, check_current, note);                                           \
        }                                                                                               \
    } while (0)

#define RUN(fn) do { check_current = #fn; check_cases++; fn(); } while (0)

/* An error handler that keeps the output of expected errors quiet. */
static inline void check_quiet_handler(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

/* libvirt wants virInitialize() before any other call when no connection is opened first. */
static inline void check_init(int quiet)
{
    if (virInitialize() < 0) {
        fprintf(stderr, "virInitialize failed\n");
        exit(1);
    }
    if (quiet)
        virSetErrorFunc(NULL, check_quiet_handler);
}

/* A connection to test:///default the program cannot do without. */
static inline virConnectPtr check_open_default(void)
{
    virConnectPtr c = virConnectOpen("test:///default");
    if (!c) {
        fprintf(stderr, "cannot open test:///default\n");
        exit(1);
    }
    return c;
}

static inline int check_done(const char *program)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d failure(s) in %d test case(s)\n", program, check_failures, check_cases);
        return 1;
    }
    printf("%s: %d test case(s) passed", program, check_cases);
    if (check_known)
        printf(" (%d known difference(s) from libvirt)", check_known);
    printf("\n");
    return 0;
}

#endif /* VIRTHUB_TESTS_CAPI_CHECK_H */
