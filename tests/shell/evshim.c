/* Test helper for the shell's 'event' command.
 *
 * Preloaded (LD_PRELOAD) into the shell under test, it starts a thread that
 * waits a little, opens its own connection to the same test driver URI
 * (test:///default is shared inside one process) and performs domain
 * operations, so that the 'event' command running in the main thread has
 * real events to print.  Only libvirt's public API is used.
 *
 *   VIRTHUB_EVSHIM_OPS     operations, one letter each:
 *                          s suspend, r resume, d destroy, c start,
 *                          h shutdown, v save, R restore, x redefine,
 *                          u undefine, T set title, D set description,
 *                          . pause 200 ms
 *   VIRTHUB_EVSHIM_URI     connection URI (default test:///default)
 *   VIRTHUB_EVSHIM_DOMAIN  domain name (default "test")
 *   VIRTHUB_EVSHIM_DELAY   initial delay in ms (default 500)
 *   VIRTHUB_EVSHIM_FILE    save image path (default /tmp/virthub-evshim.img)
 */
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
    const char *ops = getenv("VIRTHUB_EVSHIM_OPS");
    const char *uri = getenv("VIRTHUB_EVSHIM_URI");
    const char *name = getenv("VIRTHUB_EVSHIM_DOMAIN");
    const char *delay = getenv("VIRTHUB_EVSHIM_DELAY");
    const char *file = getenv("VIRTHUB_EVSHIM_FILE");
    virConnectPtr conn;
    virDomainPtr dom;
    const char *p;

    (void)arg;
    if (!uri)
        uri = "test:///default";
    if (!name)
        name = "test";
    if (!file)
        file = "/tmp/virthub-evshim.img";
    usleep((useconds_t)(delay ? atoi(delay) : 500) * 1000);

    conn = virConnectOpen(uri);
    if (!conn)
        return NULL;
    dom = virDomainLookupByName(conn, name);
    if (!dom) {
        virConnectClose(conn);
        return NULL;
    }
    for (p = ops; *p; p++) {
        switch (*p) {
        case 's': virDomainSuspend(dom); break;
        case 'r': virDomainResume(dom); break;
        case 'd': virDomainDestroy(dom); break;
        case 'c': virDomainCreate(dom); break;
        case 'h': virDomainShutdown(dom); break;
        case 'v': virDomainSave(dom, file); break;
        case 'R': virDomainRestore(conn, file); break;
        case 'x': {
            char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
            if (xml) {
                virDomainPtr d = virDomainDefineXML(conn, xml);
                if (d)
                    virDomainFree(d);
                free(xml);
            }
            break;
        }
        case 'u': virDomainUndefine(dom); break;
        case 'T':
            virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, "title", NULL, NULL, 0);
            break;
        case 'D':
            virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_DESCRIPTION, "text", NULL, NULL, 0);
            break;
        case '.': usleep(200000); break;
        default: break;
        }
    }
    virDomainFree(dom);
    virConnectClose(conn);
    return NULL;
}

__attribute__((constructor)) static void evshim_init(void)
{
    pthread_t thread;
    if (!getenv("VIRTHUB_EVSHIM_OPS"))
        return;
    if (pthread_create(&thread, NULL, worker, NULL) == 0)
        pthread_detach(thread);
}
