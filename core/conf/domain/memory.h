// The guest's memory: <maxMemory>, <memory>, <currentMemory>; and <memoryBacking>.
//
// Also the value helpers the memory, tuning, vcpu and cpu sections share: libvirt's bitmap
// syntax (cpusets, nodesets), its number parsing (strtoul rules: leading blanks and a sign
// allowed) and its scaled sizes (a number and a unit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

// A set of CPU or node numbers, as libvirt writes it: "0-3,^2,8". Numbers stay below
// kMaxBits (VIR_DOMAIN_CPUMASK_LEN).
class Bitmap {
public:
    static constexpr unsigned kMaxBits = 16384;

    // "Failed to parse bitmap '<s>'" (VIR_ERR_INVALID_ARG) for anything libvirt refuses.
    static Result<Bitmap> parse(std::string_view s);
    // "0-2,4,6-7"
    std::string format() const;

    bool empty() const;
    bool test(unsigned bit) const;
    void set(unsigned bit);
    void clear(unsigned bit);
    size_t count() const;
    // The next set bit after `after` (-1: from the start), or -1.
    int next(int after) const;
    int last() const;
    bool overlaps(const Bitmap &o) const;
    bool operator==(const Bitmap &o) const;
    // Drops the bits from n on.
    void shrink(unsigned n);

    template <class F>
    void forEach(F &&fn) const
    {
        for (int b = next(-1); b >= 0; b = next(b))
            fn(static_cast<unsigned>(b));
    }

private:
    std::vector<uint64_t> words_;
};

// Numbers as libvirt's virStrToLong_* read them: base 10, leading blanks and a sign allowed,
// nothing after the digits.
namespace num {
// allowMinus: "-N" wraps as strtoull does (virStrToLong_ull); otherwise refused (..._ullp).
std::optional<unsigned long long> ull(std::string_view s, bool allowMinus = false);
// allowMinus: "-N" wraps to UINT_MAX + 1 - N (virStrToLong_ui); otherwise refused (..._uip).
std::optional<unsigned int> uint(std::string_view s, bool allowMinus = false);
std::optional<long long> ll(std::string_view s);
std::optional<int> sint(std::string_view s);
} // namespace num

// An int attribute that must not be negative (virXMLPropInt with VIR_XML_PROP_NONNEGATIVE):
// "Expected integer value" / "Expected non-negative value".
Result<std::optional<int>> nonNegativeInt(const xmlNode *n, const char *name);

// A size: `text` (absent or empty: nullopt) times `unit` (absent or empty: `scale`), in
// bytes, at most `maxBytes` (libvirt's virDomainParseScaledValue). `xpath` names the value
// in libvirt's messages ("./memory[1]", "./@size").
Result<std::optional<unsigned long long>> scaledBytes(const std::optional<std::string> &text,
                                                      const std::optional<std::string> &unit, unsigned long long scale,
                                                      unsigned long long maxBytes, const char *xpath, bool required);
// A memory size in KiB (virDomainParseMemory): below 2^53 KiB.
Result<std::optional<unsigned long long>> memoryKiB(const std::optional<std::string> &text,
                                                    const std::optional<std::string> &unit, const char *xpath,
                                                    bool required);
// The same for an element: its text and its unit attribute.
Result<std::optional<unsigned long long>> memoryKiB(const xmlNode *n, const char *xpath);

// What libvirt calls "unlimited" for memory tunables, in KiB.
inline constexpr unsigned long long kMemoryUnlimitedKiB = (1ull << 53) - 1;

struct DomainDef;

struct MemoryDef {
    unsigned long long maxKiB = 0;       // <maxMemory>: the hotplug limit
    unsigned int slots = 0;
    unsigned long long totalKiB = 0;     // <memory>; the sum of the NUMA cells when absent
    unsigned long long currentKiB = 0;   // <currentMemory>, defaults to <memory>
    std::optional<bool> dumpCore;        // <memory dumpCore='on|off'>

    static Result<MemoryDef> parse(const TopLevel &top, const ParseContext &ctx);
    // <currentMemory> never above <memory> (kept for callers without the whole definition).
    void postParse();
    // The NUMA cells' sum as <memory> when it is absent, then postParse(); hugepages without
    // guest NUMA lose a nodeset of just node 0.
    static void postParseAll(DomainDef &def);
    // libvirt's post-parse rules that refuse a definition (sizes, <maxMemory> and its slots).
    static Result<void> postParseCheckAll(const DomainDef &def);
    // Hugepage nodesets against the guest's NUMA cells.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

enum class MemorySource { None, File, Anonymous, Memfd, Last };
VH_ENUM_TABLE(kMemorySource, MemorySource, "none", "file", "anonymous", "memfd");
enum class MemoryAccess { Default, Shared, Private, Last };
VH_ENUM_TABLE(kMemoryAccess, MemoryAccess, "default", "shared", "private");
enum class MemoryAllocation { Default, Immediate, Ondemand, Last };
VH_ENUM_TABLE(kMemoryAllocation, MemoryAllocation, "default", "immediate", "ondemand");

struct HugePage {
    unsigned long long sizeKiB = 0;
    std::optional<Bitmap> nodeset;
};

// <memoryBacking>
struct MemoryBackingDef {
    bool hugepages = false;              // <hugepages/> without pages: the default size
    std::vector<HugePage> pages;
    bool nosharepages = false;
    bool locked = false;
    MemorySource source = MemorySource::None;
    MemoryAccess access = MemoryAccess::Default;
    MemoryAllocation allocation = MemoryAllocation::Default;
    unsigned int allocationThreads = 0;
    bool discard = false;

    static Result<MemoryBackingDef> parse(const TopLevel &top, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
