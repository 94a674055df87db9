/* capi.headers: every public header compiles on its own terms (C99, -pedantic) and agrees with
 * libvirt's ABI: constants, enum values, struct sizes and layouts. */
#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt-lxc.h>

#include "check.h"

/* Compile-time checks that C99 can express. */
#define STATIC_CHECK(name, cond) typedef char static_check_##name[(cond) ? 1 : -1]
STATIC_CHECK(version, LIBVIR_VERSION_NUMBER == 9000000);
STATIC_CHECK(check_version, LIBVIR_CHECK_VERSION(9, 0, 0) && !LIBVIR_CHECK_VERSION(9, 0, 1));
STATIC_CHECK(uuid_buflen, VIR_UUID_BUFLEN == 16);
STATIC_CHECK(uuid_string_buflen, VIR_UUID_STRING_BUFLEN == 37);
STATIC_CHECK(field_length, VIR_TYPED_PARAM_FIELD_LENGTH == 80);
STATIC_CHECK(domain_info, sizeof(virDomainInfo) == 40);
STATIC_CHECK(node_info, sizeof(virNodeInfo) == 64);
STATIC_CHECK(typed_param, sizeof(virTypedParameter) == 96);
STATIC_CHECK(error, sizeof(virError) == 80);
STATIC_CHECK(auth, sizeof(virConnectAuth) == 32);
STATIC_CHECK(credential, sizeof(virConnectCredential) == 48);

static void test_constants(void)
{
    CHECK_INT(VIR_DOMAIN_NOSTATE, 0);
    CHECK_INT(VIR_DOMAIN_RUNNING, 1);
    CHECK_INT(VIR_DOMAIN_PAUSED, 3);
    CHECK_INT(VIR_DOMAIN_SHUTOFF, 5);
    CHECK_INT(VIR_DOMAIN_PMSUSPENDED, 7);
    CHECK_INT(VIR_DOMAIN_EVENT_ID_LIFECYCLE, 0);
    CHECK_INT(VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, 23);
    CHECK_INT(VIR_DOMAIN_EVENT_STOPPED, 5);
    CHECK_INT(VIR_DOMAIN_EVENT_DEFINED_RENAMED, 2);
    CHECK_INT(VIR_CONNECT_RO, 1);
    CHECK_INT(VIR_CONNECT_LIST_DOMAINS_ACTIVE, 1);
    CHECK_INT(VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, 1 << 15);
    CHECK_INT(VIR_DOMAIN_AFFECT_CURRENT, 0);
    CHECK_INT(VIR_DOMAIN_AFFECT_LIVE, 1);
    CHECK_INT(VIR_DOMAIN_AFFECT_CONFIG, 2);
    CHECK_INT(VIR_DOMAIN_VCPU_MAXIMUM, 4);
    CHECK_INT(VIR_DOMAIN_MEM_MAXIMUM, 4);
    CHECK_INT(VIR_DOMAIN_XML_SECURE, 1);
    CHECK_INT(VIR_DOMAIN_XML_INACTIVE, 2);
    CHECK_INT(VIR_TYPED_PARAM_INT, 1);
    CHECK_INT(VIR_TYPED_PARAM_STRING, 7);
    CHECK_INT(VIR_EVENT_HANDLE_READABLE, 1);
    CHECK_INT(VIR_EVENT_HANDLE_HANGUP, 8);
    CHECK_INT(VIR_ERR_OK, 0);
    CHECK_INT(VIR_ERR_INTERNAL_ERROR, 1);
    CHECK_INT(VIR_ERR_NO_SUPPORT, 3);
    CHECK_INT(VIR_ERR_NO_CONNECT, 5);
    CHECK_INT(VIR_ERR_INVALID_CONN, 6);
    CHECK_INT(VIR_ERR_INVALID_DOMAIN, 7);
    CHECK_INT(VIR_ERR_INVALID_ARG, 8);
    CHECK_INT(VIR_ERR_NO_DOMAIN, 42);
    CHECK_INT(VIR_ERR_OPERATION_DENIED, 29);
    CHECK_INT(VIR_ERR_OPERATION_INVALID, 55);
    CHECK_INT(VIR_ERR_MULTIPLE_DOMAINS, 110);
    CHECK_INT(VIR_FROM_NONE, 0);
    CHECK_INT(VIR_FROM_DOM, 6);
    CHECK_INT(VIR_FROM_TEST, 12);
    CHECK_INT(VIR_FROM_URI, 45);
    CHECK_INT(VIR_FROM_DOMAIN, 20);
    CHECK_INT(VIR_FROM_CH, 72);
    CHECK_INT(VIR_ERR_ERROR, 2);
    CHECK_INT(VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, 1);
}

static void test_layouts(void)
{
    CHECK_INT(offsetof(virError, code), 0);
    CHECK_INT(offsetof(virError, domain), 4);
    CHECK_INT(offsetof(virError, message), 8);
    CHECK_INT(offsetof(virError, level), 16);
    CHECK_INT(offsetof(virError, str1), 40);
    CHECK_INT(offsetof(virError, int1), 64);
    CHECK_INT(offsetof(virTypedParameter, type), 80);
    CHECK_INT(offsetof(virTypedParameter, value), 88);
    CHECK_INT(offsetof(virDomainInfo, maxMem), 8);
    CHECK_INT(offsetof(virDomainInfo, nrVirtCpu), 24);
    CHECK_INT(offsetof(virDomainInfo, cpuTime), 32);
    CHECK_INT(offsetof(virNodeInfo, memory), 32);
    CHECK_INT(offsetof(virNodeInfo, threads), 60);
    CHECK_INT(sizeof(virVcpuInfo), 24);
    CHECK_INT(sizeof(virStoragePoolInfo), 32);
    CHECK_INT(sizeof(virSecurityModel), 514);
    CHECK_INT(sizeof(virSecurityLabel), 4104);
}

static void test_link(void)
{
    unsigned long ver = 0;
    CHECK_INT(virGetVersion(&ver, NULL, NULL), 0);
    CHECK_INT(ver, LIBVIR_VERSION_NUMBER);
    CHECK_NO_ERR();
}

int main(void)
{
    RUN(test_constants);
    RUN(test_layouts);
    RUN(test_link);
    return check_done("capi.headers");
}
