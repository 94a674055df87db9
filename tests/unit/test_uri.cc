// libvirt connection URIs.
#include <boost/test/unit_test.hpp>

#include <libvirt/virterror.h>

#include "util/uri.h"

using vh::Uri;

BOOST_AUTO_TEST_SUITE(uri)

BOOST_AUTO_TEST_CASE(local_test_uri)
{
    auto u = Uri::parse("test:///default");
    BOOST_REQUIRE(u);
    BOOST_TEST(u->text == "test:///default");
    BOOST_TEST(u->scheme == "test");
    BOOST_TEST(u->transport.empty());
    BOOST_TEST(u->server.empty());
    BOOST_TEST(u->user.empty());
    BOOST_TEST(u->port == 0);
    BOOST_TEST(u->path == "/default");
    BOOST_TEST(u->params.empty());
    BOOST_TEST(u->local());
}

BOOST_AUTO_TEST_CASE(remote_uri_with_everything)
{
    auto u = Uri::parse("qemu+ssh://alice@host.example.org:2222/system?keyfile=/home/a/.ssh/id&no_verify=1");
    BOOST_REQUIRE(u);
    BOOST_TEST(u->scheme == "qemu");
    BOOST_TEST(u->transport == "ssh");
    BOOST_TEST(u->user == "alice");
    BOOST_TEST(u->server == "host.example.org");
    BOOST_TEST(u->port == 2222);
    BOOST_TEST(u->path == "/system");
    BOOST_TEST(!u->local());
    BOOST_REQUIRE(u->params.size() == 2u);
    BOOST_TEST(u->params[0].first == "keyfile");
    BOOST_TEST(u->params[0].second == "/home/a/.ssh/id");
    BOOST_TEST(u->params[1].first == "no_verify");
    BOOST_TEST(u->params[1].second == "1");
    BOOST_REQUIRE(u->param("no_verify"));
    BOOST_TEST(*u->param("no_verify") == "1");
    BOOST_TEST(!u->param("missing"));
}

BOOST_AUTO_TEST_CASE(transport_without_server_is_not_local)
{
    auto u = Uri::parse("test+unix:///default?socket=/run/x.sock");
    BOOST_REQUIRE(u);
    BOOST_TEST(u->scheme == "test");
    BOOST_TEST(u->transport == "unix");
    BOOST_TEST(!u->local());
    BOOST_TEST(*u->param("socket") == "/run/x.sock");
}

BOOST_AUTO_TEST_CASE(query_decoding)
{
    auto u = Uri::parse("qemu:///embed?root=/tmp/a%20b&flag&x=1+2;y=%2F");
    BOOST_REQUIRE(u);
    BOOST_TEST(u->path == "/embed");
    BOOST_REQUIRE(u->params.size() == 4u);
    BOOST_TEST(*u->param("root") == "/tmp/a b");
    BOOST_TEST(*u->param("flag") == "");
    BOOST_TEST(*u->param("x") == "1 2");
    BOOST_TEST(*u->param("y") == "/");
}

BOOST_AUTO_TEST_CASE(session_and_lxc)
{
    auto s = Uri::parse("qemu:///session");
    BOOST_REQUIRE(s);
    BOOST_TEST(s->path == "/session");
    BOOST_TEST(s->local());
    auto l = Uri::parse("lxc:///");
    BOOST_REQUIRE(l);
    BOOST_TEST(l->scheme == "lxc");
    BOOST_TEST(l->path == "/");
    auto n = Uri::parse("test://");
    BOOST_REQUIRE(n);
    BOOST_TEST(n->path.empty());
}

BOOST_AUTO_TEST_CASE(parse_errors)
{
    for (const char *bad : {"::::", ":no-scheme"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            auto u = Uri::parse(bad);
            BOOST_REQUIRE(!u);
            BOOST_TEST(u.error().code == VIR_ERR_INTERNAL_ERROR);
            BOOST_TEST(u.error().domain == VIR_FROM_URI);
            BOOST_TEST(u.error().message == std::string("internal error: Unable to parse URI ") + bad);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
