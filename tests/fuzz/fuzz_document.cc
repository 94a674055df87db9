// libFuzzer target for the parser of one document kind (VH_FUZZ_KIND): parse → post-parse →
// validate → format must not crash, leak, hang or reach outside the document; what it formats
// must be well-formed, and formatting what reads back must settle after one more round.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <libxml/parserInternals.h>
#include <libvirt/virterror.h>

#include "conf/documents.h"
#include "conf/xml.h"
#include "drivers/test/state.h"

namespace {

xmlParserInputPtr refuseExternalLoad(const char *url, const char *id, xmlParserCtxtPtr)
{
    fprintf(stderr, "the parser tried to load %s\n", url ? url : id ? id : "(unnamed)");
    abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    xmlSetExternalEntityLoader(refuseExternalLoad);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const auto options = vh::drv::test::domainXMLOptions();
    std::string_view xml(reinterpret_cast<const char *>(data), size);
    auto once = vh::conf::roundTrip(VH_FUZZ_KIND, xml, options, 0);
    if (!once)
        return 0;
    // What we write is always well-formed XML.
    if (auto doc = vh::xml::parse(*once, "(formatted)", VIR_FROM_XML); !doc) {
        fprintf(stderr, "formatted %s is not well-formed: %s\n--- formatted:\n%s\n", VH_FUZZ_KIND,
                doc.error().message.c_str(), once->c_str());
        abort();
    }
    // libvirt's formatter writes some things its parser then refuses (a USB hostdev <source>
    // without vendor or address is dropped, ...) or reads differently (a virtio console's port
    // is renumbered, an nwfilter rule split by match='no' keeps its first part); we format as
    // libvirt does. So a refusal is allowed, and the text may change once: it must then be a
    // fixed point, never oscillate or grow.
    auto twice = vh::conf::roundTrip(VH_FUZZ_KIND, *once, options, 0);
    if (!twice || *twice == *once)
        return 0;
    auto thrice = vh::conf::roundTrip(VH_FUZZ_KIND, *twice, options, 0);
    if (thrice && *thrice != *twice) {
        fprintf(stderr, "format does not settle for %s\n--- second:\n%s\n--- third:\n%s\n", VH_FUZZ_KIND,
                twice->c_str(), thrice->c_str());
        abort();
    }
    return 0;
}
