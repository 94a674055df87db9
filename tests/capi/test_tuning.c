/* capi.tuning: the test driver's tuning calls as libvirt's test driver answers them: the
 * scheduler, memory, blkio, NUMA and perf parameters, a disk's I/O tuning and an interface's
 * bandwidth. For each: what a fresh domain reports (names, types, order), what a change does to
 * a later read and to the live and inactive XML, and how bad input, flags and an inactive domain
 * are refused, leaving the domain as it was. Each case defines its own domains and removes them. */
#include "check.h"

static virConnectPtr conn;

#define UNLIMITED 9007199254740991ULL   /* VIR_DOMAIN_MEMORY_PARAM_UNLIMITED */
#define EXCLUSIVE "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"

/* call returns -1 with libvirt's error (code, domain, message). */
#define FAILS(call, code, domain, message)                     \
    do {                                                       \
        CHECK_INT((call), -1);                                 \
        CHECK_ERR((code), (domain), (message));                \
    } while (0)

/* A domain of its own with a disk sda (/img/<name>.img), an interface testnet0
 * (52:54:00:00:00:01) and a balloon; running when start. */
static virDomainPtr new_domain(const char *name, int start)
{
    char xml[1024];
    virDomainPtr d;
    snprintf(xml, sizeof(xml),
             "<domain type='test'><name>%s</name><memory>1048576</memory><vcpu>4</vcpu>"
             "<os><type>hvm</type></os><devices>"
             "<disk type='file' device='disk'><source file='/img/%s.img'/><target dev='sda' bus='scsi'/></disk>"
             "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/></interface>"
             "<memballoon model='virtio'/></devices></domain>",
             name, name);
    d = virDomainDefineXML(conn, xml);
    if (d && start && virDomainCreate(d) < 0) {
        virDomainUndefine(d);
        virDomainFree(d);
        return NULL;
    }
    return d;
}

static void drop_domain(virDomainPtr d)
{
    if (!d)
        return;
    if (virDomainIsActive(d) == 1)
        virDomainDestroy(d);
    virDomainUndefine(d);
    virDomainFree(d);
}

/* The domain's XML (live, or with VIR_DOMAIN_XML_INACTIVE) holds / lacks text. */
static int xml_has(virDomainPtr d, unsigned int flags, const char *text)
{
    char *xml = virDomainGetXMLDesc(d, flags);
    int found = xml && strstr(xml, text) != NULL;
    free(xml);
    return found;
}

static char *xml_of(virDomainPtr d, unsigned int flags)
{
    return virDomainGetXMLDesc(d, flags);
}

/* The XML is still before (which this frees). */
static int xml_unchanged(virDomainPtr d, unsigned int flags, char *before)
{
    char *after = xml_of(d, flags);
    int same = before && after && strcmp(before, after) == 0;
    if (!same)
        fprintf(stderr, "  XML changed:\n%s\n---\n%s", before ? before : "(null)\n", after ? after : "(null)\n");
    free(before);
    free(after);
    return same;
}

/* Typed parameters built with the public virTypedParamsAdd* calls. */
struct plist {
    virTypedParameterPtr p;
    int n, max;
};

/* The cases' parameters: what a call returned, and what the next one is given. */
#define MAXP 32
static virTypedParameter p[MAXP];
static struct plist l;

static void plist_clear(struct plist *list)
{
    virTypedParamsFree(list->p, list->n);
    list->p = NULL;
    list->n = list->max = 0;
}

/* One fill-protocol call: the count first (params NULL, *nparams 0), then the values. */
typedef int (*fill_fn)(virDomainPtr, virTypedParameterPtr, int *, unsigned int);
typedef int (*fill_dev_fn)(virDomainPtr, const char *, virTypedParameterPtr, int *, unsigned int);

static int fill(fill_fn fn, fill_dev_fn dev_fn, virDomainPtr d, const char *dev, virTypedParameterPtr out, int *n,
                unsigned int flags)
{
    return fn ? fn(d, out, n, flags) : dev_fn(d, dev, out, n, flags);
}

/* The number of parameters, or -1 on an error. */
static int get_any(fill_fn fn, fill_dev_fn dev_fn, virDomainPtr d, const char *dev, unsigned int flags,
                   virTypedParameter out[MAXP])
{
    int n = 0, count;
    if (fill(fn, dev_fn, d, dev, NULL, &n, flags) < 0)
        return -1;
    count = n;
    if (count > MAXP)
        return -2;
    memset(out, 0, sizeof(virTypedParameter) * MAXP);
    if (fill(fn, dev_fn, d, dev, out, &n, flags) < 0)
        return -1;
    return n == count ? n : -3;
}
#define get_all(fn, d, flags, out) get_any((fn), NULL, (d), NULL, (flags), (out))
#define get_all_dev(fn, d, dev, flags, out) get_any(NULL, (fn), (d), (dev), (flags), (out))

/* The parameters are exactly these names with this type, in this order. */
static int check_layout(const virTypedParameter *params, int n, const char *const *names, int count, int type)
{
    int i, ok = n == count;
    for (i = 0; ok && i < n; i++)
        ok = strcmp(params[i].field, names[i]) == 0 && (type < 0 || params[i].type == type);
    if (!ok) {
        fprintf(stderr, "  parameters (%d, want %d):", n, count);
        for (i = 0; i < n && i < MAXP; i++)
            fprintf(stderr, " %s/%d", params[i].field, params[i].type);
        fprintf(stderr, "\n");
    }
    return ok;
}

static unsigned long long ull_of(virTypedParameterPtr params, int n, const char *name)
{
    unsigned long long v = 0xdeadbeefULL;
    if (virTypedParamsGetULLong(params, n, name, &v) != 1)
        return 0xdeadbeefULL;
    return v;
}

/* An int, uint or boolean parameter; -1000 when it is missing or of another type. */
static long long num_of(virTypedParameterPtr params, int n, const char *name, int type)
{
    virTypedParameterPtr q = virTypedParamsGet(params, n, name);
    if (!q || q->type != type)
        return -1000;
    switch (type) {
    case VIR_TYPED_PARAM_INT: return q->value.i;
    case VIR_TYPED_PARAM_UINT: return q->value.ui;
    case VIR_TYPED_PARAM_BOOLEAN: return q->value.b;
    }
    return -1000;
}
#define uint_of(params, n, name) num_of((params), (n), (name), VIR_TYPED_PARAM_UINT)
#define int_of(params, n, name) num_of((params), (n), (name), VIR_TYPED_PARAM_INT)
#define bool_of(params, n, name) num_of((params), (n), (name), VIR_TYPED_PARAM_BOOLEAN)

/* The parameters that are set, "name=value,...": numbers other than 0, strings other than "". */
static const char *nonzero(virTypedParameterPtr params, int n)
{
    static char buf[2048];
    size_t len = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < n && len < sizeof(buf) - 100; i++) {
        const virTypedParameter *q = &params[i];
        unsigned long long v = 0;
        switch (q->type) {
        case VIR_TYPED_PARAM_INT: v = q->value.i != 0; break;
        case VIR_TYPED_PARAM_UINT: v = q->value.ui; break;
        case VIR_TYPED_PARAM_ULLONG: v = q->value.ul; break;
        case VIR_TYPED_PARAM_BOOLEAN: v = q->value.b; break;
        case VIR_TYPED_PARAM_STRING:
            if (q->value.s && *q->value.s)
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s=%s", len ? "," : "", q->field, q->value.s);
            continue;
        }
        if (q->type == VIR_TYPED_PARAM_INT && v)
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s=%d", len ? "," : "", q->field, q->value.i);
        else if (v)
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s=%llu", len ? "," : "", q->field, v);
    }
    return buf;
}

/* l becomes the one parameter name, a number of this type (VIR_TYPED_PARAM_*) or a string. */
static void one_num(const char *name, int type, unsigned long long v)
{
    int r = -1;
    plist_clear(&l);
    switch (type) {
    case VIR_TYPED_PARAM_INT: r = virTypedParamsAddInt(&l.p, &l.n, &l.max, name, (int)v); break;
    case VIR_TYPED_PARAM_UINT: r = virTypedParamsAddUInt(&l.p, &l.n, &l.max, name, (unsigned int)v); break;
    case VIR_TYPED_PARAM_ULLONG: r = virTypedParamsAddULLong(&l.p, &l.n, &l.max, name, v); break;
    case VIR_TYPED_PARAM_BOOLEAN: r = virTypedParamsAddBoolean(&l.p, &l.n, &l.max, name, (int)v); break;
    }
    CHECK_INT(r, 0);
}

static void one_str(const char *name, const char *v)
{
    plist_clear(&l);
    CHECK_INT(virTypedParamsAddString(&l.p, &l.n, &l.max, name, v), 0);
}

static const char *str_of(virTypedParameterPtr params, int n, const char *name)
{
    const char *v = NULL;
    if (virTypedParamsGetString(params, n, name, &v) != 1)
        return "(missing)";
    return v;
}

/* ------------------------------------------------------------------ scheduler */

static void test_scheduler(void)
{
    virDomainPtr d = virDomainLookupByName(conn, "test");
    int n = -1;
    char *type;
    REQUIRE(d != NULL);
    type = virDomainGetSchedulerType(d, &n);
    CHECK_STR(type, "fair");
    CHECK_INT(n, 1);
    free(type);
    type = virDomainGetSchedulerType(d, NULL);
    CHECK_STR(type, "fair");
    free(type);

    memset(p, 0, sizeof(p));
    n = 1;
    CHECK_INT(virDomainGetSchedulerParameters(d, p, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(p[0].field, "weight");
    CHECK_INT(p[0].type, VIR_TYPED_PARAM_UINT);
    CHECK_INT(p[0].value.ui, 50);
    n = 0;
    KNOWN_DIFF("the count of scheduler parameters is not refused (api/ has no check of *nparams here)",
               CHECK_INT(virDomainGetSchedulerParameters(d, p, &n), -1));
    /* libvirt's entry point adds VIR_TYPED_PARAM_STRING_OKAY, which the test driver refuses */
    n = 1;
    KNOWN_DIFF("virDomainGetSchedulerParametersFlags(0) answers where libvirt refuses VIR_TYPED_PARAM_STRING_OKAY",
               CHECK_INT(virDomainGetSchedulerParametersFlags(d, p, &n, 0), -1));
    FAILS(virDomainGetSchedulerParametersFlags(d, p, &n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x6) in function testDomainGetSchedulerParametersFlags");
    FAILS(virDomainGetSchedulerParametersFlags(d, p, &n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);

    /* a weight is taken and not kept: the test driver always reports 50 */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 10) == 0);
    CHECK_INT(virDomainSetSchedulerParameters(d, l.p, l.n), 0);
    CHECK_INT(virDomainSetSchedulerParametersFlags(d, l.p, l.n, 0), 0);
    FAILS(virDomainSetSchedulerParametersFlags(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x2) in function testDomainSetSchedulerParametersFlags");
    CHECK_INT(virDomainSetSchedulerParameters(d, l.p, 0), 0);
    FAILS(virDomainSetSchedulerParameters(d, l.p, -1),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "nparams in virDomainSetSchedulerParameters must be zero or greater");
    n = 1;
    CHECK_INT(virDomainGetSchedulerParameters(d, p, &n), 0);
    CHECK_INT(p[0].value.ui, 50);
    CHECK(xml_has(d, 0, "<cputune>") == 0);
    plist_clear(&l);
    /* names and types */
    one_num("weight", VIR_TYPED_PARAM_INT, 10);
    FAILS(virDomainSetSchedulerParameters(d, l.p, l.n),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'int' for parameter 'weight', expected 'uint'");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 10) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 20) == 0);
    FAILS(virDomainSetSchedulerParameters(d, l.p, l.n),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: parameter 'weight' occurs multiple times");
    one_num("cap", VIR_TYPED_PARAM_ULLONG, 1);
    FAILS(virDomainSetSchedulerParameters(d, l.p, l.n),
          VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE, "argument unsupported: parameter 'cap' not supported");
    virDomainFree(d);
}

/* ------------------------------------------------------------------ memory */

static void test_memory_parameters(void)
{
    static const char *const names[] = {"hard_limit", "soft_limit", "swap_hard_limit"};
    virDomainPtr d = new_domain("tune-mem", 1), off = new_domain("tune-mem-off", 0);
    int n;
    char *before;
    REQUIRE(d != NULL && off != NULL);

    /* a fresh domain: three limits, all unlimited, live and config */
    n = get_all(virDomainGetMemoryParameters, d, 0, p);
    CHECK(check_layout(p, n, names, 3, VIR_TYPED_PARAM_ULLONG));
    CHECK_INT(ull_of(p, n, "hard_limit"), UNLIMITED);
    CHECK_INT(ull_of(p, n, "soft_limit"), UNLIMITED);
    CHECK_INT(ull_of(p, n, "swap_hard_limit"), UNLIMITED);
    n = get_all(virDomainGetMemoryParameters, off, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK(check_layout(p, n, names, 3, VIR_TYPED_PARAM_ULLONG));

    /* live: the running definition changes, the persistent one does not */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "hard_limit", 1048576) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "soft_limit", 524288) == 0);
    CHECK_INT(virDomainSetMemoryParameters(d, l.p, l.n, 0), 0);
    plist_clear(&l);
    n = get_all(virDomainGetMemoryParameters, d, VIR_DOMAIN_AFFECT_LIVE, p);
    CHECK_STR(nonzero(p, n), "hard_limit=1048576,soft_limit=524288,swap_hard_limit=9007199254740991");
    n = get_all(virDomainGetMemoryParameters, d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_INT(ull_of(p, n, "hard_limit"), UNLIMITED);
    CHECK(xml_has(d, 0, "  <memtune>\n    <hard_limit unit='KiB'>1048576</hard_limit>\n"
                        "    <soft_limit unit='KiB'>524288</soft_limit>\n  </memtune>\n"));
    CHECK(!xml_has(d, VIR_DOMAIN_XML_INACTIVE, "<memtune>"));

    /* config */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "swap_hard_limit", 2097152) == 0);
    CHECK_INT(virDomainSetMemoryParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all(virDomainGetMemoryParameters, d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_INT(ull_of(p, n, "swap_hard_limit"), 2097152);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "  <memtune>\n    <swap_hard_limit unit='KiB'>2097152</swap_hard_limit>\n  </memtune>\n"));
    CHECK(!xml_has(d, 0, "swap_hard_limit"));

    /* the hard limit may not exceed the swap hard limit (the running domain's values count) */
    before = xml_of(d, 0);
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "swap_hard_limit", 1000) == 0);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST,
          "invalid argument: memory hard_limit tunable value must be lower than or equal to swap_hard_limit");
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, NULL);
    plist_clear(&l);
    one_num("hard_limit", VIR_TYPED_PARAM_ULLONG, 9007199254740992ULL);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, NULL);
    /* names, types, repeats and flags */
    one_num("min_guarantee", VIR_TYPED_PARAM_ULLONG, 1);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, 0),
          VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE, "argument unsupported: parameter 'min_guarantee' not supported");
    one_num("hard_limit", VIR_TYPED_PARAM_UINT, 1);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'uint' for parameter 'hard_limit', expected 'ullong'");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "soft_limit", "1") == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "hard_limit", 1) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "hard_limit", 2) == 0);
    CHECK_INT(virDomainSetMemoryParameters(d, l.p, l.n, 0), -1);   /* names in order: hard_limit first */
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: parameter 'hard_limit' occurs multiple times");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "hard_limit", 5) == 0);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(virDomainSetMemoryParameters(d, l.p, l.n, 8),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x8) in function testDomainSetMemoryParameters");
    FAILS(virDomainSetMemoryParameters(off, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    plist_clear(&l);
    CHECK(xml_unchanged(d, 0, before));
    n = 0;
    FAILS(virDomainGetMemoryParameters(d, NULL, &n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | 8),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(virDomainGetMemoryParameters(d, NULL, &n, 8),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x8) in function testDomainGetMemoryParameters");
    n = 3;
    FAILS(virDomainGetMemoryParameters(off, p, &n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    n = 0;
    KNOWN_DIFF("a count asked with VIR_DOMAIN_AFFECT_LIVE of an inactive domain is refused (the driver cannot tell a count from a read)",
               CHECK_INT(virDomainGetMemoryParameters(off, NULL, &n, VIR_DOMAIN_AFFECT_LIVE), 0));

    /* limits at or above the unlimited value are kept as given and not printed; 0 is printed */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "swap_hard_limit", 18446744073709551615ULL) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "hard_limit", 0) == 0);
    CHECK_INT(virDomainSetMemoryParameters(off, l.p, l.n, 0), 0);
    plist_clear(&l);
    n = get_all(virDomainGetMemoryParameters, off, 0, p);
    CHECK(ull_of(p, n, "swap_hard_limit") == 18446744073709551615ULL);
    CHECK_INT(ull_of(p, n, "hard_limit"), 0);
    CHECK(xml_has(off, 0, "  <memtune>\n    <hard_limit unit='KiB'>0</hard_limit>\n  </memtune>\n"));
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* ------------------------------------------------------------------ blkio */

static const char *const kBlkioNames[] = {"weight", "device_weight", "device_read_iops_sec", "device_write_iops_sec",
                                          "device_read_bytes_sec", "device_write_bytes_sec"};

static void test_blkio_parameters(void)
{
    virDomainPtr d = new_domain("tune-blkio", 1), off = new_domain("tune-blkio-off", 0);
    int n, i;
    char *before;
    REQUIRE(d != NULL && off != NULL);

    n = get_all(virDomainGetBlkioParameters, d, 0, p);
    CHECK(check_layout(p, n, kBlkioNames, 6, -1));
    CHECK_INT(p[0].type, VIR_TYPED_PARAM_UINT);
    CHECK_INT(uint_of(p, n, "weight"), 0);
    for (i = 1; i < n && i < 6; i++) {
        CHECK_INT(p[i].type, VIR_TYPED_PARAM_STRING);
        CHECK_STR(p[i].value.s, "");
    }
    virTypedParamsClear(p, n);

    /* config: a weight and device lists */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 500) == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_weight", "/dev/sda,100,/dev/sdb,200") == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_read_bytes_sec", "/dev/sda,10000") == 0);
    CHECK_INT(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all(virDomainGetBlkioParameters, d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_INT(uint_of(p, n, "weight"), 500);
    CHECK_STR(str_of(p, n, "device_weight"), "/dev/sda,100,/dev/sdb,200");
    CHECK_STR(str_of(p, n, "device_read_bytes_sec"), "/dev/sda,10000");
    CHECK_STR(str_of(p, n, "device_read_iops_sec"), "");
    virTypedParamsClear(p, n);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE,
                  "  <blkiotune>\n    <weight>500</weight>\n    <device>\n      <path>/dev/sda</path>\n"
                  "      <weight>100</weight>\n      <read_bytes_sec>10000</read_bytes_sec>\n    </device>\n"
                  "    <device>\n      <path>/dev/sdb</path>\n      <weight>200</weight>\n    </device>\n  </blkiotune>\n"));
    CHECK(!xml_has(d, 0, "<blkiotune>"));
    n = get_all(virDomainGetBlkioParameters, d, 0, p);
    CHECK_INT(uint_of(p, n, "weight"), 0);
    virTypedParamsClear(p, n);

    /* a listed device takes the new value; a device with nothing left is not shown, yet keeps
     * its place; an unknown one is added at the end */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_weight", "/dev/sda,0,/dev/sdc,7") == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_read_bytes_sec", "/dev/sda,0") == 0);
    CHECK_INT(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_write_iops_sec", "/dev/sdc,3,/dev/sda,4") == 0);
    CHECK_INT(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all(virDomainGetBlkioParameters, d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_STR(str_of(p, n, "device_weight"), "/dev/sdb,200,/dev/sdc,7");
    CHECK_STR(str_of(p, n, "device_write_iops_sec"), "/dev/sda,4,/dev/sdc,3");
    CHECK_STR(str_of(p, n, "device_read_bytes_sec"), "");
    virTypedParamsClear(p, n);

    /* live, on the running domain only */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 300) == 0);
    CHECK_INT(virDomainSetBlkioParameters(d, l.p, l.n, 0), 0);
    plist_clear(&l);
    CHECK(xml_has(d, 0, "  <blkiotune>\n    <weight>300</weight>\n  </blkiotune>\n"));
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "<weight>500</weight>"));

    /* device lists libvirt cannot read; nothing changes */
    before = xml_of(d, VIR_DOMAIN_XML_INACTIVE);
    {
        static const struct {
            const char *field, *value, *message;
        } bad[] = {
            {"device_weight", "/dev/sda", "invalid argument: unable to parse blkio device 'device_weight' '/dev/sda'"},
            {"device_weight", "/dev/sda,1,", "invalid argument: unable to parse blkio device 'device_weight' '/dev/sda,1,'"},
            {"device_weight", "/dev/sda,1x", "invalid argument: unable to parse blkio device 'device_weight' '/dev/sda,1x'"},
            {"device_weight", "/dev/sda,", "invalid argument: invalid value '' for parameter 'device_weight' of device '/dev/sda'"},
            {"device_read_iops_sec", "/dev/sda,abc,/dev/sdb,2",
             "invalid argument: invalid value 'abc,/dev/sdb,2' for parameter 'device_read_iops_sec' of device '/dev/sda'"},
            {"device_write_iops_sec", "/dev/sda,4294967296",
             "invalid argument: invalid value '4294967296' for parameter 'device_write_iops_sec' of device '/dev/sda'"},
            {"device_write_bytes_sec", "/dev/sda,-2",
             "invalid argument: invalid value '-2' for parameter 'device_write_bytes_sec' of device '/dev/sda'"},
        };
        for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
            plist_clear(&l);
            REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, bad[i].field, bad[i].value) == 0);
            FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
                  VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, bad[i].message);
            plist_clear(&l);
        }
    }
    one_num("device_weight", VIR_TYPED_PARAM_UINT, 5);
    FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'uint' for parameter 'device_weight', expected 'string'");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "weight", "5") == 0);
    FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'string' for parameter 'weight', expected 'uint'");
    /* the driver checks the parameters before the flags LIVE and CONFIG together */
    FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'string' for parameter 'weight', expected 'uint'");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 5) == 0);
    FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(virDomainSetBlkioParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | 8),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x8) in function testDomainSetBlkioParameters");
    FAILS(virDomainSetBlkioParameters(d, l.p, -1, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "nparams in virDomainSetBlkioParameters must be zero or greater");
    CHECK_INT(virDomainSetBlkioParameters(d, l.p, 0, 0), 0);
    plist_clear(&l);
    CHECK(xml_unchanged(d, VIR_DOMAIN_XML_INACTIVE, before));

    /* as libvirt: the parameters apply in turn, so a weight before a bad list is kept */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "weight", 9) == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "device_weight", "bad") == 0);
    FAILS(virDomainSetBlkioParameters(off, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: unable to parse blkio device 'device_weight' 'bad'");
    CHECK(xml_has(off, 0, "<blkiotune>\n    <weight>9</weight>\n  </blkiotune>"));
    n = 6;
    FAILS(virDomainGetBlkioParameters(off, p, &n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* ------------------------------------------------------------------ NUMA */

static void test_numa_parameters(void)
{
    static const char *const names[] = {"numa_mode", "numa_nodeset"};
    virDomainPtr d = new_domain("tune-numa", 1), off = new_domain("tune-numa-off", 0);
    int n;
    char *before;
    REQUIRE(d != NULL && off != NULL);

    n = get_all(virDomainGetNumaParameters, d, 0, p);
    CHECK(check_layout(p, n, names, 2, -1));
    CHECK_INT(p[0].type, VIR_TYPED_PARAM_INT);
    CHECK_INT(p[1].type, VIR_TYPED_PARAM_STRING);
    CHECK_INT(int_of(p, n, "numa_mode"), VIR_DOMAIN_NUMATUNE_MEM_STRICT);
    CHECK_STR(str_of(p, n, "numa_nodeset"), "");
    virTypedParamsClear(p, n);

    /* a mode alone: a static placement needs a nodeset */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddInt(&l.p, &l.n, &l.max, "numa_mode", VIR_DOMAIN_NUMATUNE_MEM_PREFERRED) == 0);
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_CONFIG_UNSUPPORTED, VIR_FROM_DOMAIN,
          "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
    CHECK(!xml_has(d, VIR_DOMAIN_XML_INACTIVE, "<numatune>"));
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "numa_nodeset", "0,1") == 0);   /* with the mode */
    CHECK_INT(virDomainSetNumaParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all(virDomainGetNumaParameters, d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_INT(int_of(p, n, "numa_mode"), VIR_DOMAIN_NUMATUNE_MEM_PREFERRED);
    CHECK_STR(str_of(p, n, "numa_nodeset"), "0-1");
    virTypedParamsClear(p, n);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "  <numatune>\n    <memory mode='preferred' nodeset='0-1'/>\n  </numatune>\n"));
    CHECK(!xml_has(d, 0, "<numatune>"));

    /* live: a nodeset may change, the mode may not */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "numa_nodeset", "0-3,^2") == 0);
    CHECK_INT(virDomainSetNumaParameters(d, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE), 0);
    plist_clear(&l);
    CHECK(xml_has(d, 0, "<memory mode='strict' nodeset='0-1,3'/>"));
    one_num("numa_mode", VIR_TYPED_PARAM_INT, VIR_DOMAIN_NUMATUNE_MEM_INTERLEAVE);
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "Requested operation is not valid: can't change numatune mode for running domain");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddInt(&l.p, &l.n, &l.max, "numa_mode", VIR_DOMAIN_NUMATUNE_MEM_STRICT) == 0);
    CHECK_INT(virDomainSetNumaParameters(d, l.p, l.n, 0), 0);   /* the same mode */
    plist_clear(&l);

    /* refused values; nothing changes */
    before = xml_of(d, 0);
    one_num("numa_mode", VIR_TYPED_PARAM_INT, 4);
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: unsupported numatune mode: '4'");
    one_num("numa_mode", VIR_TYPED_PARAM_INT, -1);
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: unsupported numatune mode: '-1'");
    one_str("numa_nodeset", "abc");
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Failed to parse bitmap 'abc'");
    one_str("numa_nodeset", "^0");
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "Requested operation is not valid: Invalid nodeset of 'numatune': ^0");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "numa_mode", 1) == 0);
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'uint' for parameter 'numa_mode', expected 'int'");
    FAILS(virDomainSetNumaParameters(d, l.p, l.n, 4),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x4) in function testDomainSetNumaParameters");
    plist_clear(&l);
    CHECK(xml_unchanged(d, 0, before));

    /* an inactive domain: its definition, and no live one */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "numa_nodeset", "1") == 0);
    FAILS(virDomainSetNumaParameters(off, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    CHECK_INT(virDomainSetNumaParameters(off, l.p, l.n, 0), 0);
    plist_clear(&l);
    CHECK(xml_has(off, 0, "<memory mode='strict' nodeset='1'/>"));
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* ------------------------------------------------------------------ perf */

static const char *const kPerfNames[] = {
    "cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references", "cache_misses", "branch_instructions",
    "branch_misses", "bus_cycles", "stalled_cycles_frontend", "stalled_cycles_backend", "ref_cpu_cycles", "cpu_clock",
    "task_clock", "page_faults", "context_switches", "cpu_migrations", "page_faults_min", "page_faults_maj",
    "alignment_faults", "emulation_faults"};

static int perf_get(virDomainPtr d, unsigned int flags, virTypedParameter out[MAXP])
{
    virTypedParameterPtr p = NULL;
    int n = 0;
    if (virDomainGetPerfEvents(d, &p, &n, flags) < 0)
        return -1;
    if (n > MAXP) {
        virTypedParamsFree(p, n);
        return -2;
    }
    memcpy(out, p, sizeof(virTypedParameter) * (size_t)n);
    free(p);    /* no strings inside */
    return n;
}

static void test_perf_events(void)
{
    virDomainPtr d = new_domain("tune-perf", 1), off = new_domain("tune-perf-off", 0);
    int n, i, on;
    REQUIRE(d != NULL && off != NULL);

    n = perf_get(d, 0, p);
    CHECK(check_layout(p, n, kPerfNames, 22, VIR_TYPED_PARAM_BOOLEAN));
    for (i = 0, on = 0; i < n; i++)
        on += p[i].value.b != 0;
    CHECK_INT(on, 0);
    CHECK_INT(perf_get(d, VIR_TYPED_PARAM_STRING_OKAY, p), 22);

    plist_clear(&l);
    REQUIRE(virTypedParamsAddBoolean(&l.p, &l.n, &l.max, "cmt", 1) == 0);
    REQUIRE(virTypedParamsAddBoolean(&l.p, &l.n, &l.max, "cpu_cycles", 0) == 0);
    CHECK_INT(virDomainSetPerfEvents(d, l.p, l.n, 0), 0);
    plist_clear(&l);
    n = perf_get(d, VIR_DOMAIN_AFFECT_LIVE, p);
    CHECK_STR(nonzero(p, n), "cmt=1");
    CHECK(xml_has(d, 0, "  <perf>\n    <event name='cmt' enabled='yes'/>\n    <event name='cpu_cycles' enabled='no'/>\n  </perf>\n"));
    CHECK(!xml_has(d, VIR_DOMAIN_XML_INACTIVE, "<perf>"));
    n = perf_get(d, VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_INT(bool_of(p, n, "cmt"), 0);

    plist_clear(&l);
    REQUIRE(virTypedParamsAddBoolean(&l.p, &l.n, &l.max, "emulation_faults", 1) == 0);
    CHECK_INT(virDomainSetPerfEvents(d, l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "  <perf>\n    <event name='emulation_faults' enabled='yes'/>\n  </perf>\n"));
    CHECK(!xml_has(d, 0, "emulation_faults"));

    one_num("cmt", VIR_TYPED_PARAM_INT, 0);
    FAILS(virDomainSetPerfEvents(d, l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'int' for parameter 'cmt', expected 'boolean'");
    one_num("cycles", VIR_TYPED_PARAM_BOOLEAN, 1);
    FAILS(virDomainSetPerfEvents(d, l.p, l.n, 0),
          VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE, "argument unsupported: parameter 'cycles' not supported");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddBoolean(&l.p, &l.n, &l.max, "cmt", 0) == 0);
    FAILS(virDomainSetPerfEvents(d, l.p, l.n, VIR_TYPED_PARAM_STRING_OKAY),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x4) in function testDomainSetPerfEvents");
    FAILS(virDomainSetPerfEvents(off, l.p, l.n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    plist_clear(&l);
    n = perf_get(d, 0, p);
    CHECK_INT(bool_of(p, n, "cmt"), 1);
    FAILS(perf_get(d, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, p),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(perf_get(d, 8, p),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x8) in function testDomainGetPerfEvents");
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* ------------------------------------------------------------------ a disk's <iotune> */

static const char *const kIotuneNames[] = {
    "total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec", "read_iops_sec", "write_iops_sec",
    "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max", "total_iops_sec_max", "read_iops_sec_max",
    "write_iops_sec_max", "size_iops_sec", "group_name", "total_bytes_sec_max_length", "read_bytes_sec_max_length",
    "write_bytes_sec_max_length", "total_iops_sec_max_length", "read_iops_sec_max_length", "write_iops_sec_max_length"};

static void test_block_iotune(void)
{
    virDomainPtr d = new_domain("tune-io", 1), off = new_domain("tune-io-off", 0);
    int n, i;
    char *before;
    REQUIRE(d != NULL && off != NULL);

    n = get_all_dev(virDomainGetBlockIoTune, d, "sda", 0, p);
    CHECK(check_layout(p, n, kIotuneNames, 20, -1));
    for (i = 0; i < n; i++)   /* all numbers but group_name */
        CHECK_INT(p[i].type, i == 13 ? VIR_TYPED_PARAM_STRING : VIR_TYPED_PARAM_ULLONG);
    CHECK_STR(nonzero(p, n), "");
    virTypedParamsClear(p, n);
    n = 0;   /* the count needs no disk */
    CHECK_INT(virDomainGetBlockIoTune(d, NULL, NULL, &n, 0), 0);
    CHECK_INT(n, 20);

    /* live, by target; then config, by source path */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "total_bytes_sec_max", 2000) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "total_bytes_sec", 1000) == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "group_name", "g1") == 0);
    CHECK_INT(virDomainSetBlockIoTune(d, "sda", l.p, l.n, 0), 0);
    plist_clear(&l);
    n = get_all_dev(virDomainGetBlockIoTune, d, "sda", VIR_DOMAIN_AFFECT_LIVE, p);
    CHECK_STR(nonzero(p, n), "total_bytes_sec=1000,total_bytes_sec_max=2000,group_name=g1");
    virTypedParamsClear(p, n);
    CHECK(xml_has(d, 0, "      <iotune>\n        <total_bytes_sec>1000</total_bytes_sec>\n"
                        "        <total_bytes_sec_max>2000</total_bytes_sec_max>\n        <group_name>g1</group_name>\n"
                        "      </iotune>\n"));
    CHECK(!xml_has(d, VIR_DOMAIN_XML_INACTIVE, "<iotune>"));
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "read_iops_sec_max", 50) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "read_iops_sec", 40) == 0);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "write_iops_sec_max_length", 9) == 0);
    REQUIRE(virTypedParamsAddString(&l.p, &l.n, &l.max, "group_name", "") == 0);
    CHECK_INT(virDomainSetBlockIoTune(d, "/img/tune-io.img", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all_dev(virDomainGetBlockIoTune, d, "/img/tune-io.img", VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_STR(nonzero(p, n), "read_iops_sec=40,read_iops_sec_max=50,write_iops_sec_max_length=9");
    CHECK_STR(str_of(p, n, "group_name"), "");
    virTypedParamsClear(p, n);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE,
                  "      <iotune>\n        <read_iops_sec>40</read_iops_sec>\n        <read_iops_sec_max>50</read_iops_sec_max>\n"
                  "        <group_name></group_name>\n        <write_iops_sec_max_length>9</write_iops_sec_max_length>\n"
                  "      </iotune>\n"));

    /* refused: each limit above its _max, a total with its read/write, too large a value, an
     * unknown disk; nothing changes */
    before = xml_of(d, 0);
    {
        static const struct {
            const char *field;
            unsigned long long value;
            int code;
            const char *message;
        } bad[] = {
            {"read_bytes_sec", 5, VIR_ERR_INVALID_ARG, "invalid argument: total and read/write of bytes_sec cannot be set at the same time"},
            {"read_iops_sec", 51, VIR_ERR_INVALID_ARG, "invalid argument: read_iops_sec cannot be set higher than read_iops_sec_max "},
            {"total_bytes_sec", 2001, VIR_ERR_INVALID_ARG, "invalid argument: total_bytes_sec cannot be set higher than total_bytes_sec_max "},
            {"write_iops_sec", 1, VIR_ERR_INVALID_ARG, "invalid argument: write_iops_sec cannot be set higher than write_iops_sec_max "},
            {"read_bytes_sec_max", 10, VIR_ERR_INVALID_ARG, "invalid argument: total and read/write of bytes_sec_max cannot be set at the same time"},
            {"size_iops_sec", 1000000000000001ULL, VIR_ERR_ARGUMENT_UNSUPPORTED,
             "argument unsupported: block I/O throttle limit value must be no more than 1000000000000000"},
        };
        for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
            plist_clear(&l);
            REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, bad[i].field, bad[i].value) == 0);
            FAILS(virDomainSetBlockIoTune(d, "sda", l.p, l.n, 0),
                  bad[i].code, VIR_FROM_TEST, bad[i].message);
            plist_clear(&l);
        }
    }
    plist_clear(&l);
    REQUIRE(virTypedParamsAddULLong(&l.p, &l.n, &l.max, "size_iops_sec", 1) == 0);
    FAILS(virDomainSetBlockIoTune(d, "vdz", l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: missing persistent configuration for disk 'vdz'");
    FAILS(virDomainSetBlockIoTune(d, "sda", l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(virDomainSetBlockIoTune(off, "sda", l.p, l.n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    plist_clear(&l);
    one_num("size_iops_sec", VIR_TYPED_PARAM_UINT, 1);
    FAILS(virDomainSetBlockIoTune(d, "sda", l.p, l.n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'uint' for parameter 'size_iops_sec', expected 'ullong'");
    CHECK(xml_unchanged(d, 0, before));
    n = 0;
    KNOWN_DIFF("the count of an unknown disk's parameters is refused (the driver cannot tell a count from a read)",
               CHECK_INT(virDomainGetBlockIoTune(d, "vdz", NULL, &n, 0), 0));
    n = 20;
    FAILS(virDomainGetBlockIoTune(d, "vdz", p, &n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: disk 'vdz' was not found in the domain config");
    n = 3;   /* fewer slots: the first parameters */
    memset(p, 0, sizeof(p));
    CHECK_INT(virDomainGetBlockIoTune(d, "sda", p, &n, 0), 0);
    CHECK_INT(n, 3);
    CHECK_STR(p[2].field, "write_bytes_sec");
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* ------------------------------------------------------------------ an interface's <bandwidth> */

static const char *const kBandwidthNames[] = {"inbound.average", "inbound.peak", "inbound.burst", "inbound.floor",
                                              "outbound.average", "outbound.peak", "outbound.burst"};

static void test_interface_parameters(void)
{
    virDomainPtr d = new_domain("tune-net", 1), off = new_domain("tune-net-off", 0);
    int n;
    char *before;
    REQUIRE(d != NULL && off != NULL);

    CHECK(check_layout(p, get_all_dev(virDomainGetInterfaceParameters, d, "testnet0", 0, p), kBandwidthNames, 7,
                       VIR_TYPED_PARAM_UINT));
    CHECK_STR(nonzero(p, 7), "");

    /* config, by MAC address */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.average", 100) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.peak", 200) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "outbound.average", 50) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "outbound.burst", 70) == 0);
    CHECK_INT(virDomainSetInterfaceParameters(d, "52:54:00:00:00:01", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all_dev(virDomainGetInterfaceParameters, d, "testnet0", VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_STR(nonzero(p, n), "inbound.average=100,inbound.peak=200,outbound.average=50,outbound.burst=70");
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "      <bandwidth>\n        <inbound average='100' peak='200'/>\n"
                                              "        <outbound average='50' burst='70'/>\n      </bandwidth>\n"));
    CHECK(!xml_has(d, 0, "<bandwidth>"));

    /* a direction is replaced as a whole; without an average (or floor) it stays as it was;
     * an average or floor of 0 drops it */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.floor", 10) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "outbound.peak", 5) == 0);
    CHECK_INT(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    n = get_all_dev(virDomainGetInterfaceParameters, d, "testnet0", VIR_DOMAIN_AFFECT_CONFIG, p);
    CHECK_STR(nonzero(p, n), "inbound.floor=10,outbound.average=50,outbound.burst=70");
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.floor", 0) == 0);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "outbound.average", 0) == 0);
    CHECK_INT(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG), 0);
    plist_clear(&l);
    CHECK(xml_has(d, VIR_DOMAIN_XML_INACTIVE, "      <bandwidth>\n      </bandwidth>\n"));

    /* live: peak and burst alone add nothing, yet leave an empty <bandwidth> */
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.peak", 5) == 0);
    CHECK_INT(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, 0), 0);
    plist_clear(&l);
    CHECK(xml_has(d, 0, "      <bandwidth>\n      </bandwidth>\n"));
    n = get_all_dev(virDomainGetInterfaceParameters, d, "testnet0", 0, p);
    CHECK_STR(nonzero(p, n), "");

    /* refused; nothing changes */
    before = xml_of(d, VIR_DOMAIN_XML_INACTIVE);
    plist_clear(&l);
    REQUIRE(virTypedParamsAddUInt(&l.p, &l.n, &l.max, "inbound.average", 1) == 0);
    FAILS(virDomainSetInterfaceParameters(d, "eth9", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: 'eth9' is not a known interface");
    FAILS(virDomainSetInterfaceParameters(d, "52:54:00:00:00:09", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: '52:54:00:00:00:09' is not a known interface");
    FAILS(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, EXCLUSIVE);
    FAILS(virDomainSetInterfaceParameters(off, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_LIVE),
          VIR_ERR_OPERATION_INVALID, VIR_FROM_DOMAIN, "Requested operation is not valid: domain is not running");
    plist_clear(&l);
    one_num("inbound.average", VIR_TYPED_PARAM_ULLONG, 1);
    FAILS(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: invalid type 'ullong' for parameter 'inbound.average', expected 'uint'");
    one_num("inbound.bogus", VIR_TYPED_PARAM_UINT, 1);
    FAILS(virDomainSetInterfaceParameters(d, "testnet0", l.p, l.n, VIR_DOMAIN_AFFECT_CONFIG),
          VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_FROM_NONE, "argument unsupported: parameter 'inbound.bogus' not supported");
    CHECK(xml_unchanged(d, VIR_DOMAIN_XML_INACTIVE, before));
    n = 7;
    FAILS(virDomainGetInterfaceParameters(d, "eth9", p, &n, 0),
          VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "invalid argument: 'eth9' is not a known interface");
    plist_clear(&l);
    drop_domain(d);
    drop_domain(off);
}

/* A caller-allocated array: a count of 0 asks how many; any other count needs the array, and
 * a negative one is refused, before the driver is asked. */
static void test_fill_protocol_checks(void)
{
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    REQUIRE(dom != NULL);
    int n = 3;
    CHECK_INT(virDomainGetMemoryParameters(dom, NULL, &n, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "params in virDomainGetMemoryParameters must not be NULL");
    n = -1;
    CHECK_INT(virDomainGetBlkioParameters(dom, NULL, &n, 0), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN, "*nparams in virDomainGetBlkioParameters must be zero or greater");
    n = 0;
    CHECK_INT(virDomainGetMemoryParameters(dom, NULL, &n, 0), 0);
    CHECK_INT(n, 3);
    virDomainFree(dom);
}

int main(void)
{
    check_init(1);
    conn = check_open_default();
    RUN(test_scheduler);
    RUN(test_memory_parameters);
    RUN(test_blkio_parameters);
    RUN(test_numa_parameters);
    RUN(test_perf_events);
    RUN(test_block_iotune);
    RUN(test_interface_parameters);
    RUN(test_fill_protocol_checks);
    virConnectClose(conn);
    return check_done("capi.tuning");
}
