/* capi.args: argument checking as libvirt does it: NULL and out-of-range arguments, unknown
 * flags, URIs, UUID strings and functions the driver does not provide. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static virConnectPtr conn;
static virDomainPtr dom;

static void test_null_arguments(void)
{
    int state, reason;
    CHECK_INT(virDomainGetState(dom, NULL, &reason, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "state in virDomainGetState must not be NULL");
    CHECK_INT(virDomainGetState(dom, &state, NULL, 0), 0);   /* reason is optional */
    CHECK_INT(state, VIR_DOMAIN_RUNNING);
    CHECK_INT(virDomainGetInfo(dom, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "info in virDomainGetInfo must not be NULL");
    CHECK(virDomainLookupByName(conn, NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "name in virDomainLookupByName must not be NULL");
    CHECK(virDomainLookupByUUIDString(conn, NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "uuidstr in virDomainLookupByUUIDString must not be NULL");
    CHECK(virDomainLookupByUUID(conn, NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "uuid in virDomainLookupByUUID must not be NULL");
    CHECK(virDomainDefineXML(conn, NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "xml in virDomainDefineXML must not be NULL");
    CHECK(virDomainCreateXML(conn, NULL, 0) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "xmlDesc in virDomainCreateXML must not be NULL");
    CHECK_INT(virDomainGetUUID(dom, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "uuid in virDomainGetUUID must not be NULL");
    CHECK_INT(virDomainGetUUIDString(dom, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "buf in virDomainGetUUIDString must not be NULL");
    CHECK_INT(virDomainGetAutostart(dom, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "autostart in virDomainGetAutostart must not be NULL");
    CHECK_INT(virDomainSave(dom, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "to in virDomainSave must not be NULL");
    CHECK_INT(virDomainRestore(conn, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "from in virDomainRestore must not be NULL");
    CHECK_INT(virNodeGetInfo(conn, NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "info in virNodeGetInfo must not be NULL");
    /* libvirt fails without naming the argument */
    CHECK_INT(virGetVersion(NULL, NULL, NULL), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE, "An error occurred, but the cause is unknown");
}

static void test_range_arguments(void)
{
    int ids[2];
    char *names[2];
    CHECK(virDomainLookupByID(conn, -1) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "id in virDomainLookupByID must be zero or greater");
    CHECK_INT(virConnectListDomains(conn, ids, -1), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "maxids in virConnectListDomains must be zero or greater");
    CHECK_INT(virConnectListDomains(conn, NULL, 2), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "ids in virConnectListDomains must not be NULL");
    CHECK_INT(virConnectListDomains(conn, NULL, 0), 0);
    CHECK_INT(virConnectListDefinedDomains(conn, names, -1), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "maxnames in virConnectListDefinedDomains must be zero or greater");
    CHECK_INT(virDomainSetMemory(dom, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "memory in virDomainSetMemory must not be zero");
    CHECK_INT(virDomainSetVcpus(dom, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "nvcpus in virDomainSetVcpus must not be zero");
    CHECK_INT(virDomainRename(dom, "", 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "string new_name in virDomainRename must not be empty");
}

static void test_unknown_flags(void)
{
    int state, reason;
    char *xml;
    virDomainPtr *doms = NULL;
    CHECK_INT(virDomainGetState(dom, &state, &reason, 1), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x1) in function testDomainGetState");
    CHECK_INT(virDomainShutdownFlags(dom, 4), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x4) in function testDomainShutdownFlags");
    xml = virDomainGetXMLDesc(dom, 0x100);
    CHECK(xml == NULL);
    free(xml);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x100) in function testDomainGetXMLDesc");
    CHECK_INT(virDomainCreateWithFlags(dom, 0x80000000u), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x80000000) in function testDomainCreateWithFlags");
    CHECK_INT(virConnectListAllDomains(conn, &doms, 1u << 20), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x100000) in function testConnectListAllDomains");
    CHECK(doms == NULL);
    CHECK(virDomainDefineXMLFlags(conn, "<domain/>", 0x10) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x10) in function testDomainDefineXMLFlags");
    CHECK_INT(virDomainDestroyFlags(dom, 0x2), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x2) in function testDomainDestroyFlags");
    /* nothing happened */
    CHECK_INT(virDomainGetState(dom, &state, &reason, 0), 0);
    CHECK_INT(state, VIR_DOMAIN_RUNNING);
}

static void test_bad_uris(void)
{
    virConnectPtr c;
    c = virConnectOpen("::::");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_URI, "internal error: Unable to parse URI ::::");
    c = virConnectOpenReadOnly("::::");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_URI, "internal error: Unable to parse URI ::::");
    c = virConnectOpen("test://");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: testOpen: supply a path or use test:///default");
    c = virConnectOpen("test:///");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: testOpen: supply a path or use test:///default");
    c = virConnectOpen("test:///nonexistent-virthub-node.xml");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: failed to parse xml document '/nonexistent-virthub-node.xml'");
    c = virConnectOpen("foo");
    CHECK(c == NULL);
    CHECK_ERR(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
        "no connection driver available for URI 'foo' does not include a driver name");
    /* No driver for the scheme. (libvirt built with its remote driver hands such URIs to the
     * daemon instead, so the reference run skips this.) */
    if (!check_reference()) {
        c = virConnectOpen("nosuch:///x");
        CHECK(c == NULL);
        CHECK_ERR(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "no connection driver available for nosuch:///x");
    }
}

static void test_default_uri(void)
{
    virConnectPtr c;
    char *uri;
    REQUIRE_INT(setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1), 0);
    c = virConnectOpen(NULL);
    REQUIRE(c != NULL);
    uri = virConnectGetURI(c);
    CHECK_STR(uri, "test:///default");
    free(uri);
    CHECK_INT(virConnectClose(c), 0);
    c = virConnectOpen("");
    CHECK(c != NULL);
    if (c)
        virConnectClose(c);
    unsetenv("LIBVIRT_DEFAULT_URI");
}

static void test_bad_uuid_strings(void)
{
    static const char *const bad[] = {
        "", "bad", "6695eb01-f6a4-8304-79aa-97f2502e193", "6695eb01-f6a4-8304-79aa-97f2502e193fa",
        "6695eb01-f6a4-8304-79aa-97f2502e193g", "zz95eb01f6a4830479aa97f2502e193f",
    };
    size_t i;
    virDomainPtr d;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        d = virDomainLookupByUUIDString(conn, bad[i]);
        CHECK(d == NULL);
        if (d)
            virDomainFree(d);
        CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "Invalid UUID");
    }
    /* accepted spellings of the default domain's UUID */
    d = virDomainLookupByUUIDString(conn, "6695eb01f6a4830479aa97f2502e193f");
    CHECK(d != NULL);
    if (d)
        virDomainFree(d);
    d = virDomainLookupByUUIDString(conn, "6695EB01-F6A4-8304-79AA-97F2502E193F");
    CHECK(d != NULL);
    if (d)
        virDomainFree(d);
    /* well-formed but unknown */
    d = virDomainLookupByUUIDString(conn, "6695eb01-f6a4-8304-79aa-97f2502e193e");
    CHECK(d == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    /* in a definition */
    d = virDomainDefineXML(conn, "<domain type='test'><name>baduuid</name><uuid>not-a-uuid</uuid>"
                                 "<memory>1024</memory><os><type>hvm</type></os></domain>");
    CHECK(d == NULL);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_DOMAIN, "internal error: malformed uuid element");
}

static void test_unsupported_functions(void)
{
    char *s;
    s = virConnectDomainXMLFromNative(conn, "qemu-argv", "x", 0);
    CHECK(s == NULL);
    free(s);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_DOMAIN,
              "this function is not supported by the connection driver: virConnectDomainXMLFromNative");
    CHECK_INT(virDomainMigrateSetMaxSpeed(dom, 1, 0), -1);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_DOMAIN,
              "this function is not supported by the connection driver: virDomainMigrateSetMaxSpeed");
    CHECK_INT(virDomainMigrateSetMaxDowntime(dom, 1, 0), -1);
    CHECK_ERR(VIR_ERR_NO_SUPPORT, VIR_FROM_DOMAIN,
              "this function is not supported by the connection driver: virDomainMigrateSetMaxDowntime");
}

int main(void)
{
    check_init(1);
    conn = virConnectOpen("test:///default");
    if (!conn || !(dom = virDomainLookupByName(conn, "test"))) {
        fprintf(stderr, "cannot open test:///default\n");
        return 1;
    }
    RUN(test_null_arguments);
    RUN(test_range_arguments);
    RUN(test_unknown_flags);
    RUN(test_bad_uris);
    RUN(test_default_uri);
    RUN(test_bad_uuid_strings);
    RUN(test_unsupported_functions);
    virDomainFree(dom);
    virConnectClose(conn);
    return check_done("capi.args");
}
