/* capi.qemu_lxc: libvirt-qemu.so.0 and libvirt-lxc.so.0 load beside libvirt.so.0 and answer
 * as libvirt's do on a connection whose driver has none of their functions. */
#include <string.h>

#include <libvirt/libvirt-lxc.h>
#include <libvirt/libvirt-qemu.h>

#include "check.h"

#define UNSUPPORTED(fn) "this function is not supported by the connection driver: " fn

static virConnectPtr conn;
static virDomainPtr dom;

static void test_qemu_unsupported(void)
{
    char *result = NULL;
    CHECK_INT(virDomainQemuMonitorCommand(dom, "{\"execute\":\"query-status\"}", &result, 0), -1);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, UNSUPPORTED("virDomainQemuMonitorCommand"));
    CHECK(virDomainQemuAgentCommand(dom, "{}", 5, 0) == NULL);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, UNSUPPORTED("virDomainQemuAgentCommand"));
    CHECK(virDomainQemuAttach(conn, 1, 0) == NULL);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, UNSUPPORTED("virDomainQemuAttach"));
}

static void test_qemu_invalid_domain(void)
{
    char *result = NULL;
    CHECK_INT(virDomainQemuMonitorCommand(NULL, "{}", &result, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, NULL);
}

static void test_lxc_unsupported(void)
{
    int *fds = NULL;
    CHECK_INT(virDomainLxcOpenNamespace(dom, &fds, 0), -1);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, UNSUPPORTED("virDomainLxcOpenNamespace"));
}

static void test_lxc_security_labels(void)
{
    virSecurityModel model;
    virSecurityLabel label, old;
    memset(&model, 0, sizeof(model));
    memset(&label, 0, sizeof(label));
    strcpy(model.model, "none");
    CHECK_INT(virDomainLxcEnterSecurityLabel(&model, &label, &old, 0), 0);
    CHECK_NO_ERR();
    strcpy(model.model, "bogus");
    CHECK_INT(virDomainLxcEnterSecurityLabel(&model, &label, &old, 0), -1);
    CHECK_ERR(VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE,
              "argument unsupported: Security model bogus cannot be entered");
}

int main(void)
{
    check_init(1);
    conn = virConnectOpen("test:///default");
    if (!conn) {
        fprintf(stderr, "cannot open test:///default\n");
        return 1;
    }
    dom = virDomainLookupByName(conn, "test");
    if (!dom) {
        fprintf(stderr, "no domain 'test'\n");
        return 1;
    }
    RUN(test_qemu_unsupported);
    RUN(test_qemu_invalid_domain);
    RUN(test_lxc_unsupported);
    RUN(test_lxc_security_labels);
    virDomainFree(dom);
    virConnectClose(conn);
    return check_done("capi.qemu_lxc");
}
