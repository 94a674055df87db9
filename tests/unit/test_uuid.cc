// UUID parsing, formatting and generation, with the spellings libvirt accepts.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <set>
#include <string>

#include "util/uuid.h"

namespace {
const unsigned char kTest[16] = {0x66, 0x95, 0xeb, 0x01, 0xf6, 0xa4, 0x83, 0x04,
                                 0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e, 0x19, 0x3f};

bool parsesToTest(const char *s)
{
    unsigned char u[16] = {};
    return vh::uuidParse(s, u) && memcmp(u, kTest, 16) == 0;
}
} // namespace

BOOST_AUTO_TEST_SUITE(uuid)

BOOST_AUTO_TEST_CASE(parse_canonical_and_variants)
{
    BOOST_TEST(parsesToTest("6695eb01-f6a4-8304-79aa-97f2502e193f"));
    BOOST_TEST(parsesToTest("6695EB01-F6A4-8304-79AA-97F2502E193F"));
    BOOST_TEST(parsesToTest("6695eb01f6a4830479aa97f2502e193f"));
    BOOST_TEST(parsesToTest("66-95-eb-01-f6-a4-83-04-79-aa-97-f2-50-2e-19-3f"));
    BOOST_TEST(parsesToTest("  6695eb01-f6a4-8304-79aa-97f2502e193f  "));
    BOOST_TEST(parsesToTest("\t6695eb01f6a4830479aa97f2502e193f\n"));
    BOOST_TEST(parsesToTest("-6695eb01-f6a4-8304-79aa-97f2502e193f"));
}

BOOST_AUTO_TEST_CASE(parse_rejects)
{
    unsigned char u[16];
    for (const char *bad : {"", "   ", "6695eb01", "6695eb01-f6a4-8304-79aa-97f2502e193",
                            "6695eb01-f6a4-8304-79aa-97f2502e193f0", "6695eb01-f6a4-8304-79aa-97f2502e193g",
                            "6695eb01-f6a4-8304-79aa-97f2502e193f-", "6695eb0-1f6a4-8304-79aa-97f2502e193f",
                            "6695eb01-f6a4-8304-79aa-97f2502e193f x", "{6695eb01-f6a4-8304-79aa-97f2502e193f}"}) {
        BOOST_TEST_CONTEXT("\"" << bad << "\"")
        BOOST_TEST(!vh::uuidParse(bad, u));
    }
    BOOST_TEST(!vh::uuidParse(nullptr, u));
}

// libvirt also skips blanks and repeated dashes between the hex pairs.
BOOST_AUTO_TEST_CASE(parse_libvirt_separators)
{
    BOOST_TEST(parsesToTest("6695eb01 f6a4 8304 79aa 97f2502e193f"));
    BOOST_TEST(parsesToTest("6695eb01--f6a4-8304-79aa-97f2502e193f"));
}

BOOST_AUTO_TEST_CASE(format)
{
    char buf[vh::kUuidStringLen];
    vh::uuidFormat(kTest, buf);
    BOOST_TEST(std::string(buf) == "6695eb01-f6a4-8304-79aa-97f2502e193f");
    BOOST_TEST(strlen(buf) == 36u);
    BOOST_TEST(vh::uuidFormat(kTest) == "6695eb01-f6a4-8304-79aa-97f2502e193f");
    unsigned char zero[16] = {};
    BOOST_TEST(vh::uuidFormat(zero) == "00000000-0000-0000-0000-000000000000");
}

BOOST_AUTO_TEST_CASE(format_parse_round_trip)
{
    for (int i = 0; i < 50; i++) {
        unsigned char u[16], back[16];
        vh::uuidGenerate(u);
        std::string s = vh::uuidFormat(u);
        BOOST_REQUIRE(vh::uuidParse(s.c_str(), back));
        BOOST_TEST(memcmp(u, back, 16) == 0);
    }
}

BOOST_AUTO_TEST_CASE(generate_version_4)
{
    std::set<std::string> seen;
    for (int i = 0; i < 200; i++) {
        unsigned char u[16];
        vh::uuidGenerate(u);
        BOOST_TEST((u[6] & 0xf0) == 0x40);   // version 4
        BOOST_TEST((u[8] & 0xc0) == 0x80);   // RFC 4122 variant
        seen.insert(vh::uuidFormat(u));
    }
    BOOST_TEST(seen.size() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
