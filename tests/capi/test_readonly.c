/* capi.readonly: a read-only connection refuses every write with VIR_ERR_OPERATION_DENIED and
 * allows reads. */
#include "check.h"

#define DENIED(fn) "operation forbidden: read only access prevents " fn

static const char *const kXML =
    "<domain type='test'><name>ro-test</name><memory>1024</memory><os><type>hvm</type></os></domain>";

static virConnectPtr ro;
static virDomainPtr dom;

static void test_reads_allowed(void)
{
    virDomainInfo info;
    int state = -1, reason = -1, ids[4];
    char *xml;
    virDomainPtr *doms = NULL;
    int n, i;
    CHECK_INT(virConnectIsAlive(ro), 1);
    CHECK_STR(virConnectGetType(ro), "TEST");
    CHECK_INT(virConnectNumOfDomains(ro), 1);
    CHECK_INT(virConnectListDomains(ro, ids, 4), 1);
    CHECK_INT(ids[0], 1);
    n = virConnectListAllDomains(ro, &doms, 0);
    CHECK_INT(n, 1);
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    CHECK_INT(virDomainGetInfo(dom, &info), 0);
    CHECK_INT(info.state, VIR_DOMAIN_RUNNING);
    CHECK_INT(virDomainGetState(dom, &state, &reason, 0), 0);
    CHECK_INT(state, VIR_DOMAIN_RUNNING);
    xml = virDomainGetXMLDesc(dom, 0);
    CHECK(xml != NULL);
    CHECK_SUBSTR(xml, "<name>test</name>");
    free(xml);
    CHECK_INT(virDomainIsActive(dom), 1);
    CHECK_NO_ERR();
}

static void test_secure_xml_denied(void)
{
    char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);
    CHECK(xml == NULL);
    free(xml);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, "operation forbidden: virDomainGetXMLDesc with secure flag");
}

static void test_writes_denied(void)
{
    virDomainPtr d;
    CHECK_INT(virDomainCreate(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainCreate"));
    CHECK_INT(virDomainDestroy(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainDestroy"));
    CHECK_INT(virDomainSuspend(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSuspend"));
    CHECK_INT(virDomainResume(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainResume"));
    CHECK_INT(virDomainShutdown(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainShutdown"));
    CHECK_INT(virDomainReboot(dom, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainReboot"));
    CHECK_INT(virDomainUndefine(dom), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainUndefine"));
    CHECK_INT(virDomainSetMemory(dom, 1024), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSetMemory"));
    CHECK_INT(virDomainSetVcpus(dom, 1), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSetVcpus"));
    CHECK_INT(virDomainSetAutostart(dom, 1), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSetAutostart"));
    CHECK_INT(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, "t", NULL, NULL, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSetMetadata"));
    CHECK_INT(virDomainSave(dom, "/nonexistent/ro-save"), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSave"));
    CHECK_INT(virDomainManagedSave(dom, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainManagedSave"));
    CHECK_INT(virDomainRename(dom, "x", 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainRename"));
    d = virDomainDefineXML(ro, kXML);
    CHECK(d == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainDefineXML"));
    d = virDomainCreateXML(ro, kXML, 0);
    CHECK(d == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainCreateXML"));
    CHECK_INT(virDomainRestore(ro, "/nonexistent/ro-save"), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainRestore"));
}

/* Nothing changed behind the refusals. */
static void test_state_unchanged(void)
{
    virConnectPtr rw = virConnectOpen("test:///default");
    virDomainPtr d;
    int state = -1, reason = -1, autostart = -1;
    REQUIRE(rw != NULL);
    d = virDomainLookupByName(rw, "test");
    REQUIRE(d != NULL);
    CHECK_INT(virDomainGetState(d, &state, &reason, 0), 0);
    CHECK_INT(state, VIR_DOMAIN_RUNNING);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 0);
    CHECK(virDomainLookupByName(rw, "ro-test") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, NULL);
    CHECK_INT(virConnectNumOfDefinedDomains(rw), 0);
    virDomainFree(d);
    virConnectClose(rw);
}

/* The flag travels through virConnectOpenAuth too. */
static void test_open_auth_readonly(void)
{
    virConnectPtr c = virConnectOpenAuth("test:///default", NULL, VIR_CONNECT_RO);
    virDomainPtr d;
    REQUIRE(c != NULL);
    d = virDomainLookupByID(c, 1);
    REQUIRE(d != NULL);
    CHECK_INT(virDomainSuspend(d), -1);
    CHECK_ERR(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, DENIED("virDomainSuspend"));
    virDomainFree(d);
    virConnectClose(c);
}

int main(void)
{
    check_init(1);
    ro = virConnectOpenReadOnly("test:///default");
    if (!ro) {
        fprintf(stderr, "cannot open test:///default read-only\n");
        return 1;
    }
    dom = virDomainLookupByName(ro, "test");
    if (!dom) {
        fprintf(stderr, "no domain 'test'\n");
        return 1;
    }
    RUN(test_reads_allowed);
    RUN(test_secure_xml_denied);
    RUN(test_writes_denied);
    RUN(test_state_unchanged);
    RUN(test_open_auth_readonly);
    virDomainFree(dom);
    virConnectClose(ro);
    return check_done("capi.readonly");
}
