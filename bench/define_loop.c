/* In-process libvirt benchmark against test:///default, public API only.
 *
 * Compiled once against Debian's /usr/include/libvirt headers and linked with
 * -lvirt; the same binary runs on Debian's libvirt (default loader path) and
 * on virthub (LD_LIBRARY_PATH=build/capi). It prints which libvirt.so.0 was
 * actually loaded so the two runs cannot silently be the same library.
 *
 * Usage: define_loop MODE [N]   or   define_loop parse|format FILE [N]
 *   define  N  define+lookupByName+XMLDesc+undefine of N small domains (2000)
 *   small   N  defineXML of N new small domains (undefined untimed)   (5000)
 *   lookup  N  N lookupByName("test") + virDomainFree calls       (200000)
 *   listall N  define 1000 domains, then N listAllDomains calls     (200)
 *   parse   FILE N  re-define the rich domain in FILE N times       (2000)
 *   format  FILE N  XMLDesc(0) of the rich domain in FILE N times   (20000)
 *
 * Output: one JSON object on stdout. Exit 1 on any API error.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define URI "test:///default"
#define LISTALL_EXTRA 1000

static const char *mode;

static void die(const char *what)
{
    const char *msg = virGetLastErrorMessage();
    fprintf(stderr, "define_loop %s: %s failed: %s\n", mode, what, msg ? msg : "(no message)");
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void domain_xml(char *buf, size_t len, int i)
{
    snprintf(buf, len,
             "<domain type='test'>"
             "<name>bench-%d</name>"
             "<memory unit='KiB'>131072</memory>"
             "<vcpu>1</vcpu>"
             "<os><type arch='x86_64'>hvm</type></os>"
             "</domain>", i);
}

static void define_one(virConnectPtr conn, int i)
{
    char xml[512];
    domain_xml(xml, sizeof xml, i);
    virDomainPtr dom = virDomainDefineXML(conn, xml);
    if (!dom)
        die("virDomainDefineXML");
    virDomainFree(dom);
}

static void undefine_by_name(virConnectPtr conn, int i)
{
    char name[64];
    snprintf(name, sizeof name, "bench-%d", i);
    virDomainPtr dom = virDomainLookupByName(conn, name);
    if (!dom)
        die("virDomainLookupByName");
    if (virDomainUndefine(dom) < 0)
        die("virDomainUndefine");
    virDomainFree(dom);
}

/* One sequence: define, lookup by name, XMLDesc, undefine. */
static void run_define(virConnectPtr conn, long n)
{
    char xml[512], name[64];
    for (long i = 0; i < n; i++) {
        domain_xml(xml, sizeof xml, (int)i);
        snprintf(name, sizeof name, "bench-%ld", i);
        virDomainPtr dom = virDomainDefineXML(conn, xml);
        if (!dom)
            die("virDomainDefineXML");
        virDomainPtr look = virDomainLookupByName(conn, name);
        if (!look)
            die("virDomainLookupByName");
        char *desc = virDomainGetXMLDesc(look, 0);
        if (!desc || !strstr(desc, name))
            die("virDomainGetXMLDesc");
        free(desc);
        if (virDomainUndefine(look) < 0)
            die("virDomainUndefine");
        virDomainFree(look);
        virDomainFree(dom);
    }
}

static void run_small(virConnectPtr conn, long n)
{
    for (long i = 0; i < n; i++)
        define_one(conn, (int)i);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Redefining a persistent, inactive domain replaces its definition: each call is one whole
 * parse → post-parse → validate of the document, plus the swap. */
static void run_parse(virConnectPtr conn, const char *xml, long n)
{
    for (long i = 0; i < n; i++) {
        virDomainPtr dom = virDomainDefineXML(conn, xml);
        if (!dom)
            die("virDomainDefineXML(rich)");
        virDomainFree(dom);
    }
}

static void run_format(virDomainPtr dom, long n)
{
    for (long i = 0; i < n; i++) {
        char *desc = virDomainGetXMLDesc(dom, 0);
        if (!desc || !strstr(desc, "</devices>"))
            die("virDomainGetXMLDesc(rich)");
        free(desc);
    }
}

static void run_lookup(virConnectPtr conn, long n)
{
    for (long i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByName(conn, "test");
        if (!dom)
            die("virDomainLookupByName");
        virDomainFree(dom);
    }
}

static void run_listall(virConnectPtr conn, long n, int expect)
{
    for (long i = 0; i < n; i++) {
        virDomainPtr *doms = NULL;
        int got = virConnectListAllDomains(conn, &doms, 0);
        if (got < 0)
            die("virConnectListAllDomains");
        if (got != expect) {
            fprintf(stderr, "define_loop listall: got %d domains, expected %d\n", got, expect);
            exit(1);
        }
        for (int j = 0; j < got; j++)
            virDomainFree(doms[j]);
        free(doms);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s define|small|lookup|listall [N]\n"
                        "       %s parse|format FILE [N]\n", argv[0], argv[0]);
        return 2;
    }
    mode = argv[1];
    const char *rich = NULL;
    int narg = 2;
    long n;
    if (strcmp(mode, "parse") == 0 || strcmp(mode, "format") == 0) {
        if (argc < 3) {
            fprintf(stderr, "%s needs the rich domain file\n", mode);
            return 2;
        }
        rich = read_file(argv[2]);
        narg = 3;
        n = strcmp(mode, "parse") == 0 ? 2000 : 20000;
    } else if (strcmp(mode, "define") == 0)
        n = 2000;
    else if (strcmp(mode, "small") == 0)
        n = 5000;
    else if (strcmp(mode, "lookup") == 0)
        n = 200000;
    else if (strcmp(mode, "listall") == 0)
        n = 200;
    else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    if (argc > narg)
        n = strtol(argv[narg], NULL, 10);
    if (n <= 0 || n > 100000000) {
        fprintf(stderr, "bad N\n");
        return 2;
    }

    /* Which libvirt.so.0 is this process really running on? */
    Dl_info info;
    char lib[PATH_MAX] = "?";
    if (dladdr((void *)virConnectOpen, &info) && info.dli_fname) {
        if (!realpath(info.dli_fname, lib))
            snprintf(lib, sizeof lib, "%s", info.dli_fname);
    }
    unsigned long libver = 0;
    virGetVersion(&libver, NULL, NULL);

    virConnectPtr conn = virConnectOpen(URI);
    if (!conn)
        die("virConnectOpen");

    double t0 = 0, t1 = 0;
    long ops = n;
    if (strcmp(mode, "define") == 0) {
        t0 = now();
        run_define(conn, n);
        t1 = now();
    } else if (strcmp(mode, "small") == 0) {
        t0 = now();
        run_small(conn, n);
        t1 = now();
        for (long i = 0; i < n; i++)
            undefine_by_name(conn, (int)i);
    } else if (rich) {
        virDomainPtr dom = virDomainDefineXML(conn, rich);
        if (!dom)
            die("virDomainDefineXML(rich)");
        if (strcmp(mode, "parse") == 0) {
            run_parse(conn, rich, 50); /* warm up */
            t0 = now();
            run_parse(conn, rich, n);
            t1 = now();
        } else {
            run_format(dom, 200); /* warm up */
            t0 = now();
            run_format(dom, n);
            t1 = now();
        }
        if (virDomainUndefine(dom) < 0)
            die("virDomainUndefine(rich)");
        virDomainFree(dom);
    } else if (strcmp(mode, "lookup") == 0) {
        virDomainPtr check = virDomainLookupByName(conn, "test");
        if (!check || !virDomainGetName(check) || strcmp(virDomainGetName(check), "test") != 0)
            die("virDomainLookupByName(test) check");
        virDomainFree(check);
        run_lookup(conn, 1000); /* warm up */
        t0 = now();
        run_lookup(conn, n);
        t1 = now();
    } else {
        for (int i = 0; i < LISTALL_EXTRA; i++)
            define_one(conn, i);
        run_listall(conn, 5, LISTALL_EXTRA + 1); /* warm up */
        t0 = now();
        run_listall(conn, n, LISTALL_EXTRA + 1);
        t1 = now();
        for (int i = 0; i < LISTALL_EXTRA; i++)
            undefine_by_name(conn, i);
    }

    if (virConnectClose(conn) < 0)
        die("virConnectClose");

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = t1 - t0;
    printf("{\"mode\": \"%s\", \"lib\": \"%s\", \"libver\": %lu, \"n\": %ld, "
           "\"seconds\": %.6f, \"per_sec\": %.1f, \"ms_per_op\": %.6f, \"maxrss_kb\": %ld}\n",
           mode, lib, libver, ops, secs, ops / secs, secs * 1000.0 / ops, ru.ru_maxrss);
    return 0;
}
