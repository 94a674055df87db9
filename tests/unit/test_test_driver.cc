// The test driver through the core: opening test:///default with vh::drv::openConnection,
// the lifecycle through the driver class, state shared between connections, and node files
// (data/node-*.xml) with the test namespace's runstate, transient and hasmanagedsave and
// <domain file=...> children. Expected values are libvirt 9.0's test driver's.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "drivers/registry.h"
#include "drivers/test/test_driver.h"
#include "util/uuid.h"

using vh::Ref;
using Conn = Ref<_virConnect>;
using Dom = Ref<_virDomain>;

namespace {

Conn open(const std::string &uri, unsigned int flags = 0)
{
    auto c = vh::drv::openConnection(uri.c_str(), nullptr, flags);
    BOOST_REQUIRE_MESSAGE(bool(c), "open " << uri << ": " << (c ? "" : c.error().message));
    return std::move(*c);
}

vh::drv::HypervisorDriver &hv(const Conn &c)
{
    return *c->drivers.hypervisor;
}

std::string node(const char *file)
{
    return std::string("test://") + VH_TEST_DATA + "/" + file;
}

std::pair<int, int> state(const Conn &c, const Dom &d)
{
    int s = -1, r = -1;
    auto ok = hv(c).domainGetState(d.get(), s, r, 0);
    BOOST_REQUIRE_MESSAGE(bool(ok), "getState: " << (ok ? "" : ok.error().message));
    return {s, r};
}

Dom lookup(const Conn &c, const char *name)
{
    auto d = hv(c).domainLookupByName(c.get(), name);
    BOOST_REQUIRE_MESSAGE(bool(d), "lookup " << name << ": " << (d ? "" : d.error().message));
    return std::move(*d);
}

std::vector<std::string> names(const Conn &c, unsigned int flags = 0)
{
    auto list = hv(c).connectListAllDomains(c.get(), flags);
    BOOST_REQUIRE(list);
    std::vector<std::string> out;
    for (const auto &d : *list)
        out.push_back(d->name);
    std::sort(out.begin(), out.end());
    return out;
}

const char *const kXML = "<domain type='test'><name>%s</name><memory>1048576</memory><os><type>hvm</type></os></domain>";

std::string domainXML(const char *name)
{
    std::string s = kXML;
    return s.replace(s.find("%s"), 2, name);
}

using Names = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(test_driver)

BOOST_AUTO_TEST_CASE(open_default)
{
    Conn c = open("test:///default");
    BOOST_TEST(c->uri == "test:///default");
    BOOST_TEST(!c->readonly);
    BOOST_TEST(vh::valid(c.get()));
    auto type = hv(c).connectGetType(c.get());
    BOOST_REQUIRE(type);
    BOOST_TEST(std::string(*type) == "TEST");
    unsigned long ver = 0;
    BOOST_REQUIRE(hv(c).connectGetVersion(c.get(), ver));
    BOOST_TEST(ver == 2u);
    virNodeInfo info;
    BOOST_REQUIRE(hv(c).nodeGetInfo(c.get(), info));
    BOOST_TEST(std::string(info.model) == "i686");
    BOOST_TEST(info.memory == 3145728u);
    BOOST_TEST(info.cpus == 16u);
    BOOST_TEST(info.mhz == 1400u);
    BOOST_TEST(info.nodes == 2u);
    BOOST_TEST(names(c) == Names{"test"}, boost::test_tools::per_element());
    Dom d = lookup(c, "test");
    BOOST_TEST(d->id == 1);
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_RUNNING), 0}));
    Conn ro = open("test:///default", VIR_CONNECT_RO);
    BOOST_TEST(ro->readonly);
}

BOOST_AUTO_TEST_CASE(open_errors)
{
    struct {
        const char *uri;
        int code, domain;
        const char *message;
    } const cases[] = {
        {"::::", VIR_ERR_INTERNAL_ERROR, VIR_FROM_URI, "internal error: Unable to parse URI ::::"},
        {"test://", VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: testOpen: supply a path or use test:///default"},
        {"test:///", VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid argument: testOpen: supply a path or use test:///default"},
        {"nosuch:///x", VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "no connection driver available for nosuch:///x"},
        {"test:///nonexistent/node.xml", VIR_ERR_XML_ERROR, VIR_FROM_TEST,
         "XML error: failed to parse xml document '/nonexistent/node.xml'"},
    };
    for (const auto &c : cases) {
        BOOST_TEST_CONTEXT(c.uri)
        {
            auto r = vh::drv::openConnection(c.uri, nullptr, 0);
            BOOST_REQUIRE(!r);
            BOOST_TEST(r.error().code == c.code);
            BOOST_TEST(r.error().domain == c.domain);
            BOOST_TEST(r.error().message == c.message);
        }
    }
}

// libvirt: a name without a scheme is no URI a driver takes.
BOOST_AUTO_TEST_CASE(open_without_scheme)
{
    auto r = vh::drv::openConnection("foo", nullptr, 0);
    BOOST_TEST((!r && r.error().code == VIR_ERR_NO_CONNECT && r.error().domain == VIR_FROM_NONE &&
                r.error().message == "no connection driver available for URI 'foo' does not include a driver name"));
}

BOOST_AUTO_TEST_CASE(default_uri_from_environment)
{
    setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
    auto c = vh::drv::openConnection(nullptr, nullptr, 0);
    unsetenv("LIBVIRT_DEFAULT_URI");
    BOOST_REQUIRE(c);
    BOOST_TEST((*c)->uri == "test:///default");
}

BOOST_AUTO_TEST_CASE(lifecycle_through_the_driver)
{
    Conn c = open("test:///default");
    auto defined = hv(c).domainDefineXMLFlags(c.get(), domainXML("unit-life").c_str(), 0);
    BOOST_REQUIRE(defined);
    Dom d = std::move(*defined);
    BOOST_TEST(d->id == -1);
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_SHUTOFF), int(VIR_DOMAIN_SHUTOFF_UNKNOWN)}));

    BOOST_REQUIRE(hv(c).domainCreateWithFlags(d.get(), 0));
    BOOST_TEST(d->id > 1);   // the handle follows the new id
    int firstId = d->id;
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_RUNNING), int(VIR_DOMAIN_RUNNING_BOOTED)}));
    BOOST_REQUIRE(hv(c).domainSuspend(d.get()));
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_PAUSED), int(VIR_DOMAIN_PAUSED_USER)}));
    BOOST_REQUIRE(hv(c).domainResume(d.get()));
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_RUNNING), int(VIR_DOMAIN_RUNNING_UNPAUSED)}));
    BOOST_REQUIRE(hv(c).domainShutdownFlags(d.get(), 0));
    BOOST_TEST(d->id == -1);
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_SHUTOFF), int(VIR_DOMAIN_SHUTOFF_SHUTDOWN)}));

    auto again = hv(c).domainShutdownFlags(d.get(), 0);
    BOOST_REQUIRE(!again);
    BOOST_TEST(again.error().code == VIR_ERR_INTERNAL_ERROR);
    BOOST_TEST(again.error().domain == VIR_FROM_TEST);
    BOOST_TEST(again.error().message == "internal error: domain 'unit-life' not running");
    auto destroy = hv(c).domainDestroyFlags(d.get(), 0);
    BOOST_REQUIRE(!destroy);
    BOOST_TEST(destroy.error().message == "Requested operation is not valid: domain is not running");
    auto flags = hv(c).domainDestroyFlags(d.get(), 0x100);
    BOOST_REQUIRE(!flags);
    BOOST_TEST(flags.error().message == "unsupported flags (0x100) in function testDomainDestroyFlags");

    BOOST_REQUIRE(hv(c).domainCreateWithFlags(d.get(), 0));
    BOOST_TEST(d->id > firstId);
    BOOST_REQUIRE(hv(c).domainDestroyFlags(d.get(), 0));
    BOOST_TEST((state(c, d) == std::pair{int(VIR_DOMAIN_SHUTOFF), int(VIR_DOMAIN_SHUTOFF_DESTROYED)}));
    BOOST_REQUIRE(hv(c).domainUndefineFlags(d.get(), 0));
    auto gone = hv(c).domainLookupByName(c.get(), "unit-life");
    BOOST_REQUIRE(!gone);
    BOOST_TEST(gone.error().code == VIR_ERR_NO_DOMAIN);
    BOOST_TEST(gone.error().message == "Domain not found");
    int st = 0, reason = 0;
    auto stale = hv(c).domainGetState(d.get(), st, reason, 0);
    BOOST_REQUIRE(!stale);
    BOOST_TEST(stale.error().code == VIR_ERR_NO_DOMAIN);
    BOOST_TEST(stale.error().domain == VIR_FROM_TEST);
    BOOST_TEST(stale.error().message == "Domain not found: no domain with matching uuid '" + vh::uuidFormat(d->uuid) +
                                            "' (unit-life)");
}

BOOST_AUTO_TEST_CASE(transient_domain_goes_away)
{
    Conn c = open("test:///default");
    auto created = hv(c).domainCreateXML(c.get(), domainXML("unit-tr").c_str(), 0);
    BOOST_REQUIRE(created);
    Dom d = std::move(*created);
    BOOST_TEST(d->id > 1);
    auto persistent = hv(c).domainIsPersistent(d.get());
    BOOST_REQUIRE(persistent);
    BOOST_TEST(*persistent == 0);
    BOOST_TEST(names(c, VIR_CONNECT_LIST_DOMAINS_TRANSIENT) == Names{"unit-tr"}, boost::test_tools::per_element());
    BOOST_REQUIRE(hv(c).domainDestroyFlags(d.get(), 0));
    BOOST_TEST(names(c) == Names{"test"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(state_shared_between_connections)
{
    Conn a = open("test:///default");
    Conn b = open("test:///default");
    auto defined = hv(a).domainDefineXMLFlags(a.get(), domainXML("unit-shared").c_str(), 0);
    BOOST_REQUIRE(defined);
    // b sees a's domain, and a sees b's changes to it
    Dom viaB = lookup(b, "unit-shared");
    BOOST_TEST(viaB->connect() == b.get());
    BOOST_REQUIRE(hv(b).domainCreateWithFlags(viaB.get(), 0));
    BOOST_TEST((state(a, *defined) == std::pair{int(VIR_DOMAIN_RUNNING), int(VIR_DOMAIN_RUNNING_BOOTED)}));
    auto num = hv(a).connectNumOfDomains(a.get());
    BOOST_REQUIRE(num);
    BOOST_TEST(*num == 2);
    BOOST_REQUIRE(hv(a).domainDestroyFlags(defined->get(), 0));
    BOOST_REQUIRE(hv(b).domainUndefineFlags(viaB.get(), 0));
    BOOST_TEST(names(a) == Names{"test"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(default_state_starts_afresh_after_the_last_close)
{
    {
        Conn a = open("test:///default");
        Dom t = lookup(a, "test");
        BOOST_REQUIRE(hv(a).domainSuspend(t.get()));
        auto d = hv(a).domainDefineXMLFlags(a.get(), domainXML("unit-fresh").c_str(), 0);
        BOOST_REQUIRE(d);
    }
    Conn b = open("test:///default");
    BOOST_TEST(names(b) == Names{"test"}, boost::test_tools::per_element());
    Dom t = lookup(b, "test");
    BOOST_TEST((state(b, t) == std::pair{int(VIR_DOMAIN_RUNNING), 0}));
    BOOST_TEST(t->id == 1);
}

BOOST_AUTO_TEST_CASE(node_file)
{
    Conn c = open(node("node-basic.xml"));
    virNodeInfo info;
    BOOST_REQUIRE(hv(c).nodeGetInfo(c.get(), info));
    BOOST_TEST(std::string(info.model) == "x86_64");
    BOOST_TEST(info.memory == 8388608u);
    BOOST_TEST(info.cpus == 8u);
    BOOST_TEST(info.mhz == 2500u);
    BOOST_TEST(info.nodes == 1u);
    BOOST_TEST(info.sockets == 2u);
    BOOST_TEST(info.cores == 4u);
    BOOST_TEST(info.threads == 1u);
    BOOST_TEST(names(c) == (Names{"from-file", "off", "paused", "running", "transient"}), boost::test_tools::per_element());

    struct {
        const char *name;
        int id, state, persistent, managedSave;
    } const want[] = {
        {"running", 1, VIR_DOMAIN_RUNNING, 1, 0},
        {"paused", 2, VIR_DOMAIN_PAUSED, 1, 0},
        {"off", -1, VIR_DOMAIN_SHUTOFF, 1, 1},
        {"transient", 3, VIR_DOMAIN_RUNNING, 0, 0},
        {"from-file", 4, VIR_DOMAIN_RUNNING, 1, 0},
    };
    for (const auto &w : want) {
        BOOST_TEST_CONTEXT(w.name)
        {
            Dom d = lookup(c, w.name);
            BOOST_TEST(d->id == w.id);
            BOOST_TEST((state(c, d) == std::pair{w.state, 0}));
            BOOST_TEST(*hv(c).domainIsPersistent(d.get()) == w.persistent);
            BOOST_TEST(*hv(c).domainHasManagedSaveImage(d.get(), 0) == w.managedSave);
        }
    }
    Dom f = lookup(c, "from-file");
    virDomainInfo di;
    BOOST_REQUIRE(hv(c).domainGetInfo(f.get(), di));
    BOOST_TEST(di.maxMem == 524288u);
    BOOST_TEST(di.nrVirtCpu == 2u);
    BOOST_TEST(names(c, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE) == Names{"off"}, boost::test_tools::per_element());
    BOOST_TEST(names(c, VIR_CONNECT_LIST_DOMAINS_PAUSED) == Names{"paused"}, boost::test_tools::per_element());

    // each open of a node file is a state of its own
    Conn other = open(node("node-basic.xml"));
    Dom r = lookup(c, "running");
    BOOST_REQUIRE(hv(c).domainDestroyFlags(r.get(), 0));
    Dom r2 = lookup(other, "running");
    BOOST_TEST((state(other, r2) == std::pair{int(VIR_DOMAIN_RUNNING), 0}));
}

// libvirt counts free memory from the node's cells, and a node file has none.
BOOST_AUTO_TEST_CASE(node_file_free_memory)
{
    Conn c = open(node("node-basic.xml"));
    auto free = hv(c).nodeGetFreeMemory(c.get());
    BOOST_REQUIRE(free);
    BOOST_TEST(*free == 0u);
}

namespace {
// "code/domain/message" of opening a node file, or "opened".
std::string nodeError(const char *file)
{
    auto r = vh::drv::openConnection(node(file).c_str(), nullptr, 0);
    if (r)
        return "opened";
    return std::to_string(r.error().code) + "/" + std::to_string(r.error().domain) + "/" + r.error().message;
}

std::string expect(int code, int domain, const std::string &message)
{
    return std::to_string(code) + "/" + std::to_string(domain) + "/" + message;
}
} // namespace

BOOST_AUTO_TEST_CASE(node_file_errors)
{
    BOOST_TEST(nodeError("node-err-transient-off.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: transient domain cannot have runstate 'shutoff'"));
    BOOST_TEST(nodeError("node-err-missing-file.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST,
                      std::string("XML error: failed to parse xml document '") + VH_TEST_DATA + "/node-missing.xml'"));
    BOOST_TEST(nodeError("node-err-bad-domain.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "XML error: an os <type> must be specified"));
}

BOOST_AUTO_TEST_CASE(node_file_errors_of_values)
{
    BOOST_TEST(nodeError("node-err-bad-runstate.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: runstate '42' out of range'"));
    BOOST_TEST(nodeError("node-err-bad-runstate2.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: invalid runstate"));
    BOOST_TEST(nodeError("node-err-managed-running.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST,
                      "XML error: domain with managedsave data can only have runstate 'shutoff'"));
    BOOST_TEST(nodeError("node-err-not-node.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_XML, "XML error: expecting root element of 'node', not 'notnode'"));
    BOOST_TEST(nodeError("node-err-bad-mhz.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: invalid node cpu mhz value"));
    BOOST_TEST(nodeError("node-err-bad-mem.xml") ==
               expect(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "XML error: invalid node memory value"));
    // libvirt names the random UUID of the first one
    BOOST_TEST(nodeError("node-err-dup.xml").rfind(
                   expect(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN, "operation failed: domain 'd' already exists with uuid "), 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
