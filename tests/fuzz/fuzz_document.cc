// libFuzzer target for the parser of one document kind (VH_FUZZ_KIND): parse → post-parse →
// validate → format must not crash, leak, hang or reach outside the document, and what it
// formats must read back to the same text (format∘parse is idempotent).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <libxml/parserInternals.h>

#include "conf/documents.h"
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
    auto twice = vh::conf::roundTrip(VH_FUZZ_KIND, *once, options, 0);
    if (!twice) {
        fprintf(stderr, "formatted %s does not parse again: %s\n--- formatted:\n%s\n", VH_FUZZ_KIND,
                twice.error().message.c_str(), once->c_str());
        abort();
    }
    if (*twice != *once) {
        fprintf(stderr, "format is not stable for %s\n--- first:\n%s\n--- second:\n%s\n", VH_FUZZ_KIND,
                once->c_str(), twice->c_str());
        abort();
    }
    return 0;
}
