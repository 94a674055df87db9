/* capi.threads: several threads share test:///default connections: lookups, info, XML and
 * handle frees, plus define/undefine of names of their own, with no failure. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "check.h"

#define THREADS 4
#define ITERATIONS 2000
#define DEFINE_EVERY 20

struct worker {
    int index;
    virConnectPtr conn;
    int failures;
    int defined;
    char first_error[256];
};

static void fail(struct worker *w, const char *what)
{
    if (!w->failures++)
        snprintf(w->first_error, sizeof(w->first_error), "%s: %s", what, virGetLastErrorMessage());
}

static void *work(void *opaque)
{
    struct worker *w = opaque;
    char name[64], xml[512];
    int i;
    for (i = 0; i < ITERATIONS; i++) {
        virDomainInfo info;
        char *desc;
        virDomainPtr d = virDomainLookupByName(w->conn, "test");
        if (!d) {
            fail(w, "lookup");
            continue;
        }
        if (virDomainGetInfo(d, &info) < 0)
            fail(w, "getinfo");
        else if (info.maxMem != 8388608 || info.nrVirtCpu != 2)
            fail(w, "getinfo values");
        desc = virDomainGetXMLDesc(d, 0);
        if (!desc || !strstr(desc, "<name>test</name>"))
            fail(w, "xmldesc");
        free(desc);
        if (virDomainGetID(d) != 1)
            fail(w, "getid");
        if (virDomainFree(d) < 0)
            fail(w, "free");
        if (i % DEFINE_EVERY == 0) {
            virDomainPtr mine, found;
            snprintf(name, sizeof(name), "thr-%d-%d", w->index, i);
            snprintf(xml, sizeof(xml),
                     "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>", name);
            mine = virDomainDefineXML(w->conn, xml);
            if (!mine) {
                fail(w, "define");
                continue;
            }
            found = virDomainLookupByName(w->conn, name);
            if (!found)
                fail(w, "lookup own");
            else
                virDomainFree(found);
            if (virDomainUndefine(mine) < 0)
                fail(w, "undefine");
            else
                w->defined++;
            virDomainFree(mine);
        }
    }
    return NULL;
}

static void test_shared_connections(void)
{
    virConnectPtr conns[2];
    struct worker w[THREADS];
    pthread_t t[THREADS];
    struct timespec start, end;
    double secs;
    int i;
    conns[0] = virConnectOpen("test:///default");
    conns[1] = virConnectOpen("test:///default");
    REQUIRE(conns[0] != NULL && conns[1] != NULL);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].index = i;
        w[i].conn = conns[i % 2];
        REQUIRE_INT(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    secs = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("  %d threads x %d iterations in %.2f s\n", THREADS, ITERATIONS, secs);
    for (i = 0; i < THREADS; i++) {
        if (w[i].failures)
            fprintf(stderr, "  thread %d: %d failure(s), first: %s\n", i, w[i].failures, w[i].first_error);
        CHECK_INT(w[i].failures, 0);
        CHECK_INT(w[i].defined, ITERATIONS / DEFINE_EVERY);
    }
    /* everything defined was undefined; the shared state is as it started */
    CHECK_INT(virConnectNumOfDefinedDomains(conns[0]), 0);
    CHECK_INT(virConnectNumOfDomains(conns[1]), 1);
    CHECK_INT(virConnectClose(conns[0]), 0);
    CHECK_INT(virConnectClose(conns[1]), 0);
}

/* Errors stay with the thread that caused them while others keep succeeding. */
struct err_worker {
    virConnectPtr conn;
    int wrong;
};

static void *error_work(void *opaque)
{
    struct err_worker *w = opaque;
    int i;
    for (i = 0; i < 500; i++) {
        virDomainPtr d = virDomainLookupByName(w->conn, "no-such-domain");
        virErrorPtr e = virGetLastError();
        if (d || !e || e->code != VIR_ERR_NO_DOMAIN)
            w->wrong++;
        if (d)
            virDomainFree(d);
        d = virDomainLookupByName(w->conn, "test");
        if (!d || virGetLastError() != NULL)
            w->wrong++;
        if (d)
            virDomainFree(d);
    }
    return NULL;
}

static void test_errors_per_thread(void)
{
    virConnectPtr c = virConnectOpen("test:///default");
    struct err_worker w[THREADS];
    pthread_t t[THREADS];
    int i;
    REQUIRE(c != NULL);
    for (i = 0; i < THREADS; i++) {
        w[i].conn = c;
        w[i].wrong = 0;
        REQUIRE_INT(pthread_create(&t[i], NULL, error_work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(w[i].wrong, 0);
    }
    CHECK_INT(virConnectClose(c), 0);
}

/* Opening and closing connections from many threads at once. */
static void *open_close(void *opaque)
{
    int *bad = opaque, i;
    for (i = 0; i < 200; i++) {
        virConnectPtr c = virConnectOpen("test:///default");
        if (!c || virConnectNumOfDomains(c) < 1)
            (*bad)++;
        if (c && virConnectClose(c) < 0)
            (*bad)++;
    }
    return NULL;
}

static void test_open_close(void)
{
    virConnectPtr keep = virConnectOpen("test:///default");
    pthread_t t[THREADS];
    int bad[THREADS], i;
    REQUIRE(keep != NULL);
    for (i = 0; i < THREADS; i++) {
        bad[i] = 0;
        REQUIRE_INT(pthread_create(&t[i], NULL, open_close, &bad[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(bad[i], 0);
    }
    CHECK_INT(virConnectClose(keep), 0);
}

int main(void)
{
    check_init(1);
    RUN(test_shared_connections);
    RUN(test_errors_per_thread);
    RUN(test_open_close);
    return check_done("capi.threads");
}
