/* capi.domains: test:///default's domains and their lifecycle, as libvirt's test driver has
 * them. The cases run in order on one shared state; each one removes what it defined. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "check.h"

static virConnectPtr conn;

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

/* What libvirt's test driver answers for virDomainGetXMLDesc(test, 0) on a fresh state. */
static const char *const kDefaultXML =
    "<domain type='test' id='1'>\n"
    "  <name>test</name>\n"
    "  <uuid>" TEST_UUID "</uuid>\n"
    "  <memory unit='KiB'>8388608</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='i686'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <target dev='testnet0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

/* A minimal definition: name, optional UUID, 1 GiB, 4 vCPUs. */
static const char *domain_xml(const char *name, const char *uuid)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "<domain type='test'><name>%s</name>%s%s%s<memory>1048576</memory><vcpu>4</vcpu>"
             "<os><type>hvm</type></os></domain>",
             name, uuid ? "<uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>" : "");
    return buf;
}

static int state_of(virDomainPtr d, int *reason)
{
    int state = -1, r = -1;
    if (virDomainGetState(d, &state, &r, 0) < 0)
        return -1;
    if (reason)
        *reason = r;
    return state;
}

#define CHECK_STATE(d, want_state, want_reason)                  \
    do {                                                         \
        int reason_ = -1;                                        \
        CHECK_INT(state_of((d), &reason_), (want_state));        \
        CHECK_INT(reason_, (want_reason));                       \
    } while (0)

static int xml_contains(virDomainPtr d, unsigned int flags, const char *text)
{
    char *xml = virDomainGetXMLDesc(d, flags);
    int found = xml && strstr(xml, text) != NULL;
    if (!found)
        fprintf(stderr, "  XML (flags %u) lacks \"%s\":\n%s", flags, text, xml ? xml : "(null)\n");
    free(xml);
    return found;
}

/* Names of virConnectListAllDomains(flags), sorted, joined by ','. */
static const char *list_names(unsigned int flags)
{
    static char buf[1024];
    virDomainPtr *doms = NULL;
    const char *names[64];
    int n = virConnectListAllDomains(conn, &doms, flags), i, j;
    buf[0] = '\0';
    if (n < 0)
        return "(error)";
    for (i = 0; i < n && i < 64; i++)
        names[i] = virDomainGetName(doms[i]);
    for (i = 1; i < n && i < 64; i++)
        for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (i = 0; i < n && i < 64; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, names[i]);
    }
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return buf;
}

static void test_connection(void)
{
    unsigned long ver = 0;
    char *uri = virConnectGetURI(conn);
    virNodeInfo node;
    CHECK_STR(uri, "test:///default");
    free(uri);
    CHECK_STR(virConnectGetType(conn), "TEST");
    CHECK_INT(virConnectGetVersion(conn, &ver), 0);
    CHECK_INT(ver, 2);
    CHECK_INT(virConnectGetLibVersion(conn, &ver), 0);
    CHECK_INT(ver, 9000000);
    CHECK_INT(virConnectIsAlive(conn), 1);
    CHECK_INT(virConnectIsSecure(conn), 1);
    CHECK_INT(virConnectIsEncrypted(conn), 0);
    CHECK_INT(virConnectGetMaxVcpus(conn, NULL), 32);
    CHECK_INT(virNodeGetInfo(conn, &node), 0);
    CHECK_STR(node.model, "i686");
    CHECK_INT(node.memory, 3145728);
    CHECK_INT(node.cpus, 16);
    CHECK_INT(node.mhz, 1400);
    CHECK_INT(node.nodes, 2);
    CHECK_INT(node.sockets, 2);
    CHECK_INT(node.cores, 2);
    CHECK_INT(node.threads, 2);
}

static void test_default_state(void)
{
    virDomainPtr d = virDomainLookupByName(conn, "test");
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN], *names[4], *xml, *os, inactive[4096];
    int ids[4], autostart = -1;
    REQUIRE(d != NULL);
    CHECK_STR(virDomainGetName(d), "test");
    CHECK_INT(virDomainGetID(d), 1);
    CHECK_INT(virDomainGetUUIDString(d, uuid), 0);
    CHECK_STR(uuid, TEST_UUID);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, 0);
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.state, VIR_DOMAIN_RUNNING);
    CHECK_INT(info.maxMem, 8388608);
    CHECK_INT(info.memory, 2097152);
    CHECK_INT(info.nrVirtCpu, 2);
    CHECK(info.cpuTime > 0);
    CHECK_INT(virDomainGetMaxMemory(d), 8388608);
    os = virDomainGetOSType(d);
    CHECK_STR(os, "linux");
    free(os);
    CHECK_INT(virDomainIsActive(d), 1);
    CHECK_INT(virDomainIsPersistent(d), 1);
    CHECK_INT(virDomainIsUpdated(d), 0);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 0);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 0);
    CHECK_INT(virDomainGetVcpusFlags(d, 0), 2);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_VCPU_MAXIMUM), 2);
    CHECK_INT(virConnectNumOfDomains(conn), 1);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 0);
    CHECK_INT(virConnectListDomains(conn, ids, 4), 1);
    CHECK_INT(ids[0], 1);
    CHECK_INT(virConnectListDefinedDomains(conn, names, 4), 0);
    CHECK_STR(list_names(0), "test");
    xml = virDomainGetXMLDesc(d, 0);
    CHECK_STR(xml, kDefaultXML);
    free(xml);
    /* inactive: the same without the id */
    snprintf(inactive, sizeof(inactive), "<domain type='test'>%s", kDefaultXML + strlen("<domain type='test' id='1'>"));
    xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
    CHECK_STR(xml, inactive);
    free(xml);
    virDomainFree(d);
}

static void test_lookups(void)
{
    static const unsigned char raw[VIR_UUID_BUFLEN] = {0x66, 0x95, 0xeb, 0x01, 0xf6, 0xa4, 0x83, 0x04,
                                                       0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e, 0x19, 0x3f};
    unsigned char got[VIR_UUID_BUFLEN];
    virDomainPtr d;
    d = virDomainLookupByID(conn, 1);
    REQUIRE(d != NULL);
    CHECK_STR(virDomainGetName(d), "test");
    CHECK(virDomainGetConnect(d) == conn);
    CHECK_INT(virDomainGetUUID(d, got), 0);
    CHECK(memcmp(got, raw, VIR_UUID_BUFLEN) == 0);
    virDomainFree(d);
    d = virDomainLookupByUUID(conn, raw);
    REQUIRE(d != NULL);
    CHECK_STR(virDomainGetName(d), "test");
    CHECK_INT(virDomainGetID(d), 1);
    virDomainFree(d);
    d = virDomainLookupByUUIDString(conn, TEST_UUID);
    REQUIRE(d != NULL);
    CHECK_STR(virDomainGetName(d), "test");
    virDomainFree(d);

    CHECK(virDomainLookupByName(conn, "nosuch") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    CHECK(virDomainLookupByID(conn, 99) == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    got[0] ^= 0xff;
    CHECK(virDomainLookupByUUID(conn, got) == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
}

static void test_define_undefine(void)
{
    const char *uuid = "11111111-2222-3333-4444-555555555555";
    virDomainPtr d, again;
    char *names[4];
    char got[VIR_UUID_STRING_BUFLEN];
    int n, i;
    d = virDomainDefineXML(conn, domain_xml("cap-def", uuid));
    REQUIRE(d != NULL);
    CHECK_STR(virDomainGetName(d), "cap-def");
    CHECK_INT(virDomainGetID(d), (unsigned int)-1);
    CHECK_INT(virDomainGetUUIDString(d, got), 0);
    CHECK_STR(got, uuid);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    CHECK_INT(virDomainIsActive(d), 0);
    CHECK_INT(virDomainIsPersistent(d), 1);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 1);
    CHECK_INT(virConnectNumOfDomains(conn), 1);
    n = virConnectListDefinedDomains(conn, names, 4);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(names[0], "cap-def");
    for (i = 0; i < n; i++)
        free(names[i]);
    CHECK(xml_contains(d, 0, "<memory unit='KiB'>1048576</memory>"));
    CHECK(xml_contains(d, 0, "<currentMemory unit='KiB'>1048576</currentMemory>"));
    CHECK(xml_contains(d, 0, "<vcpu placement='static'>4</vcpu>"));
    CHECK(xml_contains(d, 0, "<domain type='test'>\n"));

    /* redefining with the same UUID updates it */
    again = virDomainDefineXMLFlags(conn, domain_xml("cap-def", uuid), 0);
    CHECK(again != NULL);
    if (again)
        virDomainFree(again);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 1);
    /* a name or a UUID may not change owner */
    CHECK(virDomainDefineXML(conn, domain_xml("cap-def", NULL)) == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN, NULL);
    CHECK_SUBSTR(virGetLastErrorMessage(), "operation failed: domain 'cap-def' already exists with uuid " );
    CHECK(virDomainDefineXML(conn, domain_xml("cap-other", uuid)) == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN,
              "operation failed: domain 'cap-def' is already defined with uuid 11111111-2222-3333-4444-555555555555");
    CHECK(virDomainDefineXML(conn, domain_xml("test", "6695eb01-f6a4-8304-79aa-97f2502e193e")) == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN,
              "operation failed: domain 'test' already exists with uuid " TEST_UUID);
    /* a broken document */
    CHECK(virDomainDefineXML(conn, "<domain type='test'><name>x</name>") == NULL);
    CHECK_ERR(VIR_ERR_XML_DETAIL, VIR_FROM_DOMAIN, NULL);

    CHECK_INT(virDomainUndefine(d), 0);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 0);
    CHECK(virDomainLookupByName(conn, "cap-def") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    /* the handle outlives the domain; calls through it find nothing */
    CHECK_INT(state_of(d, NULL), -1);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST,
              "Domain not found: no domain with matching uuid '11111111-2222-3333-4444-555555555555' (cap-def)");
    CHECK_INT(virDomainUndefine(d), -1);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, NULL);
    virDomainFree(d);
}

static void test_lifecycle(void)
{
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-life", NULL));
    unsigned int id;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainCreate(d), 0);
    id = virDomainGetID(d);
    CHECK(id > 1 && id != (unsigned int)-1);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    CHECK_INT(virDomainIsActive(d), 1);
    CHECK_INT(virConnectNumOfDomains(conn), 2);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 0);
    CHECK(xml_contains(d, 0, "<domain type='test' id='"));
    CHECK_INT(virDomainCreate(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: Domain 'cap-life' is already running");

    CHECK_INT(virDomainSuspend(d), 0);
    CHECK_STATE(d, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    CHECK_INT(virDomainSuspend(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: domain 'cap-life' not running");
    CHECK_INT(virDomainResume(d), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    CHECK_INT(virDomainResume(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: domain 'cap-life' not paused");

    CHECK_INT(virDomainReset(d, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    CHECK_INT(virDomainReboot(d, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    CHECK_INT(virDomainGetID(d), id);

    CHECK_INT(virDomainShutdown(d), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    CHECK_INT(virDomainGetID(d), (unsigned int)-1);
    CHECK_INT(virDomainIsActive(d), 0);
    CHECK_INT(virConnectNumOfDomains(conn), 1);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 1);
    CHECK(xml_contains(d, 0, "<domain type='test'>\n"));

    /* what a shut-off domain refuses */
    CHECK_INT(virDomainShutdown(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: domain 'cap-life' not running");
    CHECK_INT(virDomainDestroy(d), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainReset(d, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainReboot(d, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainSuspend(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: domain 'cap-life' not running");
    CHECK_INT(virDomainResume(d), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: domain 'cap-life' not paused");
    CHECK_INT(virDomainManagedSave(d, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainSave(d, "/nonexistent/cap-life.save"), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");

    CHECK_INT(virDomainCreateWithFlags(d, 0), 0);
    CHECK(virDomainGetID(d) > id);
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    CHECK_INT(virDomainDestroyFlags(d, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, NULL);

    /* undefining a running domain makes it transient; it goes away when it stops */
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainUndefine(d), 0);
    CHECK_INT(virDomainIsPersistent(d), 0);
    CHECK_INT(virDomainIsActive(d), 1);
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK(virDomainLookupByName(conn, "cap-life") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    virDomainFree(d);
}

/* Every start takes the next id; ids are never reused. */
static void test_ids_increase(void)
{
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-ids", NULL));
    unsigned int last = 0, id;
    int i, ids[8], n;
    REQUIRE(d != NULL);
    for (i = 0; i < 5; i++) {
        CHECK_INT(virDomainCreate(d), 0);
        id = virDomainGetID(d);
        CHECK(id > last);
        CHECK(id > 1);
        n = virConnectListDomains(conn, ids, 8);
        CHECK_INT(n, 2);
        CHECK(n == 2 && (ids[0] == (int)id || ids[1] == (int)id));
        last = id;
        CHECK_INT(virDomainDestroy(d), 0);
    }
    /* the id is also the lookup key while it runs */
    CHECK_INT(virDomainCreate(d), 0);
    id = virDomainGetID(d);
    {
        virDomainPtr byid = virDomainLookupByID(conn, (int)id);
        CHECK(byid != NULL);
        if (byid) {
            CHECK_STR(virDomainGetName(byid), "cap-ids");
            virDomainFree(byid);
        }
    }
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK(virDomainLookupByID(conn, (int)id) == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_transient(void)
{
    virDomainPtr d = virDomainCreateXML(conn, domain_xml("cap-tr", "22222222-2222-3333-4444-555555555555"), 0);
    virDomainPtr p;
    REQUIRE(d != NULL);
    CHECK(virDomainGetID(d) > 1);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    CHECK_INT(virDomainIsPersistent(d), 0);
    CHECK_INT(virDomainIsActive(d), 1);
    CHECK_INT(virConnectNumOfDomains(conn), 2);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 0);
    CHECK_INT(virDomainManagedSave(d, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST,
              "Requested operation is not valid: cannot do managed save for transient domain");
    CHECK_INT(virDomainSetMemoryFlags(d, 1024, VIR_DOMAIN_AFFECT_CONFIG), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN,
              "Requested operation is not valid: transient domains do not have any persistent config");
    CHECK_INT(virDomainRename(d, "cap-tr2", 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "Requested operation is not valid: cannot rename active domain");
    /* libvirt's test driver lets a transient domain be undefined: nothing changes */
    CHECK_INT(virDomainUndefine(d), 0);
    CHECK_INT(virDomainIsPersistent(d), 0);
    CHECK_INT(virDomainIsActive(d), 1);
    /* starting it again by XML while it runs */
    CHECK(virDomainCreateXML(conn, domain_xml("cap-tr", "22222222-2222-3333-4444-555555555555"), 0) == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain 'cap-tr' is already active");
    /* it vanishes when it stops */
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK(virDomainLookupByName(conn, "cap-tr") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    CHECK_INT(state_of(d, NULL), -1);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST,
              "Domain not found: no domain with matching uuid '22222222-2222-3333-4444-555555555555' (cap-tr)");
    virDomainFree(d);
    /* also on shutdown */
    d = virDomainCreateXML(conn, domain_xml("cap-tr", NULL), 0);
    REQUIRE(d != NULL);
    CHECK_INT(virDomainShutdown(d), 0);
    CHECK(virDomainLookupByName(conn, "cap-tr") == NULL);
    virDomainFree(d);

    /* CreateXML with the UUID of a defined domain runs it with the new definition; the
     * stored one comes back when it stops */
    p = virDomainDefineXML(conn, domain_xml("cap-pers", "33333333-2222-3333-4444-555555555555"));
    REQUIRE(p != NULL);
    CHECK(virDomainCreateXML(conn, domain_xml("cap-pers", NULL), 0) == NULL);
    CHECK_ERR(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN, NULL);
    d = virDomainCreateXML(conn,
                           "<domain type='test'><name>cap-pers</name><uuid>33333333-2222-3333-4444-555555555555</uuid>"
                           "<memory>2097152</memory><os><type>hvm</type></os></domain>",
                           0);
    REQUIRE(d != NULL);
    CHECK_INT(virDomainIsPersistent(d), 1);
    CHECK_STATE(p, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    CHECK(xml_contains(p, 0, "<memory unit='KiB'>2097152</memory>"));
    CHECK(xml_contains(p, VIR_DOMAIN_XML_INACTIVE, "<memory unit='KiB'>1048576</memory>"));
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK(xml_contains(p, 0, "<memory unit='KiB'>1048576</memory>"));
    CHECK_INT(virDomainUndefine(p), 0);
    virDomainFree(d);
    virDomainFree(p);
}

static void test_list_all_filters(void)
{
    virDomainPtr off = virDomainDefineXML(conn, domain_xml("cap-off", NULL));
    virDomainPtr tr = virDomainCreateXML(conn, domain_xml("cap-tr", NULL), 0);
    virDomainPtr *doms = NULL;
    REQUIRE(off != NULL && tr != NULL);
    CHECK_INT(virDomainSetAutostart(tr, 1), 0);   /* allowed on a transient domain */
    CHECK_INT(virDomainSuspend(tr), 0);
    CHECK_STR(list_names(0), "cap-off,cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_ACTIVE), "cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_INACTIVE), "cap-off");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE), "cap-off,cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_PERSISTENT), "cap-off,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_TRANSIENT), "cap-tr");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_RUNNING), "test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_PAUSED), "cap-tr");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_SHUTOFF), "cap-off");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_OTHER), "");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_SHUTOFF), "cap-off,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE), "");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE), "cap-off,cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_AUTOSTART), "cap-tr");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART), "cap-off,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT), "");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT), "cap-off,cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT), "");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT), "cap-off,cap-tr,test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_PERSISTENT), "test");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_TRANSIENT), "");
    /* only the count */
    CHECK_INT(virConnectListAllDomains(conn, NULL, 0), 3);
    CHECK_INT(virConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE), 2);
    /* the array is NULL-terminated */
    CHECK_INT(virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE), 1);
    if (doms) {
        CHECK(doms[1] == NULL);
        virDomainFree(doms[0]);
        free(doms);
    }
    CHECK_INT(virConnectNumOfDomains(conn), 2);
    CHECK_INT(virConnectNumOfDefinedDomains(conn), 1);
    CHECK_INT(virDomainDestroy(tr), 0);
    CHECK_INT(virDomainUndefine(off), 0);
    CHECK_STR(list_names(0), "test");
    virDomainFree(tr);
    virDomainFree(off);
}

static void test_save_restore(void)
{
    char path[] = "/tmp/capi-domains-save-XXXXXX";
    char magic[15];
    FILE *f;
    int fd = mkstemp(path);
    virDomainPtr d;
    REQUIRE(fd >= 0);
    close(fd);
    d = virDomainDefineXML(conn, domain_xml("cap-save", NULL));
    if (!CHECK(d != NULL)) {
        unlink(path);
        return;
    }
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainSave(d, path), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    CHECK_INT(virDomainIsActive(d), 0);
    CHECK_INT(virDomainGetID(d), (unsigned int)-1);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fread(magic, 1, sizeof(magic), f), sizeof(magic));
        CHECK(memcmp(magic, "TestGuestMagic", 15) == 0);
        fclose(f);
    }
    CHECK_INT(virDomainRestore(conn, path), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    CHECK_INT(virDomainIsActive(d), 1);
    CHECK_INT(virDomainIsPersistent(d), 1);
    CHECK_INT(virDomainRestore(conn, path), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN,
              "Requested operation is not valid: domain 'cap-save' is already active");
    CHECK_INT(virDomainRestoreFlags(conn, path, NULL, 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, NULL);
    CHECK_INT(virDomainSaveFlags(d, path, NULL, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    CHECK_INT(virDomainRestoreFlags(conn, path, NULL, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    /* files that are not save images */
    f = fopen(path, "wb");
    if (CHECK(f != NULL)) {
        fputs("this is not a save image at all, just text", f);
        fclose(f);
    }
    CHECK_INT(virDomainRestore(conn, path), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_TEST, "internal error: mismatched header magic");
    unlink(path);
    CHECK_INT(virDomainRestore(conn, path), -1);
    CHECK_ERR(VIR_ERR_SYSTEM_ERROR, VIR_FROM_TEST, NULL);
    CHECK_SUBSTR(virGetLastErrorMessage(), "cannot read domain image '");
    CHECK_SUBSTR(virGetLastErrorMessage(), "': No such file or directory");

    /* a transient domain comes back from its image */
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
    d = virDomainCreateXML(conn, domain_xml("cap-save", NULL), 0);
    REQUIRE(d != NULL);
    CHECK_INT(virDomainSave(d, path), 0);
    CHECK(virDomainLookupByName(conn, "cap-save") == NULL);
    CHECK_INT(virDomainRestore(conn, path), 0);
    virDomainFree(d);
    d = virDomainLookupByName(conn, "cap-save");
    CHECK(d != NULL);
    if (d) {
        CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
        CHECK_INT(virDomainIsPersistent(d), 0);
        CHECK_INT(virDomainDestroy(d), 0);
        virDomainFree(d);
    }
    unlink(path);
}

static void test_managed_save(void)
{
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-msave", NULL));
    REQUIRE(d != NULL);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 0);
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainManagedSave(d, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 1);
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE), "cap-msave");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE), "test");
    CHECK_INT(virDomainUndefine(d), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST,
              "Requested operation is not valid: Refusing to undefine while domain managed save image exists");
    /* starting consumes the image */
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_STATE(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 0);
    /* or removing it */
    CHECK_INT(virDomainManagedSave(d, 0), 0);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 1);
    CHECK_INT(virDomainManagedSaveRemove(d, 0), 0);
    CHECK_INT(virDomainHasManagedSaveImage(d, 0), 0);
    CHECK_STATE(d, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    /* undefine may take the image with it */
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainManagedSave(d, 0), 0);
    CHECK_INT(virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), 0);
    CHECK(virDomainLookupByName(conn, "cap-msave") == NULL);
    virDomainFree(d);
}

static void test_autostart(void)
{
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-auto", NULL));
    int autostart = -1;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 0);
    CHECK_INT(virDomainSetAutostart(d, 1), 0);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 1);
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_AUTOSTART), "cap-auto");
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART), "test");
    /* it survives a start and a stop */
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 1);
    CHECK_INT(virDomainSetAutostart(d, 0), 0);
    CHECK_INT(virDomainGetAutostart(d, &autostart), 0);
    CHECK_INT(autostart, 0);
    CHECK_STR(list_names(VIR_CONNECT_LIST_DOMAINS_AUTOSTART), "");
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_metadata(void)
{
    const char *ns = "http://example.org/capi/";
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-meta", NULL));
    char *s;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainCreate(d), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, 0);
    CHECK(s == NULL);
    free(s);
    CHECK_ERR(VIR_ERR_NO_DOMAIN_METADATA, VIR_FROM_DOMAIN, "metadata not found: Requested metadata element is not present");

    /* description: live only; the config does not see it */
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, "my & <desc>", NULL, NULL, 0), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, 0);
    CHECK_STR(s, "my & <desc>");
    free(s);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, VIR_DOMAIN_AFFECT_CONFIG);
    CHECK(s == NULL);
    free(s);
    CHECK_ERR(VIR_ERR_NO_DOMAIN_METADATA, VIR_FROM_DOMAIN, NULL);
    CHECK(xml_contains(d, 0, "  <description>my &amp; &lt;desc&gt;</description>\n"));

    /* title: live and config */
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_TITLE, "A title", NULL, NULL,
                                   VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_TITLE, NULL, VIR_DOMAIN_AFFECT_CONFIG);
    CHECK_STR(s, "A title");
    free(s);
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "  <title>A title</title>\n"));
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_TITLE, "a\nb", NULL, NULL, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "metadata title can't contain newlines");

    /* an element in an application's namespace */
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, "<foo bar='1'><baz>text</baz></foo>", "app", ns, 0), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, ns, 0);
    CHECK_STR(s, "<foo bar=\"1\">\n  <baz>text</baz>\n</foo>");
    free(s);
    CHECK(xml_contains(d, 0,
                       "  <metadata>\n"
                       "    <app:foo xmlns:app=\"http://example.org/capi/\" bar=\"1\">\n"
                       "      <app:baz>text</app:baz>\n"
                       "    </app:foo>\n"
                       "  </metadata>\n"));
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/other/", 0);
    CHECK(s == NULL);
    free(s);
    CHECK_ERR(VIR_ERR_NO_DOMAIN_METADATA, VIR_FROM_DOMAIN, "metadata not found: Requested metadata element is not present");
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, "<foo/>", NULL, ns, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "key in virDomainSetMetadata must not be NULL");
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, "<foo", "k", ns, 0), -1);
    CHECK_ERR(VIR_ERR_XML_DETAIL, VIR_FROM_DOMAIN,
              "(metadata_xml):1: Couldn't find end of Start Tag foo line 1\n<foo\n----^");
    /* the failed calls kept the old element */
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, ns, 0);
    CHECK_STR(s, "<foo bar=\"1\">\n  <baz>text</baz>\n</foo>");
    free(s);

    /* removal */
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, ns, 0), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, ns, 0);
    CHECK(s == NULL);
    free(s);
    CHECK_INT(virDomainSetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, NULL, NULL, 0), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, 0);
    CHECK(s == NULL);
    free(s);
    CHECK_INT(virDomainSetMetadata(d, 7, "x", NULL, NULL, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: unknown metadata type '7'");
    s = virDomainGetMetadata(d, 7, NULL, 0);
    CHECK(s == NULL);
    free(s);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: unknown metadata type '7'");

    /* the title was set in the config too: it is there after the domain stops */
    CHECK_INT(virDomainDestroy(d), 0);
    s = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_TITLE, NULL, 0);
    CHECK_STR(s, "A title");
    free(s);
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static const char *const kMemXML =
    "<domain type='test'><name>cap-mem</name><memory>8388608</memory><currentMemory>2097152</currentMemory>"
    "<vcpu>2</vcpu><os><type>hvm</type></os></domain>";

static void test_memory(void)
{
    virDomainPtr d = virDomainDefineXML(conn, kMemXML);
    virDomainInfo info;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainSetMemoryFlags(d, 1048576, VIR_DOMAIN_AFFECT_LIVE), 0);
    CHECK(xml_contains(d, 0, "<currentMemory unit='KiB'>1048576</currentMemory>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<currentMemory unit='KiB'>2097152</currentMemory>"));
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.memory, 1048576);
    CHECK_INT(virDomainSetMemoryFlags(d, 524288, VIR_DOMAIN_AFFECT_CONFIG), 0);
    CHECK(xml_contains(d, 0, "<currentMemory unit='KiB'>1048576</currentMemory>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<currentMemory unit='KiB'>524288</currentMemory>"));
    CHECK_INT(virDomainSetMemoryFlags(d, 9000000, VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: cannot set memory higher than max memory");
    CHECK_INT(virDomainSetMemory(d, 4000000), 0);
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.memory, 4000000);
    CHECK_INT(info.maxMem, 8388608);
    CHECK_INT(virDomainSetMaxMemory(d, 4000000), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST,
              "Requested operation is not valid: cannot resize the maximum memory on an active domain");
    CHECK_INT(virDomainSetMemoryFlags(d, 4000000, VIR_DOMAIN_MEM_MAXIMUM | VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST,
              "Requested operation is not valid: cannot resize the maximum memory on an active domain");
    CHECK_INT(virDomainSetMemoryFlags(d, 4000000, VIR_DOMAIN_MEM_MAXIMUM | VIR_DOMAIN_AFFECT_CONFIG), 0);
    CHECK(xml_contains(d, 0, "<memory unit='KiB'>8388608</memory>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<memory unit='KiB'>4000000</memory>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<currentMemory unit='KiB'>524288</currentMemory>"));
    CHECK_INT(virDomainGetMaxMemory(d), 8388608);
    /* the config takes over when the domain stops */
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.maxMem, 4000000);
    CHECK_INT(info.memory, 524288);
    CHECK_INT(virDomainSetMemoryFlags(d, 1024, VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainSetMaxMemory(d, 2000000), 0);
    CHECK_INT(virDomainGetMaxMemory(d), 2000000);
    CHECK(xml_contains(d, 0, "<memory unit='KiB'>2000000</memory>"));
    /* virDomainSetMemory always means the live domain */
    CHECK_INT(virDomainSetMemory(d, 1000000), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainSetMemoryFlags(d, 1000000, VIR_DOMAIN_AFFECT_CURRENT), 0);
    CHECK(xml_contains(d, 0, "<currentMemory unit='KiB'>1000000</currentMemory>"));
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_vcpus(void)
{
    virDomainPtr d = virDomainDefineXML(conn, kMemXML);
    virDomainInfo info;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN,
              "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
    CHECK_INT(virDomainSetVcpusFlags(d, 1, VIR_DOMAIN_AFFECT_LIVE), 0);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_LIVE), 1);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_CONFIG), 2);
    CHECK_INT(virDomainGetVcpusFlags(d, 0), 1);
    CHECK(xml_contains(d, 0, "<vcpu placement='static' current='1'>2</vcpu>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<vcpu placement='static'>2</vcpu>"));
    CHECK_INT(virDomainSetVcpusFlags(d, 1, VIR_DOMAIN_AFFECT_CONFIG), 0);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_CONFIG), 1);
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<vcpu placement='static' current='1'>2</vcpu>"));
    CHECK_INT(virDomainSetVcpusFlags(d, 3, VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: requested cpu amount exceeds maximum (3 > 2)");
    CHECK_INT(virDomainSetVcpusFlags(d, 4, VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag 'VIR_DOMAIN_VCPU_MAXIMUM'");
    CHECK_INT(virDomainSetVcpusFlags(d, 4, VIR_DOMAIN_VCPU_MAXIMUM), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag 'VIR_DOMAIN_VCPU_MAXIMUM'");
    CHECK_INT(virDomainSetVcpusFlags(d, 4, VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_AFFECT_CONFIG), 0);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM), 4);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_VCPU_MAXIMUM), 2);
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<vcpu placement='static' current='1'>4</vcpu>"));
    CHECK_INT(virDomainSetVcpus(d, 2), 0);   /* current: the live domain */
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_LIVE), 2);
    CHECK_INT(virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_CONFIG), 1);
    CHECK(xml_contains(d, 0, "<vcpu placement='static'>2</vcpu>"));
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.nrVirtCpu, 2);
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_INT(virDomainGetInfo(d, &info), 0);
    CHECK_INT(info.nrVirtCpu, 1);
    CHECK_INT(virDomainGetVcpusFlags(d, 0), 1);
    CHECK_INT(virDomainSetVcpusFlags(d, 1, VIR_DOMAIN_AFFECT_LIVE), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

static void test_rename(void)
{
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-ren", NULL));
    virDomainPtr r;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainRename(d, "cap-ren2", 0), 0);
    CHECK(virDomainLookupByName(conn, "cap-ren") == NULL);
    CHECK_ERR(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "Domain not found");
    r = virDomainLookupByName(conn, "cap-ren2");
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(virDomainGetName(r), "cap-ren2");
        CHECK(xml_contains(r, 0, "<name>cap-ren2</name>"));
        virDomainFree(r);
    }
    /* the handle still works: domains are found by UUID */
    CHECK(xml_contains(d, 0, "<name>cap-ren2</name>"));
    CHECK_INT(virDomainRename(d, "test", 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, NULL);
    CHECK_INT(virDomainRename(d, "cap-ren2", 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: Can't rename domain to itself");
    CHECK_INT(virDomainRename(d, "a/b", 0), -1);
    CHECK_ERR(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: name a/b cannot contain '/'");
    CHECK_INT(virDomainCreate(d), 0);
    CHECK_INT(virDomainRename(d, "cap-ren3", 0), -1);
    CHECK_ERR(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "Requested operation is not valid: cannot rename active domain");
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

/* Changes to the config of a running domain show in the inactive XML only, until it stops. */
static void test_inactive_xml(void)
{
    const char *uuid = "44444444-2222-3333-4444-555555555555";
    virDomainPtr d = virDomainDefineXML(conn, domain_xml("cap-upd", uuid));
    virDomainPtr again;
    REQUIRE(d != NULL);
    CHECK_INT(virDomainCreate(d), 0);
    again = virDomainDefineXML(conn,
                               "<domain type='test'><name>cap-upd</name><uuid>44444444-2222-3333-4444-555555555555</uuid>"
                               "<memory>2097152</memory><vcpu>3</vcpu><os><type>hvm</type></os></domain>");
    CHECK(again != NULL);
    if (again)
        virDomainFree(again);
    CHECK(xml_contains(d, 0, "<vcpu placement='static'>4</vcpu>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<vcpu placement='static'>3</vcpu>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<memory unit='KiB'>2097152</memory>"));
    CHECK(xml_contains(d, VIR_DOMAIN_XML_INACTIVE, "<domain type='test'>\n"));
    CHECK_INT(virDomainDestroy(d), 0);
    CHECK(xml_contains(d, 0, "<vcpu placement='static'>3</vcpu>"));
    CHECK_INT(virDomainUndefine(d), 0);
    virDomainFree(d);
}

int main(void)
{
    check_init(1);
    conn = check_open_default();
    RUN(test_connection);
    RUN(test_default_state);
    RUN(test_lookups);
    RUN(test_define_undefine);
    RUN(test_lifecycle);
    RUN(test_ids_increase);
    RUN(test_transient);
    RUN(test_list_all_filters);
    RUN(test_save_restore);
    RUN(test_managed_save);
    RUN(test_autostart);
    RUN(test_metadata);
    RUN(test_memory);
    RUN(test_vcpus);
    RUN(test_rename);
    RUN(test_inactive_xml);
    CHECK_STR(list_names(0), "test");
    virConnectClose(conn);
    return check_done("capi.domains");
}
