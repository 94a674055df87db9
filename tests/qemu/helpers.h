// What the QEMU driver's test files share: reading a file, the XML options, a host without
// KVM, a scratch directory and parsing a domain that must be valid.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "conf/domain/domain_def.h"
#include "drivers/qemu/command_line.h"

namespace vh::test {

inline std::string slurp(const std::filesystem::path &p)
{
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

inline const vh::conf::DomainXMLOptions &options()
{
    static vh::conf::DomainXMLOptions opts = [] {
        vh::conf::DomainXMLOptions o;
        o.defaultArch = "x86_64";
        return o;
    }();
    return opts;
}

inline vh::drv::qemu::HostFacts noKvm()
{
    return vh::drv::qemu::HostFacts{false, "KVM probe guest made no progress"};
}

// A scratch directory removed at the end of a test.
struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        char tmpl[] = "/tmp/vhqemu.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

inline std::unique_ptr<vh::conf::DomainDef> parse(const std::string &xml)
{
    auto def = vh::conf::parseDomain(xml, options(), 0);
    BOOST_TEST_REQUIRE(bool(def), (def ? "" : def.error().message));
    return std::move(*def);
}

} // namespace vh::test
