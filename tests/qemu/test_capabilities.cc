// The QEMU driver's view of the host: the QMP probe of real binaries and its cache, the KVM
// probe's verdict, the capabilities and domain capabilities documents (parsed back with
// libxml2) and their errors, and type='kvm' refused with the reason where KVM is unusable.
#define BOOST_TEST_MODULE qemu_capabilities
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <nlohmann/json.hpp>

#include "conf/capabilities/domaincaps.h"
#include "conf/domain/domain_def.h"
#include "drivers/qemu/capabilities.h"
#include "drivers/qemu/command_line.h"
#include "drivers/qemu/domain_capabilities.h"
#include "drivers/qemu/kvm_probe.h"

namespace fs = std::filesystem;
using namespace vh::drv::qemu;
using namespace std::chrono_literals;

namespace {

const char *const kX86 = "/usr/bin/qemu-system-x86_64";
const char *const kS390 = "/usr/bin/qemu-system-s390x";

struct TempDir {
    fs::path path;
    TempDir()
    {
        char tmpl[] = "/tmp/vhcaps.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
};

bool has(const std::vector<std::string> &v, const std::string &s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

// A parsed document and XPath string/count queries on it.
struct Doc {
    xmlDocPtr doc;
    explicit Doc(const std::string &text) : doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "x", nullptr, 0))
    {
        BOOST_TEST_REQUIRE(doc != nullptr, text);
    }
    ~Doc() { xmlFreeDoc(doc); }
    std::string str(const std::string &xpath) const
    {
        xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
        xmlXPathObjectPtr o = xmlXPathEvalExpression(reinterpret_cast<const xmlChar *>(("string(" + xpath + ")").c_str()), ctx);
        std::string out = o && o->stringval ? reinterpret_cast<const char *>(o->stringval) : "";
        xmlXPathFreeObject(o);
        xmlXPathFreeContext(ctx);
        return out;
    }
    int count(const std::string &xpath) const { return std::stoi(str("count(" + xpath + ")")); }
};

// The KVM verdict for this host, as the driver gets it.
KvmVerdict hostVerdict(const std::string &cacheDir)
{
    auto caps = probeEmulator(kX86, cacheDir);
    BOOST_TEST_REQUIRE(bool(caps));
    return probeKvm(*caps, cacheDir);
}

} // namespace

BOOST_AUTO_TEST_CASE(qmp_probe_of_x86_64_and_s390x)
{
    TempDir cache;
    auto x86 = probeEmulator(kX86, cache.path);
    BOOST_TEST_REQUIRE(bool(x86), (x86 ? "" : x86.error().message));
    BOOST_TEST(x86->arch == "x86_64");
    BOOST_TEST(x86->version >= 7000000UL);
    BOOST_TEST_REQUIRE(!x86->machines.empty());
    // the default machine first, its alias right after it
    BOOST_TEST(x86->machines[0].canonical.empty());
    BOOST_TEST(x86->machines[1].name == "pc");
    BOOST_TEST(x86->machines[1].canonical == x86->machines[0].name);
    BOOST_TEST(x86->machines[0].maxCpus > 0);
    BOOST_TEST(x86->canonicalMachine("pc").rfind("pc-i440fx-", 0) == 0);
    BOOST_TEST(x86->machine("q35") != nullptr);
    BOOST_TEST(std::any_of(x86->cpuModels.begin(), x86->cpuModels.end(),
                           [](const CpuModelCaps &c) { return c.name == "qemu64" && c.usable == true; }));
    BOOST_TEST(x86->hasDevice("virtio-blk-pci"));
    BOOST_TEST(x86->hasDevice("isa-serial"));
    BOOST_TEST(!x86->hasDevice("vfio-ap"));
    BOOST_TEST(x86->deviceHasProperty("virtio-blk-pci", "iothread"));
    BOOST_TEST(x86->hasAccel("tcg"));
    BOOST_TEST(x86->hasAccel("kvm"));

    auto s390 = probeEmulator(kS390, cache.path);
    BOOST_TEST_REQUIRE(bool(s390), (s390 ? "" : s390.error().message));
    BOOST_TEST(s390->arch == "s390x");
    BOOST_TEST(s390->machine("s390-ccw-virtio") != nullptr);
    BOOST_TEST(s390->machines[0].name.rfind("s390-ccw-virtio-", 0) == 0);
    BOOST_TEST(s390->hasDevice("vfio-ap"));
    BOOST_TEST(s390->hasDevice("virtio-blk-ccw"));
    BOOST_TEST(!s390->cpuModels.empty());
}

BOOST_AUTO_TEST_CASE(probe_cache_file_and_changed_binary)
{
    TempDir dir;
    fs::path bin = dir.path / "bin" / "qemu-system-x86_64";
    fs::create_directories(bin.parent_path());
    fs::copy_file(kX86, bin);
    // a copy outside /usr/bin finds Debian's QEMU modules (TCG among them) only when told where
    setenv("QEMU_MODULE_DIR", "/usr/lib/x86_64-linux-gnu/qemu", 0);
    fs::path cache = dir.path / "cache";
    auto first = probeEmulator(bin, cache);
    BOOST_TEST_REQUIRE(bool(first), (first ? "" : first.error().message));
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(cache))
        files.push_back(e.path());
    BOOST_TEST_REQUIRE(files.size() == 1u);

    // mark the file: a probe served from it carries the mark
    nlohmann::json doc;
    {
        std::ifstream in(files[0]);
        in >> doc;
    }
    BOOST_TEST(doc["key"]["format"].get<int>() == 3);
    doc["caps"]["package"] = "from-the-cache-file";
    {
        std::ofstream out(files[0]);
        out << doc.dump();
    }
    forgetProbes();
    auto second = probeEmulator(bin, cache);
    BOOST_TEST_REQUIRE(bool(second));
    BOOST_TEST(second->package == "from-the-cache-file");
    BOOST_TEST(second->machines.size() == first->machines.size());

    // a changed binary (new mtime) is probed again and the file rewritten
    struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    BOOST_TEST_REQUIRE(utimensat(AT_FDCWD, bin.c_str(), times, 0) == 0);
    auto third = probeEmulator(bin, cache);
    BOOST_TEST_REQUIRE(bool(third));
    BOOST_TEST(third->package != "from-the-cache-file");
    BOOST_TEST(third->version == first->version);
    forgetProbes();
    auto fourth = probeEmulator(bin, cache);
    BOOST_TEST(fourth->package == third->package);
}

BOOST_AUTO_TEST_CASE(missing_binary_is_a_system_error)
{
    auto caps = probeEmulator("/nonexistent/qemu-system-x86_64");
    BOOST_TEST_REQUIRE(!caps);
    BOOST_TEST(caps.error().code == VIR_ERR_SYSTEM_ERROR);
    BOOST_TEST(caps.error().message.find("/nonexistent/qemu-system-x86_64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_test_guest_runs_under_tcg)
{
    // the guest itself is sound: TCG reaches its known point (a liveness bound, not a timing check)
    TempDir dir;
    auto ran = runKvmTestGuest(kX86, "tcg", 60s, dir.path);
    BOOST_TEST(bool(ran), (ran ? "" : ran.error().message));
}

BOOST_AUTO_TEST_CASE(kvm_verdict_is_definite_and_cached)
{
    utsname u{};
    uname(&u);
    if (std::string(u.machine) != "x86_64") {
        BOOST_TEST_MESSAGE("not an x86_64 host: the KVM probe has no test guest here");
        return;
    }
    TempDir cache;
    KvmVerdict v = hostVerdict(cache.path);
    BOOST_TEST_MESSAGE("KVM usable: " << v.usable << (v.usable ? "" : " (" + v.reason + ")"));
    BOOST_TEST(!v.cached);
    BOOST_TEST(v.usable == v.reason.empty());
    KvmVerdict again = hostVerdict(cache.path);
    BOOST_TEST(again.cached);
    BOOST_TEST(again.usable == v.usable);
    BOOST_TEST(again.reason == v.reason);
    BOOST_TEST(fs::exists(cache.path / "qemu-system-x86_64.kvm"));

    // the capabilities document offers kvm exactly when usable, and says why not otherwise
    auto caps = probeEmulator(kX86, cache.path);
    std::string xml = capabilitiesXML({*caps}, HostFacts{v.usable, v.reason});
    Doc d(xml);
    BOOST_TEST(d.count("/capabilities/guest[arch/@name='x86_64']/arch/domain[@type='qemu']") == 1);
    BOOST_TEST(d.count("/capabilities/guest[arch/@name='x86_64']/arch/domain[@type='kvm']") == (v.usable ? 1 : 0));
    if (!v.usable) {
        BOOST_TEST(d.str("/capabilities/guest[arch/@name='x86_64']/comment()").find(v.reason) != std::string::npos);
        // a parser that reads it back ignores the comment
        auto back = vh::conf::parseCapabilities(xml, 0);
        BOOST_TEST(bool(back));
    }
}

BOOST_AUTO_TEST_CASE(type_kvm_without_kvm_names_the_reason)
{
    vh::conf::DomainXMLOptions opts;
    opts.defaultArch = "x86_64";
    auto def = vh::conf::parseDomain("<domain type='kvm'><name>k</name><memory>65536</memory><os><type>hvm</type></os></domain>",
                                     opts, 0);
    BOOST_TEST_REQUIRE(bool(def));
    HostFacts facts{false, "a test guest under KVM made no progress in 2 s"};
    auto argv = buildCommandLine(**def, {"/tmp/m", "/tmp/l"}, facts);
    BOOST_TEST_REQUIRE(!argv);
    BOOST_TEST(argv.error().code == VIR_ERR_CONFIG_UNSUPPORTED);
    BOOST_TEST(argv.error().message.find(facts.kvmMissingReason) != std::string::npos);
    // usable KVM runs with accel=kvm and no -cpu the XML did not ask for
    auto kvm = buildCommandLine(**def, {"/tmp/m", "/tmp/l"}, HostFacts{true, ""});
    BOOST_TEST_REQUIRE(bool(kvm));
    BOOST_TEST(has(*kvm, "pc,accel=kvm,usb=off,dump-guest-core=off"));
    BOOST_TEST(!has(*kvm, "-cpu"));
}

BOOST_AUTO_TEST_CASE(domain_capabilities_documents)
{
    TempDir cache;
    HostFacts noKvm{false, "a test guest under KVM made no progress in 2 s"};
    auto host = [&]() -> const HostFacts & { return noKvm; };

    auto x86 = domainCapabilitiesXML(nullptr, nullptr, nullptr, nullptr, cache.path, host);
    BOOST_TEST_REQUIRE(bool(x86), (x86 ? "" : x86.error().message));
    {
        Doc d(*x86);
        BOOST_TEST(d.str("/domainCapabilities/path") == kX86);
        BOOST_TEST(d.str("/domainCapabilities/domain") == "qemu");     // no usable KVM: qemu by default
        BOOST_TEST(d.str("/domainCapabilities/machine").rfind("pc-i440fx-", 0) == 0);
        BOOST_TEST(d.str("/domainCapabilities/arch") == "x86_64");
        BOOST_TEST(std::stoi(d.str("/domainCapabilities/vcpu/@max")) > 0);
        BOOST_TEST(d.str("/domainCapabilities/iothreads/@supported") == "yes");
        BOOST_TEST(d.str("/domainCapabilities/os/@supported") == "yes");
        BOOST_TEST(d.count("/domainCapabilities/os/loader/enum[@name='type']/value") == 2);
        BOOST_TEST(d.str("/domainCapabilities/cpu/mode[@name='host-passthrough']/@supported") == "no");
        BOOST_TEST(d.str("/domainCapabilities/cpu/mode[@name='custom']/model[.='qemu64']/@usable") == "yes");
        BOOST_TEST(d.count("/domainCapabilities/devices/disk/enum[@name='bus']/value[.='virtio']") == 1);
        BOOST_TEST(d.count("/domainCapabilities/devices/disk/enum[@name='bus']/value[.='ide']") == 1);
        BOOST_TEST(d.str("/domainCapabilities/devices/hostdev/@supported") == "no");
        BOOST_TEST(d.str("/domainCapabilities/devices/graphics/@supported") == "no");
        BOOST_TEST(d.str("/domainCapabilities/features/gic/@supported") == "no");
        BOOST_TEST(d.str("/domainCapabilities/features/sev/@supported") == "no");
        BOOST_TEST(d.count("/domainCapabilities/features/s390-pv") == 0);
        auto back = vh::conf::parseDomainCaps(*x86, 0);
        BOOST_TEST(bool(back), (back ? "" : back.error().message));
    }
    // an alias is answered with its machine's name; q35 has no IDE
    auto q35 = domainCapabilitiesXML(kX86, "x86_64", "q35", "qemu", cache.path, host);
    BOOST_TEST_REQUIRE(bool(q35));
    {
        Doc d(*q35);
        BOOST_TEST(d.str("/domainCapabilities/machine").rfind("pc-q35-", 0) == 0);
        BOOST_TEST(d.count("/domainCapabilities/devices/disk/enum[@name='bus']/value[.='ide']") == 0);
    }
    auto s390 = domainCapabilitiesXML(nullptr, "s390x", nullptr, "qemu", cache.path, host);
    BOOST_TEST_REQUIRE(bool(s390), (s390 ? "" : s390.error().message));
    {
        Doc d(*s390);
        BOOST_TEST(d.str("/domainCapabilities/path") == kS390);
        BOOST_TEST(d.str("/domainCapabilities/machine").rfind("s390-ccw-virtio-", 0) == 0);
        BOOST_TEST(d.str("/domainCapabilities/devices/hostdev/@supported") == "yes");
        BOOST_TEST(d.str("/domainCapabilities/devices/hostdev/enum[@name='subsysType']/value") == "mdev");
        BOOST_TEST(d.count("/domainCapabilities/devices/disk/enum[@name='bus']/value") == 1);
        BOOST_TEST(d.str("/domainCapabilities/features/s390-pv/@supported") == "no");
    }
}

BOOST_AUTO_TEST_CASE(domain_capabilities_errors)
{
    TempDir cache;
    HostFacts noKvm{false, "a test guest under KVM made no progress in 2 s"};
    auto host = [&]() -> const HostFacts & { return noKvm; };
    struct Case {
        const char *emulator, *arch, *machine, *virttype;
        int code;
        std::string message;
    } cases[] = {
        {nullptr, "foo", nullptr, nullptr, VIR_ERR_INVALID_ARG, "unknown architecture: foo"},
        {nullptr, "sparc64", nullptr, nullptr, VIR_ERR_CONFIG_UNSUPPORTED,
         "unable to find any emulator to serve 'sparc64' architecture"},
        {"/nonexistent", nullptr, nullptr, nullptr, VIR_ERR_SYSTEM_ERROR, "Cannot check QEMU binary /nonexistent"},
        {kS390, "x86_64", nullptr, nullptr, VIR_ERR_INVALID_ARG,
         "architecture from emulator 's390x' doesn't match given architecture 'x86_64'"},
        {nullptr, nullptr, "bogus", "qemu", VIR_ERR_INVALID_ARG,
         "the machine 'bogus' is not supported by emulator '/usr/bin/qemu-system-x86_64'"},
        {nullptr, nullptr, nullptr, "bogus", VIR_ERR_INVALID_ARG, "unknown virttype: bogus"},
        {nullptr, nullptr, nullptr, "xen", VIR_ERR_INVALID_ARG, "does not support virt type 'xen'"},
        {nullptr, nullptr, nullptr, "kvm", VIR_ERR_CONFIG_UNSUPPORTED, noKvm.kvmMissingReason},
        {kS390, nullptr, nullptr, "kvm", VIR_ERR_CONFIG_UNSUPPORTED, "not an architecture this host's KVM runs"},
    };
    for (const Case &c : cases) {
        auto r = domainCapabilitiesXML(c.emulator, c.arch, c.machine, c.virttype, cache.path, host);
        BOOST_TEST_REQUIRE(!r, c.message);
        BOOST_TEST(r.error().code == c.code, c.message);
        BOOST_TEST(r.error().message.find(c.message) != std::string::npos, r.error().message);
    }
}
