/* capi.events: domain events through an event loop: libvirt's default loop and an
 * application's own one (virEventRegisterImpl).
 *
 * An event loop can be registered once per process, so each phase runs in a child process:
 * without any loop, with the default loop, with the application's loop. */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *const kXML =
    "<domain type='test'><name>%s</name><memory>1048576</memory><os><type>hvm</type></os></domain>";

static virDomainPtr define(virConnectPtr c, const char *name)
{
    char xml[512];
    snprintf(xml, sizeof(xml), kXML, name);
    return virDomainDefineXML(c, xml);
}

/* ---- what callbacks saw */

struct event {
    int cb;               /* which callback: 1, 2, ... */
    char name[64];
    int event, detail;
};

static struct event seen[256];
static int nseen;
static int in_api_call;       /* set around API calls: callbacks must not run then */
static int called_in_api;

static void record(int which, virDomainPtr dom, int event, int detail)
{
    if (in_api_call)
        called_in_api++;
    if (nseen < 256) {
        seen[nseen].cb = which;
        snprintf(seen[nseen].name, sizeof(seen[nseen].name), "%s", virDomainGetName(dom));
        seen[nseen].event = event;
        seen[nseen].detail = detail;
        nseen++;
    }
}

static int lifecycle1(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    (void)opaque;
    record(1, dom, event, detail);
    return 0;
}

static int lifecycle2(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    (void)opaque;
    record(2, dom, event, detail);
    return 0;
}

static int legacy_opaque = 1;   /* also the index free_cb counts in */
static int legacy_cb(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    CHECK(opaque == (void *)&legacy_opaque);
    record(3, dom, event, detail);
    return 0;
}

static void metadata_cb(virConnectPtr c, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
    (void)c;
    (void)opaque;
    (void)nsuri;
    record(4, dom, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, type);
}

static int frees[8];
static void free_cb(void *opaque)
{
    frees[*(int *)opaque]++;
}

/* Sequence of the seen events as "cb:name:event:detail;..." */
static const char *seen_str(void)
{
    static char buf[4096];
    int i;
    size_t len = 0;
    buf[0] = '\0';
    for (i = 0; i < nseen && len < sizeof(buf) - 100; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%d:%s:%d:%d;", seen[i].cb, seen[i].name, seen[i].event,
                                seen[i].detail);
    return buf;
}

static void reset_seen(void)
{
    nseen = 0;
    called_in_api = 0;
}

#define API(call) (in_api_call = 1, (call), in_api_call = 0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- phase 1: no event loop registered */

static void test_no_loop(void)
{
    virConnectPtr c = virConnectOpen("test:///default");
    int id;
    REQUIRE(c != NULL);
    id = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(lifecycle1),
                                          NULL, NULL);
    CHECK_INT(id, -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE, "internal error: could not initialize domain event timer");
    CHECK_INT(virConnectDomainEventRegister(c, legacy_cb, NULL, NULL), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE, "internal error: could not initialize domain event timer");
    /* the public watch/timer functions have nothing to go to */
    CHECK_INT(virEventAddTimeout(10, NULL, NULL, NULL), -1);
    CHECK_INT(virConnectClose(c), 0);
}

/* ---- phase 2: the default loop */

static int tick_fired;
static void tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    tick_fired++;
}

/* Runs the default loop until `cond` holds or 5 s pass; a 20 ms tick bounds each wait. */
static int run_until(int (*cond)(void))
{
    double deadline = now_s() + 5.0;
    while (!cond()) {
        if (now_s() > deadline)
            return 0;
        if (virEventRunDefaultImpl() < 0)
            return 0;
    }
    return 1;
}

static int want_events;
static int enough_events(void)
{
    return nseen >= want_events;
}

/* Runs the loop a few more iterations (at least 3 ticks) to let any stray event arrive. */
static void drain(void)
{
    int start = tick_fired;
    double deadline = now_s() + 2.0;
    while (tick_fired < start + 3 && now_s() < deadline)
        virEventRunDefaultImpl();
}

static int wait_events(int n)
{
    want_events = n;
    return run_until(enough_events);
}

static virConnectPtr conn;

static void test_lifecycle_events(void)
{
    virDomainPtr d;
    int id, r;
    reset_seen();
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    REQUIRE(id >= 0);
    d = define(conn, "ev-a");
    REQUIRE(d != NULL);
    API(r = virDomainCreate(d));
    CHECK_INT(r, 0);
    API(r = virDomainSuspend(d));
    CHECK_INT(r, 0);
    API(r = virDomainResume(d));
    CHECK_INT(r, 0);
    API(r = virDomainDestroy(d));
    CHECK_INT(r, 0);
    API(r = virDomainUndefine(d));
    CHECK_INT(r, 0);
    /* nothing is delivered before the loop runs */
    CHECK_INT(nseen, 0);
    CHECK(wait_events(6));
    drain();
    CHECK_INT(called_in_api, 0);
    CHECK_STR(seen_str(), "1:ev-a:0:0;1:ev-a:2:0;1:ev-a:3:0;1:ev-a:4:0;1:ev-a:5:1;1:ev-a:1:0;");
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, id), 0);
    virDomainFree(d);
}

static void test_more_lifecycle_events(void)
{
    virDomainPtr d = define(conn, "ev-b");
    int id;
    char path[] = "/tmp/capi-events-save-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(d != NULL && fd >= 0);
    close(fd);
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    REQUIRE(id >= 0);
    reset_seen();
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainShutdown(d), 0);
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainSave(d, path), 0);
    CHECK_INT(virDomainRestore(conn, path), 0);
    CHECK_INT(virDomainManagedSave(d, 0), 0);
    CHECK_INT(virDomainManagedSaveRemove(d, 0), 0);
    CHECK_INT(virDomainRename(d, "ev-b2", 0), 0);
    CHECK_INT(virDomainUndefine(d), 0);
    CHECK(wait_events(9));
    drain();
    CHECK_STR(seen_str(), "1:ev-b:2:0;1:ev-b:5:0;1:ev-b:2:0;1:ev-b:5:4;1:ev-b:2:2;1:ev-b:5:4;"
                          "1:ev-b:1:1;1:ev-b2:0:2;1:ev-b2:1:0;");
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, id), 0);
    unlink(path);
    virDomainFree(d);
}

static void test_domain_filter(void)
{
    virDomainPtr a = define(conn, "ev-fa"), b = define(conn, "ev-fb");
    int all, only;
    REQUIRE(a != NULL && b != NULL);
    reset_seen();
    all = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    only = virConnectDomainEventRegisterAny(conn, b, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                            VIR_DOMAIN_EVENT_CALLBACK(lifecycle2), NULL, NULL);
    REQUIRE(all >= 0 && only >= 0);
    CHECK(all != only);
    CHECK_INT(virDomainCreate(a), 0);
    CHECK_INT(virDomainCreate(b), 0);
    CHECK(wait_events(3));
    drain();
    CHECK_STR(seen_str(), "1:ev-fa:2:0;1:ev-fb:2:0;2:ev-fb:2:0;");
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, only), 0);
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, all), 0);
    /* deregistered: nothing more arrives */
    reset_seen();
    CHECK_INT(virDomainDestroy(a), 0);
    CHECK_INT(virDomainDestroy(b), 0);
    drain();
    CHECK_INT(nseen, 0);
    CHECK_INT(virDomainUndefine(a), 0);
    CHECK_INT(virDomainUndefine(b), 0);
    virDomainFree(a);
    virDomainFree(b);
}

static void test_legacy_register(void)
{
    virDomainPtr d = define(conn, "ev-legacy");
    REQUIRE(d != NULL);
    reset_seen();
    frees[1] = 0;
    CHECK_INT(virConnectDomainEventRegister(conn, legacy_cb, &legacy_opaque, NULL), 0);
    CHECK_INT(virConnectDomainEventRegister(conn, legacy_cb, &legacy_opaque, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: event callback already tracked");
    CHECK_INT(virDomainCreate(d), 0);
    CHECK(wait_events(1));
    CHECK_STR(seen_str(), "3:ev-legacy:2:0;");
    CHECK_INT(virConnectDomainEventDeregister(conn, legacy_cb), 0);
    CHECK_INT(virConnectDomainEventDeregister(conn, legacy_cb), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, NULL);
    /* with a free function: called once, on deregistration */
    CHECK_INT(virConnectDomainEventRegister(conn, legacy_cb, &legacy_opaque, free_cb), 0);
    CHECK_INT(frees[1], 0);
    CHECK_INT(virConnectDomainEventDeregister(conn, legacy_cb), 0);
    reset_seen();
    CHECK_INT(virDomainDestroy(d), 0);
    drain();
    CHECK_INT(nseen, 0);
    CHECK_INT(frees[1], 1);
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_callback_ids(void)
{
    int ids[4], i, j;
    ids[0] = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    ids[1] = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(lifecycle2), NULL, NULL);
    ids[2] = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                              VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    ids[3] = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                              VIR_DOMAIN_EVENT_CALLBACK(metadata_cb), NULL, NULL);
    for (i = 0; i < 4; i++) {
        CHECK(ids[i] >= 0);
        for (j = 0; j < i; j++)
            CHECK(ids[i] != ids[j]);
    }
    /* the same callback for the same event is refused, whatever its opaque */
    CHECK_INT(virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), &nseen, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: event callback already tracked");
    /* an unknown event ID */
    CHECK_INT(virConnectDomainEventRegisterAny(conn, NULL, 1000, VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "eventID must be less than 27");
    CHECK_INT(virConnectDomainEventRegisterAny(conn, NULL, -1, VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "eventID in virConnectDomainEventRegisterAny must be zero or greater");
    for (i = 0; i < 4; i++)
        CHECK_INT(virConnectDomainEventDeregisterAny(conn, ids[i]), 0);
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, ids[0]), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, NULL);
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, 123456), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, NULL);
    /* IDs are not reused */
    i = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    CHECK(i > ids[3]);
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, i), 0);
}

static void test_metadata_event(void)
{
    virDomainPtr d = define(conn, "ev-meta");
    int id;
    REQUIRE(d != NULL);
    reset_seen();
    id = virConnectDomainEventRegisterAny(conn, d, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                          VIR_DOMAIN_EVENT_CALLBACK(metadata_cb), NULL, NULL);
    REQUIRE(id >= 0);
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_TITLE, "t", NULL, NULL, 0), 0);
    CHECK(wait_events(1));
    drain();
    CHECK_STR(seen_str(), "4:ev-meta:23:1;");
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, id), 0);
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_free_callbacks(void)
{
    static int one = 1, two = 2;
    virConnectPtr c = virConnectOpen("test:///default");
    int a, b;
    REQUIRE(c != NULL);
    frees[1] = frees[2] = 0;
    a = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(lifecycle1),
                                         &one, free_cb);
    b = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(lifecycle2),
                                         &two, free_cb);
    REQUIRE(a >= 0 && b >= 0);
    /* a failed registration does not take ownership */
    CHECK_INT(virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), &one, free_cb), -1);
    CHECK_INT(frees[1], 0);
    CHECK_INT(virConnectDomainEventDeregisterAny(c, a), 0);
    drain();
    CHECK_INT(frees[1], 1);
    CHECK_INT(virConnectDomainEventDeregisterAny(c, a), -1);
    drain();
    CHECK_INT(frees[1], 1);
    /* a registered callback keeps its connection open */
    CHECK_INT(virConnectClose(c), 1);
    CHECK_INT(frees[2], 0);
    CHECK_INT(virConnectDomainEventDeregisterAny(c, b), 0);
    drain();
    CHECK_INT(frees[2], 1);
    drain();
    CHECK_INT(frees[1], 1);
    CHECK_INT(frees[2], 1);
}

/* Two connections to test:///default see each other's changes as events. */
static void test_two_connections(void)
{
    virConnectPtr other = virConnectOpen("test:///default");
    virDomainPtr d;
    int id;
    REQUIRE(other != NULL);
    reset_seen();
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(lifecycle1), NULL, NULL);
    REQUIRE(id >= 0);
    d = define(other, "ev-other");
    REQUIRE(d != NULL);
    CHECK_INT(virDomainUndefine(d), 0);
    CHECK(wait_events(2));
    drain();
    CHECK_STR(seen_str(), "1:ev-other:0:0;1:ev-other:1:0;");
    CHECK_INT(virConnectDomainEventDeregisterAny(conn, id), 0);
    virDomainFree(d);
    virConnectClose(other);
}

static int handle_events;
static void on_pipe(int watch, int fd, int events, void *opaque)
{
    char c;
    (void)watch;
    (void)opaque;
    if (events & VIR_EVENT_HANDLE_READABLE)
        CHECK_INT(read(fd, &c, 1), 1);
    handle_events++;
}

static int got_handle(void)
{
    return handle_events > 0;
}

static void test_public_watch_and_timer(void)
{
    int fds[2], watch;
    REQUIRE_INT(pipe(fds), 0);
    handle_events = 0;
    watch = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, on_pipe, NULL, NULL);
    CHECK(watch >= 0);
    CHECK_INT(write(fds[1], "x", 1), 1);
    CHECK(run_until(got_handle));
    CHECK_INT(handle_events, 1);
    CHECK_INT(virEventRemoveHandle(watch), 0);
    CHECK_INT(virEventRemoveHandle(watch), -1);
    CHECK_INT(write(fds[1], "y", 1), 1);
    drain();
    CHECK_INT(handle_events, 1);
    close(fds[0]);
    close(fds[1]);
}

static void phase_default_loop(void)
{
    int timer;
    CHECK_INT(virEventRegisterDefaultImpl(), 0);
    timer = virEventAddTimeout(20, tick, NULL, NULL);
    if (timer < 0) {
        fprintf(stderr, "cannot add the tick timer\n");
        exit(1);
    }
    conn = virConnectOpen("test:///default");
    if (!conn) {
        fprintf(stderr, "cannot open test:///default\n");
        exit(1);
    }
    RUN(test_lifecycle_events);
    RUN(test_more_lifecycle_events);
    RUN(test_domain_filter);
    RUN(test_legacy_register);
    RUN(test_callback_ids);
    RUN(test_metadata_event);
    RUN(test_free_callbacks);
    RUN(test_two_connections);
    RUN(test_public_watch_and_timer);
    virConnectClose(conn);
    virEventRemoveTimeout(timer);
}

/* ---- phase 3: the application's own event loop */

struct app_handle {
    int id, fd, events, deleted;
    virEventHandleCallback cb;
    void *opaque;
    virFreeCallback ff;
};
struct app_timer {
    int id, interval, deleted;
    double due;
    virEventTimeoutCallback cb;
    void *opaque;
    virFreeCallback ff;
};
static struct app_handle app_handles[32];
static struct app_timer app_timers[32];
static int app_nhandles, app_ntimers;
static int app_calls_add_timeout, app_calls_update_timeout, app_in_dispatch, app_dispatches;

static int app_add_handle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    struct app_handle *h;
    if (app_nhandles == 32)
        return -1;
    h = &app_handles[app_nhandles];
    h->id = app_nhandles + 1;
    h->fd = fd;
    h->events = events;
    h->deleted = 0;
    h->cb = cb;
    h->opaque = opaque;
    h->ff = ff;
    return app_handles[app_nhandles++].id;
}

static void app_update_handle(int id, int events)
{
    if (id >= 1 && id <= app_nhandles)
        app_handles[id - 1].events = events;
}

static int app_remove_handle(int id)
{
    if (id < 1 || id > app_nhandles || app_handles[id - 1].deleted)
        return -1;
    app_handles[id - 1].deleted = 1;
    if (app_handles[id - 1].ff)
        app_handles[id - 1].ff(app_handles[id - 1].opaque);
    return 0;
}

static int app_add_timeout(int interval, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    struct app_timer *t;
    app_calls_add_timeout++;
    if (app_ntimers == 32)
        return -1;
    t = &app_timers[app_ntimers];
    t->id = app_ntimers + 1;
    t->interval = interval;
    t->deleted = 0;
    t->due = now_s() + (interval > 0 ? interval / 1000.0 : 0);
    t->cb = cb;
    t->opaque = opaque;
    t->ff = ff;
    return app_timers[app_ntimers++].id;
}

static void app_update_timeout(int id, int interval)
{
    app_calls_update_timeout++;
    if (id >= 1 && id <= app_ntimers) {
        app_timers[id - 1].interval = interval;
        app_timers[id - 1].due = now_s() + (interval > 0 ? interval / 1000.0 : 0);
    }
}

static int app_remove_timeout(int id)
{
    if (id < 1 || id > app_ntimers || app_timers[id - 1].deleted)
        return -1;
    app_timers[id - 1].deleted = 1;
    if (app_timers[id - 1].ff)
        app_timers[id - 1].ff(app_timers[id - 1].opaque);
    return 0;
}

/* One iteration: fire due timers, poll handles for up to 10 ms. */
static void app_run_once(void)
{
    struct pollfd fds[32];
    int map[32], n = 0, i;
    double t = now_s();
    for (i = 0; i < app_ntimers; i++) {
        struct app_timer *tm = &app_timers[i];
        if (tm->deleted || tm->interval < 0 || tm->due > t)
            continue;
        tm->due = t + (tm->interval > 0 ? tm->interval / 1000.0 : 0);
        app_in_dispatch = 1;
        app_dispatches++;
        tm->cb(tm->id, tm->opaque);
        app_in_dispatch = 0;
    }
    for (i = 0; i < app_nhandles; i++) {
        if (app_handles[i].deleted || !app_handles[i].events)
            continue;
        fds[n].fd = app_handles[i].fd;
        fds[n].events = (app_handles[i].events & VIR_EVENT_HANDLE_READABLE ? POLLIN : 0) |
                        (app_handles[i].events & VIR_EVENT_HANDLE_WRITABLE ? POLLOUT : 0);
        fds[n].revents = 0;
        map[n++] = i;
    }
    if (poll(fds, (nfds_t)n, 10) > 0) {
        for (i = 0; i < n; i++) {
            struct app_handle *h = &app_handles[map[i]];
            if (!fds[i].revents || h->deleted)
                continue;
            app_in_dispatch = 1;
            h->cb(h->id, h->fd, (fds[i].revents & POLLIN ? VIR_EVENT_HANDLE_READABLE : 0) |
                                    (fds[i].revents & POLLOUT ? VIR_EVENT_HANDLE_WRITABLE : 0),
                  h->opaque);
            app_in_dispatch = 0;
        }
    }
}

static int app_seen_in_dispatch;
static int app_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    (void)opaque;
    if (app_in_dispatch)
        app_seen_in_dispatch++;
    record(5, dom, event, detail);
    return 0;
}

static void test_app_loop_events(void)
{
    virConnectPtr c = virConnectOpen("test:///default");
    virDomainPtr d;
    int id, i;
    REQUIRE(c != NULL);
    reset_seen();
    id = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(app_lifecycle), NULL, NULL);
    REQUIRE(id >= 0);
    /* the library asked the application's loop for a timer */
    CHECK(app_calls_add_timeout > 0);
    d = virDomainLookupByName(c, "test");
    REQUIRE(d != NULL);
    CHECK_INT(virDomainSuspend(d), 0);
    CHECK_INT(virDomainResume(d), 0);
    CHECK_INT(nseen, 0);
    for (i = 0; i < 500 && nseen < 2; i++)
        app_run_once();
    CHECK_STR(seen_str(), "5:test:3:0;5:test:4:0;");
    CHECK_INT(app_seen_in_dispatch, 2);
    CHECK(app_dispatches > 0);
    CHECK_INT(virConnectDomainEventDeregisterAny(c, id), 0);
    virDomainFree(d);
    CHECK_INT(virConnectClose(c), 0);
}

static int app_tick_count;
static void app_tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    app_tick_count++;
}

static void test_app_loop_public_functions(void)
{
    int before = app_calls_add_timeout, timer, i;
    timer = virEventAddTimeout(0, app_tick, NULL, NULL);
    CHECK(timer >= 1);
    CHECK_INT(app_calls_add_timeout, before + 1);
    for (i = 0; i < 3; i++)
        app_run_once();
    CHECK(app_tick_count >= 1);
    virEventUpdateTimeout(timer, -1);
    i = app_tick_count;
    app_run_once();
    CHECK_INT(app_tick_count, i);
    CHECK_INT(virEventRemoveTimeout(timer), 0);
}

static void phase_app_loop(void)
{
    virEventRegisterImpl(app_add_handle, app_update_handle, app_remove_handle, app_add_timeout, app_update_timeout,
                         app_remove_timeout);
    /* the first registration stays */
    CHECK_INT(virEventRegisterDefaultImpl(), 0);
    RUN(test_app_loop_events);
    RUN(test_app_loop_public_functions);
}

static int run_phase(void (*phase)(void), const char *name)
{
    int status = 0;
    pid_t pid;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        check_init(1);
        phase();
        exit(check_done(name));
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        fprintf(stderr, "%s: child did not exit normally (status 0x%x)\n", name, (unsigned)status);
        return 1;
    }
    return WEXITSTATUS(status);
}

static void phase_no_loop(void)
{
    RUN(test_no_loop);
}

int main(void)
{
    int failed = 0;
    failed |= run_phase(phase_no_loop, "capi.events (no loop)");
    failed |= run_phase(phase_default_loop, "capi.events (default loop)");
    failed |= run_phase(phase_app_loop, "capi.events (application loop)");
    printf("capi.events: %s\n", failed ? "FAILED" : "passed");
    return failed;
}
