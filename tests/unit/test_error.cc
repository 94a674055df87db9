// vh::Error, the error tables, vh::Result and VH_TRY.
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstring>
#include <string>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "util/error.h"
#include "util/result.h"

using vh::Error;

BOOST_AUTO_TEST_SUITE(error)

BOOST_AUTO_TEST_CASE(make_without_detail)
{
    Error e = Error::make(VIR_FROM_TEST, VIR_ERR_NO_DOMAIN);
    BOOST_TEST(e.code == VIR_ERR_NO_DOMAIN);
    BOOST_TEST(e.domain == VIR_FROM_TEST);
    BOOST_TEST(e.level == VIR_ERR_ERROR);
    BOOST_TEST(e.message == "Domain not found");
    BOOST_TEST(e.str1 == "Domain not found");
    BOOST_TEST(e.str2.empty());
}

BOOST_AUTO_TEST_CASE(make_with_detail)
{
    Error e = Error::make(VIR_FROM_TEST, VIR_ERR_NO_DOMAIN, "no domain with matching name 'x'");
    BOOST_TEST(e.message == "Domain not found: no domain with matching name 'x'");
    BOOST_TEST(e.str1 == "Domain not found: %s");
    BOOST_TEST(e.str2 == "no domain with matching name 'x'");

    BOOST_TEST(Error::make(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "boom").message == "internal error: boom");
    BOOST_TEST(Error::make(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "bad").message == "invalid argument: bad");
    BOOST_TEST(Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, "domain is not running").message ==
               "Requested operation is not valid: domain is not running");
    BOOST_TEST(Error::make(VIR_FROM_DOMAIN, VIR_ERR_NO_SUPPORT, "virDomainFoo").message ==
               "this function is not supported by the connection driver: virDomainFoo");
    BOOST_TEST(Error::make(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_DENIED, "read only access prevents virDomainCreate").message ==
               "operation forbidden: read only access prevents virDomainCreate");
    // the detail goes where libvirt's message has it, not always at the end
    BOOST_TEST(Error::make(VIR_FROM_DOMAIN, VIR_ERR_INVALID_DOMAIN, "virDomainGetInfo").message ==
               "invalid domain pointer in virDomainGetInfo");
    BOOST_TEST(Error::make(VIR_FROM_NONE, VIR_ERR_NO_CONNECT, "foo:///").message ==
               "no connection driver available for foo:///");
}

BOOST_AUTO_TEST_CASE(bare_messages_of_libvirt)
{
    struct {
        int code;
        const char *message;
    } const cases[] = {
        {VIR_ERR_INTERNAL_ERROR, "internal error"},
        {VIR_ERR_NO_SUPPORT, "this function is not supported by the connection driver"},
        {VIR_ERR_NO_NAME, "missing name information"},
        {VIR_ERR_NO_DOMAIN, "Domain not found"},
        {VIR_ERR_OPERATION_INVALID, "Requested operation is not valid"},
        {VIR_ERR_NO_DOMAIN_METADATA, "metadata not found"},
        {VIR_ERR_XML_ERROR, "XML description is invalid or not well formed"},
        {VIR_ERR_OPERATION_FAILED, "operation failed"},
    };
    for (const auto &c : cases) {
        BOOST_TEST_CONTEXT("code " << c.code)
        BOOST_TEST(Error::make(VIR_FROM_NONE, c.code).message == c.message);
    }
}

BOOST_AUTO_TEST_CASE(make_unknown_code)
{
    Error e = Error::make(VIR_FROM_NONE, 99999);
    BOOST_TEST(e.code == 99999);
    BOOST_TEST(e.message == "unknown error");
    BOOST_TEST(Error::make(VIR_FROM_NONE, 99999, "detail only").message == "detail only");
}

BOOST_AUTO_TEST_CASE(format_printf)
{
    Error e = Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "domain '%s' has %d vcpus", "d", 4);
    BOOST_TEST(e.message == "internal error: domain 'd' has 4 vcpus");
    BOOST_TEST(e.str2 == "domain 'd' has 4 vcpus");
    // longer than any small buffer
    std::string longName(1000, 'n');
    Error l = Error::format(VIR_FROM_TEST, VIR_ERR_INTERNAL_ERROR, "[%s]", longName.c_str());
    BOOST_TEST(l.message == "internal error: [" + longName + "]");
    BOOST_TEST(vh::strprintf("%s-%03d", "x", 7) == "x-007");
    BOOST_TEST(vh::strprintf("%s", longName.c_str()) == longName);
}

BOOST_AUTO_TEST_CASE(plain_message)
{
    Error e = Error::plain(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, "Flags 'A' and 'B' are mutually exclusive");
    BOOST_TEST(e.code == VIR_ERR_INVALID_ARG);
    BOOST_TEST(e.domain == VIR_FROM_DOMAIN);
    BOOST_TEST(e.message == "Flags 'A' and 'B' are mutually exclusive");
    BOOST_TEST(e.str1 == "%s");
    BOOST_TEST(e.str2 == e.message);
}

BOOST_AUTO_TEST_CASE(invalid_arg)
{
    Error e = Error::invalidArg(VIR_FROM_DOMAIN, "virDomainGetState", "state", "must not be NULL");
    BOOST_TEST(e.code == VIR_ERR_INVALID_ARG);
    BOOST_TEST(e.domain == VIR_FROM_DOMAIN);
    BOOST_TEST(e.message == "state in virDomainGetState must not be NULL");
    BOOST_TEST(e.str1 == "virDomainGetState");
    BOOST_TEST(e.str2 == "state");
}

BOOST_AUTO_TEST_CASE(unsupported_flags)
{
    Error e = Error::unsupportedFlags(VIR_FROM_TEST, "testDomainGetState", 0x10);
    BOOST_TEST(e.code == VIR_ERR_INVALID_ARG);
    BOOST_TEST(e.domain == VIR_FROM_TEST);
    BOOST_TEST(e.message == "unsupported flags (0x10) in function testDomainGetState");
    // drivers name their function after the slot
    Error d = vh::drv::unsupportedFlags(VIR_FROM_TEST, "test", "domainShutdownFlags", 0x4);
    BOOST_TEST(d.message == "unsupported flags (0x4) in function testDomainShutdownFlags");
}

namespace {
vh::Result<int> checked(unsigned int flags)
{
    if (flags & ~0x3u)
        return vh::drv::unsupportedFlags(VIR_FROM_TEST, "test", "domainReset", flags & ~0x3u);
    return 0;
}
} // namespace

BOOST_AUTO_TEST_CASE(check_flags_reports_only_unknown_bits)
{
    BOOST_TEST(bool(checked(0x3)));
    auto r = checked(0x13);
    BOOST_TEST(!r);
    BOOST_TEST(r.error().message == "unsupported flags (0x10) in function testDomainReset");
}

BOOST_AUTO_TEST_CASE(system_error)
{
    Error e = Error::system(VIR_FROM_TEST, ENOENT, "cannot read domain image '/x'");
    BOOST_TEST(e.code == VIR_ERR_SYSTEM_ERROR);
    BOOST_TEST(e.domain == VIR_FROM_TEST);
    BOOST_TEST(e.message == std::string("cannot read domain image '/x': ") + strerror(ENOENT));
    BOOST_TEST(e.int1 == ENOENT);
}

BOOST_AUTO_TEST_CASE(unsupported_is_completed_by_the_entry_point)
{
    Error e = Error::unsupported();
    BOOST_TEST(e.code == VIR_ERR_NO_SUPPORT);
    BOOST_TEST(e.message.empty());
}

BOOST_AUTO_TEST_CASE(domain_names)
{
    BOOST_TEST(std::string(vh::errorDomainName(VIR_FROM_TEST)) == "Test Driver");
    BOOST_TEST(std::string(vh::errorDomainName(VIR_FROM_DOM)) == "Domain");
    BOOST_TEST(std::string(vh::errorDomainName(VIR_FROM_URI)) == "URI Utils");
    BOOST_TEST(std::string(vh::errorDomainName(VIR_FROM_DOMAIN)) == "Domain Config");
    BOOST_TEST(std::string(vh::errorDomainName(VIR_FROM_NONE)) == "");
    BOOST_TEST(std::string(vh::errorDomainName(99999)) == "");
}

BOOST_AUTO_TEST_CASE(every_error_code_has_a_message)
{
    // VIR_ERR_INTERNAL_ERROR (1) .. VIR_ERR_MULTIPLE_DOMAINS (110), except the codes libvirt
    // no longer uses still answer with some text
    for (int code = 1; code <= 110; code++) {
        BOOST_TEST_CONTEXT("code " << code)
        BOOST_TEST(Error::make(VIR_FROM_NONE, code).message != "unknown error");
    }
}

namespace {
vh::Result<int> half(int v)
{
    if (v % 2)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "%d is odd", v);
    return v / 2;
}
vh::Result<int> quarter(int v)
{
    auto h = half(v);
    VH_TRY(h);
    return half(*h);
}
vh::Result<void> even(int v)
{
    VH_TRY(half(v));
    return {};
}
} // namespace

BOOST_AUTO_TEST_CASE(result_and_try)
{
    auto ok = quarter(8);
    BOOST_REQUIRE(ok);
    BOOST_TEST(*ok == 2);
    auto bad = quarter(6);
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().message == "invalid argument: 3 is odd");
    BOOST_TEST(bool(even(4)));
    auto r = even(5);
    BOOST_TEST(!r);
    BOOST_TEST(r.error().code == VIR_ERR_INVALID_ARG);
    vh::Result<std::string> s = std::string("text");
    BOOST_TEST(s->size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
