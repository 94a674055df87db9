// Round trips of every XML document kind, over the corpus in tests/conf.
//
//   xml2xml/<dir>/<case>.in.xml  ->  <case>.out.xml   format(parse(in)), as libvirt 9.0.0 prints it
//   bad/<dir>/<case>.xml         ->  <case>.err       the error: code, domain and message, one per line
//   <dir>/schema-rejects.txt     the documents libvirt's schema refuses; virthub's schema of the
//                                kind must give every well-formed document the same verdict
//                                (but those in schema-undecided.txt, which libxml2 cannot finish
//                                against libvirt's schema)
//   invalid/<dir>/<case>.xml     documents for the schemas alone (unknown elements, wrong types)
//
// <dir> is a document kind (network, pool, ...) or, for domains, a family (disk, graphics, ...).
// VIRTHUB_REGENERATE_OUTPUT=1 rewrites the expected files from what virthub produces.
// No document may make the parser load anything (external entities, DTDs, XInclude): every
// load goes through libxml2's external entity loader, which here records and refuses it.
#define BOOST_TEST_MODULE virthub_conf
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <libvirt/virterror.h>
#include <libxml/parserInternals.h>

#include "conf/documents.h"
#include "conf/schema.h"
#include "conf/xml.h"
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

// Every external load libxml2 attempted, by URL.
std::vector<std::string> externalLoads;

xmlParserInputPtr refuseExternalLoad(const char *url, const char *id, xmlParserCtxtPtr)
{
    externalLoads.push_back(url ? url : id ? id : "(unnamed)");
    return nullptr;
}

struct RefuseExternalLoads {
    RefuseExternalLoads() { xmlSetExternalEntityLoader(refuseExternalLoad); }
};
BOOST_TEST_GLOBAL_FIXTURE(RefuseExternalLoads);

// Fails the current case if it made the parser reach outside the document.
void expectNoExternalLoads()
{
    for (const std::string &url : externalLoads)
        BOOST_ERROR("the parser tried to load " << url);
    externalLoads.clear();
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
            expectNoExternalLoads();
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
            expectNoExternalLoads();
            BOOST_TEST(!r);
            if (r)
                continue;
            if (regenerate())
                write(err, describe(r.error()));
            BOOST_TEST(describe(r.error()) == read(err));
        }
    }
}

static std::set<std::string> lines(const fs::path &file)
{
    std::set<std::string> out;
    std::istringstream list(read(file));
    for (std::string line; std::getline(list, line);)
        out.insert(line);
    return out;
}

// With *_VALIDATE, a document is checked against virthub's schema of its kind. Every
// well-formed document of the corpus must get the verdict libvirt 9.0.0's own schemas give it:
// <dir>/schema-rejects.txt names those they refuse (record_schema_verdicts.py).
BOOST_AUTO_TEST_CASE(schema_verdicts_match_libvirt)
{
    size_t accepted = 0, rejected = 0;
    for (const char *root : {"xml2xml", "bad", "invalid"}) {
        fs::path base = fs::path(VH_CONF_DATA) / root;
        if (!fs::exists(base))
            continue;
        std::vector<fs::path> dirs;
        for (const auto &e : fs::directory_iterator(base))
            if (e.is_directory())
                dirs.push_back(e.path());
        std::sort(dirs.begin(), dirs.end());
        for (const fs::path &dir : dirs) {
            std::string kind = kindOf(dir);
            if (!vh::conf::schema::has(kind))
                continue;
            std::set<std::string> rejects = lines(dir / "schema-rejects.txt");
            std::set<std::string> undecided = lines(dir / "schema-undecided.txt");
            for (const fs::path &doc : cases(dir, ".xml")) {
                std::string text = read(doc);
                if (!vh::xml::parse(text, "(corpus)", VIR_FROM_XML))
                    continue;   // a syntax case: nothing for a schema to say
                BOOST_TEST_CONTEXT(doc.lexically_relative(VH_CONF_DATA).string())
                {
                    bool libvirtRejects = rejects.count(doc.filename().string()) > 0;
                    auto r = vh::conf::schema::validate(text, kind, VIR_FROM_XML);
                    if (undecided.count(doc.filename().string())) {
                        // libxml2 never finishes it against libvirt's schema: no verdict to match
                        expectNoExternalLoads();
                        continue;
                    }
                    if (libvirtRejects) {
                        BOOST_TEST(!r, "libvirt's schema rejects it, virthub's accepts it");
                        if (!r) {
                            BOOST_TEST(r.error().code == VIR_ERR_XML_INVALID_SCHEMA);
                            BOOST_TEST(r.error().domain == VIR_FROM_XML);
                        }
                        rejected++;
                    } else {
                        BOOST_TEST(bool(r), (r ? "" : "libvirt's schema accepts it: " + r.error().message));
                        accepted++;
                    }
                    expectNoExternalLoads();
                }
            }
        }
    }
    BOOST_TEST_MESSAGE("schemas: " << accepted << " documents accepted, " << rejected << " rejected, as libvirt's");
}
