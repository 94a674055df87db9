/* capi.handles: NULL and freed handles are reported invalid (never a crash), and reference
 * counting of connections and domains behaves as libvirt's. */
#include "check.h"

static void test_null_connection(void)
{
    unsigned long ver = 0;
    CHECK(virConnectGetType(NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectGetType");
    CHECK_INT(virConnectGetVersion(NULL, &ver), -1);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectGetVersion");
    CHECK(virDomainLookupByName(NULL, "test") == NULL);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virDomainLookupByName");
    CHECK_INT(virConnectNumOfDomains(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectNumOfDomains");
    CHECK(virDomainDefineXML(NULL, "<domain/>") == NULL);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virDomainDefineXML");
    CHECK_INT(virConnectClose(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "invalid connection pointer in virConnectClose");
    CHECK_INT(virConnectRef(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectRef");
    CHECK(virConnectGetURI(NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectGetURI");
}

static void test_null_domain(void)
{
    virDomainInfo info;
    int state, reason;
    char uuid[VIR_UUID_STRING_BUFLEN];
    CHECK_INT(virDomainGetInfo(NULL, &info), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetInfo");
    CHECK_INT(virDomainGetState(NULL, &state, &reason, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetState");
    CHECK(virDomainGetName(NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetName");
    CHECK_INT(virDomainGetID(NULL), (unsigned int)-1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetID");
    CHECK_INT(virDomainGetUUIDString(NULL, uuid), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetUUIDString");
    CHECK(virDomainGetXMLDesc(NULL, 0) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetXMLDesc");
    CHECK(virDomainGetConnect(NULL) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetConnect");
    CHECK_INT(virDomainCreate(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainCreate");
    CHECK_INT(virDomainDestroy(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainDestroy");
    CHECK_INT(virDomainFree(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainFree");
    CHECK_INT(virDomainRef(NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainRef");
}

/* A domain handle keeps its connection: close answers 1 until the handle is freed. */
static void test_close_refcount(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    REQUIRE(conn != NULL);
    dom = virDomainLookupByName(conn, "test");
    REQUIRE(dom != NULL);
    CHECK(virDomainGetConnect(dom) == conn);
    CHECK_INT(virConnectClose(conn), 1);
    /* the connection still works through the domain */
    CHECK_STR(virDomainGetName(dom), "test");
    CHECK_INT(virDomainGetID(dom), 1);
    CHECK_STR(virConnectGetType(virDomainGetConnect(dom)), "TEST");
    CHECK_INT(virDomainFree(dom), 0);
    CHECK_NO_ERR();
}

static void test_close_last(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    REQUIRE(conn != NULL);
    dom = virDomainLookupByName(conn, "test");
    REQUIRE(dom != NULL);
    CHECK_INT(virDomainFree(dom), 0);
    CHECK_INT(virConnectClose(conn), 0);
}

static void test_connect_ref(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    REQUIRE(conn != NULL);
    CHECK_INT(virConnectRef(conn), 0);
    CHECK_INT(virConnectRef(conn), 0);
    CHECK_INT(virConnectClose(conn), 1);
    CHECK_INT(virConnectClose(conn), 1);
    CHECK_STR(virConnectGetType(conn), "TEST");
    CHECK_INT(virConnectClose(conn), 0);
}

static void test_domain_ref(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    REQUIRE(conn != NULL);
    dom = virDomainLookupByName(conn, "test");
    REQUIRE(dom != NULL);
    CHECK_INT(virDomainRef(dom), 0);
    CHECK_INT(virDomainFree(dom), 0);
    /* one reference left: the handle still answers */
    CHECK_STR(virDomainGetName(dom), "test");
    CHECK_INT(virConnectClose(conn), 1);
    CHECK_INT(virDomainFree(dom), 0);
}

/* Two lookups give two handles (or the same one) that both stay usable until freed. */
static void test_independent_handles(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr a, b;
    unsigned char ua[VIR_UUID_BUFLEN], ub[VIR_UUID_BUFLEN];
    REQUIRE(conn != NULL);
    a = virDomainLookupByName(conn, "test");
    b = virDomainLookupByID(conn, 1);
    REQUIRE(a != NULL && b != NULL);
    CHECK_INT(virDomainGetUUID(a, ua), 0);
    CHECK_INT(virDomainFree(a), 0);
    CHECK_INT(virDomainGetUUID(b, ub), 0);
    CHECK(memcmp(ua, ub, VIR_UUID_BUFLEN) == 0);
    CHECK_INT(virDomainFree(b), 0);
    CHECK_INT(virConnectClose(conn), 0);
}

/* Handles used after their last reference is gone read as invalid, never as a crash. */
static void test_stale_handles(void)
{
    virDomainInfo info;
    virConnectPtr conn = virConnectOpen("test:///default");
    virConnectPtr keep = virConnectOpen("test:///default");
    virDomainPtr dom;
    REQUIRE(conn != NULL && keep != NULL);
    dom = virDomainLookupByName(conn, "test");
    REQUIRE(dom != NULL);
    CHECK_INT(virDomainFree(dom), 0);
    CHECK_INT(virDomainGetInfo(dom, &info), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainGetInfo");
    CHECK_INT(virDomainFree(dom), -1);
    CHECK_ERR(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "invalid domain pointer in virDomainFree");
    CHECK_INT(virConnectClose(conn), 0);
    CHECK(virConnectGetType(conn) == NULL);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_DOMAIN, "invalid connection pointer in virConnectGetType");
    CHECK_INT(virConnectClose(conn), -1);
    CHECK_ERR(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "invalid connection pointer in virConnectClose");
    /* the other connection is unaffected */
    CHECK_STR(virConnectGetType(keep), "TEST");
    CHECK_INT(virConnectClose(keep), 0);
}

int main(void)
{
    check_init(1);
    RUN(test_null_connection);
    RUN(test_null_domain);
    RUN(test_close_refcount);
    RUN(test_close_last);
    RUN(test_connect_ref);
    RUN(test_domain_ref);
    RUN(test_independent_handles);
    RUN(test_stale_handles);
    return check_done("capi.handles");
}
