// XML reading helpers, parse errors in libvirt's layout, the Writer's layout and escaping,
// and libvirt's scaled units.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <libvirt/virterror.h>

#include "conf/xml.h"

namespace xml = vh::xml;

namespace {
xml::Doc mustParse(const std::string &text)
{
    auto d = xml::parse(text, "(test)", VIR_FROM_DOMAIN);
    BOOST_REQUIRE_MESSAGE(bool(d), "parse failed: " << (d ? "" : d.error().message));
    return std::move(*d);
}

// The message libvirt gives for a document that does not parse.
std::string parseError(const std::string &text)
{
    auto d = xml::parse(text, "(domain_definition)", VIR_FROM_DOMAIN);
    if (d)
        return "(parsed)";
    BOOST_TEST(d.error().code == VIR_ERR_XML_DETAIL);
    BOOST_TEST(d.error().domain == VIR_FROM_DOMAIN);
    return d.error().message;
}
} // namespace

BOOST_AUTO_TEST_SUITE(xml_reader)

BOOST_AUTO_TEST_CASE(children_child_and_text)
{
    auto doc = mustParse("<root a='1'>\n  <!-- comment -->\n  <x>one</x>\n  text\n  <y/>\n  <x>two</x>\n</root>");
    xmlNode *root = xmlDocGetRootElement(doc.get());
    std::vector<std::string> names;
    for (xmlNode *c : xml::Children(root))
        names.push_back(reinterpret_cast<const char *>(c->name));
    BOOST_TEST(names == (std::vector<std::string>{"x", "y", "x"}), boost::test_tools::per_element());
    BOOST_TEST(xml::is(xml::child(root, "y"), "y"));
    BOOST_TEST(xml::child(root, "z") == nullptr);
    BOOST_TEST(xml::text(xml::child(root, "x")) == "one");   // the first one
    BOOST_TEST(*xml::childText(root, "x") == "one");
    BOOST_TEST(*xml::childText(root, "y") == "");
    BOOST_TEST(!xml::childText(root, "z"));
    BOOST_TEST(!xml::is(nullptr, "x"));
    int count = 0;
    for (xmlNode *c : xml::Children(nullptr)) {
        (void)c;
        count++;
    }
    BOOST_TEST(count == 0);
}

BOOST_AUTO_TEST_CASE(attributes)
{
    auto doc = mustParse("<r a='1' empty='' amp='x &amp; y' quote=\"it's\"/>");
    xmlNode *r = xmlDocGetRootElement(doc.get());
    BOOST_TEST(*xml::attr(r, "a") == "1");
    BOOST_TEST(*xml::attr(r, "empty") == "");
    BOOST_TEST(*xml::attr(r, "amp") == "x & y");
    BOOST_TEST(*xml::attr(r, "quote") == "it's");
    BOOST_TEST(!xml::attr(r, "missing"));
}

BOOST_AUTO_TEST_CASE(text_with_entities_and_cdata)
{
    auto doc = mustParse("<r><a>x &amp; &lt;y&gt;</a><b><![CDATA[<raw> & stuff]]></b><c>1<!-- c -->2</c></r>");
    xmlNode *r = xmlDocGetRootElement(doc.get());
    BOOST_TEST(*xml::childText(r, "a") == "x & <y>");
    BOOST_TEST(*xml::childText(r, "b") == "<raw> & stuff");
    BOOST_TEST(*xml::childText(r, "c") == "12");
}

BOOST_AUTO_TEST_CASE(no_network_no_entity_expansion)
{
    // an external entity is not fetched and not expanded
    auto d = xml::parse("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>", "(t)", VIR_FROM_DOMAIN);
    if (d) {
        xmlNode *r = xmlDocGetRootElement(d->get());
        BOOST_TEST(xml::text(r).find("root:") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(serialize_reindents)
{
    auto doc = mustParse("<app:data xmlns:app='http://example.org/app/'><app:item key='1'>v</app:item>\n   <app:e/></app:data>");
    xmlNode *r = xmlDocGetRootElement(doc.get());
    BOOST_TEST(xml::serialize(r, 2) ==
               "    <app:data xmlns:app=\"http://example.org/app/\">\n"
               "      <app:item key=\"1\">v</app:item>\n"
               "      <app:e/>\n"
               "    </app:data>\n");
    BOOST_TEST(xml::serialize(xml::child(r, "item"), 0) == "<app:item xmlns:app=\"http://example.org/app/\" key=\"1\">v</app:item>\n");
}

BOOST_AUTO_TEST_CASE(parse_error_layout)
{
    BOOST_TEST(parseError("<domain type='test'>\n  <name>x</nam>\n</domain>") ==
               "(domain_definition):2: Opening and ending tag mismatch: name line 2 and nam\n"
               "  <name>x</nam>\n"
               "---------------^");
    BOOST_TEST(parseError("<domain type='test'><name>x</name>") ==
               "(domain_definition):1: Premature end of data in tag domain line 1\n"
               "<domain type='test'><name>x</name>\n"
               "----------------------------------^");
    BOOST_TEST(parseError("not xml at all") ==
               "(domain_definition):1: Start tag expected, '<' not found\n"
               "not xml at all\n"
               "^");
    BOOST_TEST(parseError("<domain type=\"test\">\n  <name>a &bogus; b</name>\n</domain>") ==
               "(domain_definition):2: Entity 'bogus' not defined\n"
               "  <name>a &bogus; b</name>\n"
               "-----------------^");
    BOOST_TEST(parseError("<?xml version=\"1.0\"?>\n<!-- c -->\n<domain") ==
               "(domain_definition):3: Couldn't find end of Start Tag domain line 3\n"
               "<domain\n"
               "-------^");
}

// libvirt reports the first problem libxml2 finds (and prints "(null)" for an empty document).
BOOST_AUTO_TEST_CASE(parse_error_first_problem)
{
    BOOST_TEST(parseError("<a><b></a>") ==
               "(domain_definition):1: Opening and ending tag mismatch: b line 1 and a\n"
               "<a><b></a>\n"
               "----------^");
    BOOST_TEST(parseError("<domain>\n\n   <x y=1/></domain>") ==
               "(domain_definition):3: AttValue: \" or ' expected\n"
               "   <x y=1/></domain>\n"
               "--------^");
    BOOST_TEST(parseError("") == "(domain_definition):1: Document is empty\n(null)\n^");
}

BOOST_AUTO_TEST_CASE(parse_file_errors)
{
    auto d = xml::parseFile("/nonexistent/virthub/node.xml", VIR_FROM_TEST);
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().code == VIR_ERR_XML_ERROR);
    BOOST_TEST(d.error().domain == VIR_FROM_TEST);
    BOOST_TEST(d.error().message == "XML error: failed to parse xml document '/nonexistent/virthub/node.xml'");
    auto ok = xml::parseFile(VH_TEST_DATA "/node-basic.xml", VIR_FROM_TEST);
    BOOST_TEST(bool(ok));
}

BOOST_AUTO_TEST_CASE(integers)
{
    BOOST_TEST(*xml::toULL("42") == 42u);
    BOOST_TEST(*xml::toULL("0") == 0u);
    BOOST_TEST(*xml::toULL("18446744073709551615") == 18446744073709551615ull);
    BOOST_TEST(*xml::toULL("0x1f", true) == 31u);
    BOOST_TEST(*xml::toULL("0X1F", true) == 31u);
    BOOST_TEST(!xml::toULL("0x1f"));
    // like libvirt's virStrToLong_ullp: leading blanks and '+' pass, a minus sign never does
    BOOST_TEST(*xml::toULL(" 1") == 1u);
    BOOST_TEST(*xml::toULL("+7") == 7u);
    for (const char *bad : {"", "-1", " -1", "1 ", "12abc", "abc", "18446744073709551616", "0x"}) {
        BOOST_TEST_CONTEXT("\"" << bad << "\"")
        BOOST_TEST(!xml::toULL(bad, true));
    }
    BOOST_TEST(*xml::toLL("-5") == -5);
    BOOST_TEST(*xml::toLL("123") == 123);
    for (const char *bad : {"", "x", "1.5", "9223372036854775808"}) {
        BOOST_TEST_CONTEXT("\"" << bad << "\"")
        BOOST_TEST(!xml::toLL(bad));
    }
}

BOOST_AUTO_TEST_CASE(scale_to_kib)
{
    struct {
        unsigned long long value;
        const char *unit;
        unsigned long long kib;
    } const ok[] = {
        {1, "", 1},          {1, "k", 1},          {1, "KiB", 1},       {7, "kib", 7},
        {1024, "b", 1},      {1, "bytes", 1},      {1025, "B", 2},      {1, "KB", 1},
        {1000, "KB", 977},   {1, "M", 1024},       {2, "MiB", 2048},    {1, "MB", 977},
        {1, "G", 1048576},   {1, "GB", 976563},    {1, "TiB", 1073741824ull},
        {1, "TB", 976562500ull}, {1, "P", 1099511627776ull}, {2, "E", 2251799813685248ull},
        {0, "GiB", 0},
    };
    for (const auto &c : ok) {
        BOOST_TEST_CONTEXT(c.value << " " << c.unit)
        {
            auto v = xml::scaleToKiB(c.value, c.unit);
            BOOST_REQUIRE(v);
            BOOST_TEST(*v == c.kib);
        }
    }
    BOOST_TEST(!xml::scaleToKiB(1, "XB"));
    BOOST_TEST(!xml::scaleToKiB(1, "kilobytes"));
    BOOST_TEST(!xml::scaleToKiB(1, "Mi"));
    BOOST_TEST(!xml::scaleToKiB(16, "EiB"));            // 2^64 bytes
    BOOST_TEST(!xml::scaleToKiB(18446744073709551615ull, "k"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(xml_writer)

BOOST_AUTO_TEST_CASE(layout)
{
    xml::Writer w;
    w.start("domain").attr("type", "test").attr("id", 1);
    w.element("name", "vm");
    w.start("memory").attr("unit", "KiB").text("1024").end();
    w.start("os");
    w.start("type").attr("arch", "i686").text("hvm").end();
    w.start("boot").attr("dev", "hd").end();
    w.end();
    w.start("devices").open();
    w.end();
    w.start("empty").end();
    w.end();
    BOOST_TEST(w.depth() == 0);
    BOOST_TEST(w.str() ==
               "<domain type='test' id='1'>\n"
               "  <name>vm</name>\n"
               "  <memory unit='KiB'>1024</memory>\n"
               "  <os>\n"
               "    <type arch='i686'>hvm</type>\n"
               "    <boot dev='hd'/>\n"
               "  </os>\n"
               "  <devices>\n"
               "  </devices>\n"
               "  <empty/>\n"
               "</domain>\n");
}

BOOST_AUTO_TEST_CASE(escaping)
{
    xml::Writer w;
    w.start("x").attr("a", "it's \"q\" & <t>");
    w.element("t", "a < b && c > 'd' \"e\"");
    w.end();
    BOOST_TEST(w.take() ==
               "<x a='it&apos;s &quot;q&quot; &amp; &lt;t&gt;'>\n"
               "  <t>a &lt; b &amp;&amp; c &gt; &apos;d&apos; &quot;e&quot;</t>\n"
               "</x>\n");
    std::string out;
    xml::escape(out, "plain");
    BOOST_TEST(out == "plain");
}

BOOST_AUTO_TEST_CASE(numbers)
{
    xml::Writer w;
    w.start("address")
        .attr("type", "pci")
        .hexAttr("domain", 0, 4)
        .hexAttr("bus", 1, 2)
        .hexAttr("slot", 0x1f, 2)
        .hexAttr("function", 7, 1)
        .end();
    w.start("n").attr("neg", -5).attr("u", 4000000000u).attr("ull", 18446744073709551615ull).attr("ll", -9000000000LL).end();
    BOOST_TEST(w.str() ==
               "<address type='pci' domain='0x0000' bus='0x01' slot='0x1f' function='0x7'/>\n"
               "<n neg='-5' u='4000000000' ull='18446744073709551615' ll='-9000000000'/>\n");
}

BOOST_AUTO_TEST_CASE(raw_and_text_only_elements)
{
    xml::Writer w;
    w.start("metadata").open().raw("    <app:x xmlns:app=\"u\"/>\n").end();
    w.start("description").text("").end();
    BOOST_TEST(w.str() ==
               "<metadata>\n"
               "    <app:x xmlns:app=\"u\"/>\n"
               "</metadata>\n"
               "<description></description>\n");
}

BOOST_AUTO_TEST_CASE(deep_nesting)
{
    xml::Writer w;
    for (int i = 0; i < 10; i++)
        w.start("l");
    BOOST_TEST(w.depth() == 10);
    for (int i = 0; i < 10; i++)
        w.end();
    std::string s = w.take();
    BOOST_TEST(s.find("                  <l/>\n") != std::string::npos);   // 9 levels in
    BOOST_TEST(s.substr(s.size() - 5) == "</l>\n");
}

BOOST_AUTO_TEST_SUITE_END()
