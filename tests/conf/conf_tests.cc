// Round trips of every XML document kind, over the corpus in tests/conf.
//
//   xml2xml/<dir>/<case>.in.xml  ->  <case>.out.xml   format(parse(in)), as libvirt 9.0.0 prints it
//   bad/<dir>/<case>.xml         ->  <case>.err       the error: code, domain and message, one per line
//
// <dir> is a document kind (network, pool, ...) or, for domains, a family (disk, graphics, ...).
// VIRTHUB_REGENERATE_OUTPUT=1 rewrites the expected files from what virthub produces.
#define BOOST_TEST_MODULE virthub_conf
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <libvirt/virterror.h>

#include "conf/documents.h"
#include "drivers/test/state.h"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path &p, const std::string &text)
{
    std::ofstream(p, std::ios::binary) << text;
}

bool regenerate()
{
    const char *v = getenv("VIRTHUB_REGENERATE_OUTPUT");
    return v && *v && std::string(v) != "0";
}

// The document kind a corpus directory holds.
std::string kindOf(const fs::path &dir)
{
    std::string name = dir.filename().string();
    auto kinds = vh::conf::documentKinds();
    return std::find(kinds.begin(), kinds.end(), name) != kinds.end() ? name : "domain";
}

std::vector<fs::path> cases(const fs::path &root, const std::string &suffix)
{
    std::vector<fs::path> out;
    if (!fs::exists(root))
        return out;
    for (const auto &e : fs::recursive_directory_iterator(root)) {
        std::string n = e.path().filename().string();
        if (e.is_regular_file() && n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

vh::Result<std::string> roundTrip(const fs::path &file, const std::string &xml)
{
    return vh::conf::roundTrip(kindOf(file.parent_path()), xml, vh::drv::test::domainXMLOptions(), 0);
}

std::string describe(const vh::Error &e)
{
    return std::to_string(e.code) + "\n" + std::to_string(e.domain) + "\n" + e.message + "\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(xml2xml)
{
    auto all = cases(fs::path(VH_CONF_DATA) / "xml2xml", ".in.xml");
    BOOST_TEST_MESSAGE(all.size() << " documents");
    for (const fs::path &in : all) {
        std::string name = in.string();
        fs::path out = name.substr(0, name.size() - strlen(".in.xml")) + ".out.xml";
        BOOST_TEST_CONTEXT(in.lexically_relative(VH_CONF_DATA).string())
        {
            auto once = roundTrip(in, read(in));
            BOOST_TEST(bool(once), (once ? "" : once.error().message));
            if (!once)
                continue;
            if (regenerate())
                write(out, *once);
            BOOST_TEST(*once == read(out));
            // format(parse(format(parse(x)))) == format(parse(x))
            auto twice = roundTrip(in, *once);
            BOOST_TEST(bool(twice), (twice ? "" : twice.error().message));
            if (twice)
                BOOST_TEST(*twice == *once);
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_documents)
{
    auto all = cases(fs::path(VH_CONF_DATA) / "bad", ".xml");
    BOOST_TEST_MESSAGE(all.size() << " broken documents");
    for (const fs::path &doc : all) {
        fs::path err = fs::path(doc).replace_extension(".err");
        BOOST_TEST_CONTEXT(doc.lexically_relative(VH_CONF_DATA).string())
        {
            auto r = roundTrip(doc, read(doc));
            BOOST_TEST(!r);
            if (r)
                continue;
            if (regenerate())
                write(err, describe(r.error()));
            BOOST_TEST(describe(r.error()) == read(err));
        }
    }
}
