#include "conf/domain/memory.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "conf/domain/cpu.h"
#include "conf/domain/domain_def.h"

namespace vh::conf {

// ---- Bitmap

namespace {
bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void skipBlanks(const char *&p)
{
    while (isBlank(*p))
        p++;
}
} // namespace

Result<Bitmap> Bitmap::parse(std::string_view s)
{
    std::string str(s);
    auto fail = [&] {
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "Failed to parse bitmap '%s'", str.c_str());
    };
    Bitmap b;
    const char *cur = str.c_str();
    skipBlanks(cur);
    if (!*cur)
        return fail();
    while (*cur) {
        bool neg = false;
        if (*cur == '^') {
            cur++;
            neg = true;
        }
        if (*cur < '0' || *cur > '9')
            return fail();
        errno = 0;
        char *end = nullptr;
        long start = strtol(cur, &end, 10);
        if (errno || end == cur || start < 0 || start >= kMaxBits)
            return fail();
        cur = end;
        skipBlanks(cur);
        if (*cur == ',' || !*cur) {
            if (neg)
                b.clear(static_cast<unsigned>(start));
            else
                b.set(static_cast<unsigned>(start));
        } else if (*cur == '-') {
            if (neg)
                return fail();
            cur++;
            skipBlanks(cur);
            errno = 0;
            long last = strtol(cur, &end, 10);
            if (errno || end == cur || last < start || last >= kMaxBits)
                return fail();
            cur = end;
            for (long i = start; i <= last; i++)
                b.set(static_cast<unsigned>(i));
            skipBlanks(cur);
        }
        if (*cur == ',') {
            cur++;
            skipBlanks(cur);
        } else if (*cur) {
            return fail();
        }
    }
    return b;
}

std::string Bitmap::format() const
{
    std::string out;
    int b = next(-1);
    while (b >= 0) {
        int end = b;
        while (test(static_cast<unsigned>(end) + 1))
            end++;
        if (!out.empty())
            out += ',';
        out += std::to_string(b);
        if (end > b) {
            out += '-';
            out += std::to_string(end);
        }
        b = next(end);
    }
    return out;
}

bool Bitmap::empty() const
{
    for (uint64_t w : words_)
        if (w)
            return false;
    return true;
}

bool Bitmap::test(unsigned bit) const
{
    size_t i = bit / 64;
    return i < words_.size() && (words_[i] >> (bit % 64) & 1);
}

void Bitmap::set(unsigned bit)
{
    size_t i = bit / 64;
    if (i >= words_.size())
        words_.resize(i + 1);
    words_[i] |= uint64_t(1) << (bit % 64);
}

void Bitmap::clear(unsigned bit)
{
    size_t i = bit / 64;
    if (i < words_.size())
        words_[i] &= ~(uint64_t(1) << (bit % 64));
}

size_t Bitmap::count() const
{
    size_t n = 0;
    for (uint64_t w : words_)
        n += static_cast<size_t>(__builtin_popcountll(w));
    return n;
}

int Bitmap::next(int after) const
{
    unsigned bit = static_cast<unsigned>(after + 1);
    for (size_t i = bit / 64; i < words_.size(); i++) {
        uint64_t w = words_[i];
        if (i == bit / 64)
            w &= ~uint64_t(0) << (bit % 64);
        if (w)
            return static_cast<int>(i * 64 + static_cast<size_t>(__builtin_ctzll(w)));
    }
    return -1;
}

int Bitmap::last() const
{
    for (size_t i = words_.size(); i-- > 0;)
        if (words_[i])
            return static_cast<int>(i * 64 + 63 - static_cast<size_t>(__builtin_clzll(words_[i])));
    return -1;
}

bool Bitmap::overlaps(const Bitmap &o) const
{
    for (size_t i = 0; i < words_.size() && i < o.words_.size(); i++)
        if (words_[i] & o.words_[i])
            return true;
    return false;
}

bool Bitmap::operator==(const Bitmap &o) const
{
    size_t n = std::max(words_.size(), o.words_.size());
    for (size_t i = 0; i < n; i++) {
        uint64_t a = i < words_.size() ? words_[i] : 0;
        uint64_t b = i < o.words_.size() ? o.words_[i] : 0;
        if (a != b)
            return false;
    }
    return true;
}

void Bitmap::shrink(unsigned n)
{
    for (int b = next(static_cast<int>(n) - 1); b >= 0; b = next(b))
        clear(static_cast<unsigned>(b));
}

// ---- numbers

namespace num {

std::optional<unsigned long long> ull(std::string_view s, bool allowMinus)
{
    std::string str(s);
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(str.c_str(), &end, 10);
    if (errno || end == str.c_str() || *end)
        return std::nullopt;
    if (!allowMinus && memchr(str.c_str(), '-', static_cast<size_t>(end - str.c_str())))
        return std::nullopt;
    return v;
}

std::optional<unsigned int> uint(std::string_view s, bool allowMinus)
{
    std::string str(s);
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(str.c_str(), &end, 10);
    if (errno || end == str.c_str() || *end)
        return std::nullopt;
    if (memchr(str.c_str(), '-', static_cast<size_t>(end - str.c_str()))) {
        if (!allowMinus || -v > UINT_MAX)
            return std::nullopt;
        v &= UINT_MAX;
    }
    if (v > UINT_MAX)
        return std::nullopt;
    return static_cast<unsigned int>(v);
}

std::optional<long long> ll(std::string_view s)
{
    std::string str(s);
    errno = 0;
    char *end = nullptr;
    long long v = strtoll(str.c_str(), &end, 10);
    if (errno || end == str.c_str() || *end)
        return std::nullopt;
    return v;
}

std::optional<int> sint(std::string_view s)
{
    auto v = ll(s);
    if (!v || *v < INT_MIN || *v > INT_MAX)
        return std::nullopt;
    return static_cast<int>(*v);
}

} // namespace num

Result<std::optional<int>> nonNegativeInt(const xmlNode *n, const char *name)
{
    auto raw = xml::attr(n, name);
    if (!raw)
        return std::optional<int>{};
    auto v = num::sint(*raw);
    if (!v)
        return Props(n).invalid(name, *raw, "Expected integer value");
    if (*v < 0)
        return Props(n).invalid(name, *raw, "Expected non-negative value");
    return std::optional<int>{*v};
}

// ---- scaled sizes

Result<std::optional<unsigned long long>> scaledBytes(const std::optional<std::string> &text,
                                                      const std::optional<std::string> &unit, unsigned long long scale,
                                                      unsigned long long maxBytes, const char *xpath, bool required)
{
    if (!text || text->empty()) {
        if (required)
            return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "missing element or attribute '%s'", xpath);
        return std::optional<unsigned long long>{};
    }
    auto value = num::ull(*text);
    if (!value)
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'",
                             text->c_str(), xpath);
    std::string suffix = unit.value_or("");
    if (!suffix.empty()) {
        std::string u;
        for (char c : suffix)
            u += static_cast<char>(tolower(static_cast<unsigned char>(c)));
        auto unknown = [&] {
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", suffix.c_str());
        };
        if (u == "b" || u == "byte" || u == "bytes") {
            scale = 1;
        } else {
            unsigned long long base;
            if (u.size() == 1 || u.substr(1) == "ib")
                base = 1024;
            else if (u.size() == 2 && u[1] == 'b')
                base = 1000;
            else
                return unknown();
            const char *letters = "kmgtpe";
            const char *p = strchr(letters, u[0]);
            if (!p || !u[0])
                return unknown();
            scale = 1;
            for (const char *q = letters; q <= p; q++)
                scale *= base;
        }
    }
    if (*value && *value > maxBytes / scale)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %llu%s", *value, suffix.c_str());
    return std::optional<unsigned long long>{*value * scale};
}

Result<std::optional<unsigned long long>> memoryKiB(const std::optional<std::string> &text,
                                                    const std::optional<std::string> &unit, const char *xpath,
                                                    bool required)
{
    constexpr unsigned long long max = LLONG_MAX;
    auto bytes = scaledBytes(text, unit, 1024, max, xpath, required);
    if (!bytes || !*bytes)
        return bytes;
    unsigned long long kib = **bytes / 1024 + (**bytes % 1024 != 0);
    if (kib >= max / 1024 + 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_OVERFLOW, "size value too large");
    return std::optional<unsigned long long>{kib};
}

Result<std::optional<unsigned long long>> memoryKiB(const xmlNode *n, const char *xpath)
{
    if (!n)
        return std::optional<unsigned long long>{};
    return memoryKiB(xml::text(n), xml::attr(n, "unit"), xpath, false);
}

// ---- <memory>, <currentMemory>, <maxMemory>

Result<MemoryDef> MemoryDef::parse(const TopLevel &top, const ParseContext &)
{
    MemoryDef m;
    const xmlNode *memory = top.first("memory");
    auto total = memoryKiB(memory, "./memory[1]");
    if (!total)
        return std::move(total).error();
    m.totalKiB = total->value_or(0);
    auto current = memoryKiB(top.first("currentMemory"), "./currentMemory[1]");
    if (!current)
        return std::move(current).error();
    m.currentKiB = current->value_or(0);
    if (const xmlNode *n = top.first("maxMemory")) {
        auto max = memoryKiB(n, "./maxMemory[1]");
        if (!max)
            return std::move(max).error();
        m.maxKiB = max->value_or(0);
        if (auto slots = xml::attr(n, "slots"); slots && !slots->empty()) {
            auto v = num::uint(*slots);
            if (!v)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Failed to parse memory slot count");
            m.slots = *v;
        }
    }
    if (memory) {
        auto dump = Props(memory).onOff("dumpCore");
        if (!dump)
            return std::move(dump).error();
        m.dumpCore = *dump;
    }
    // libvirt checks this after parsing (the NUMA cells may give the size); without cells
    // nothing can, and the answer is the same.
    if (m.totalKiB == 0 && CpuDef::numaCellCount(top) == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "Memory size must be specified via <memory> or in the <numa> configuration");
    return m;
}

void MemoryDef::postParse()
{
    if (currentKiB == 0 || currentKiB > totalKiB)
        currentKiB = totalKiB;
}

void MemoryDef::postParseAll(DomainDef &def)
{
    MemoryDef &m = def.memory;
    if (m.totalKiB == 0) {
        unsigned long long sum = 0;
        for (const NumaCell &c : def.cpu.cells)
            sum += c.memKiB;
        m.totalKiB = sum;
    }
    m.postParse();
    // Without guest NUMA a hugepage nodeset means nothing; libvirt drops one naming node 0.
    if (def.cpu.cells.empty()) {
        for (HugePage &p : def.memoryBacking.pages)
            if (p.nodeset && p.nodeset->count() == 1 && p.nodeset->test(0))
                p.nodeset.reset();
    }
}

Result<void> MemoryDef::postParseCheckAll(const DomainDef &def)
{
    const MemoryDef &m = def.memory;
    if (m.totalKiB == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "Memory size must be specified via <memory> or in the <numa> configuration");
    if ((m.maxKiB || m.slots) && !(m.maxKiB && m.slots))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "both maximum memory size and memory slot count must be specified");
    if (m.maxKiB && m.maxKiB < m.totalKiB)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "maximum memory size must be equal or greater than the actual memory size");
    return {};
}

Result<void> MemoryDef::validateAll(const DomainDef &def)
{
    const auto &pages = def.memoryBacking.pages;
    int lastCell = static_cast<int>(def.cpu.cells.size()) - 1;
    for (size_t i = 0; i < pages.size(); i++) {
        for (size_t j = 0; j < i; j++) {
            if (pages[i].nodeset && pages[j].nodeset && pages[i].nodeset->overlaps(*pages[j].nodeset))
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL,
                                     "nodeset attribute of hugepages of sizes %llu and %llu intersect",
                                     pages[i].sizeKiB, pages[j].sizeKiB);
            if (!pages[i].nodeset && !pages[j].nodeset)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "two master hugepages detected: %llu and %llu",
                                     pages[i].sizeKiB, pages[j].sizeKiB);
        }
        if (!pages[i].nodeset)
            continue;
        int missing = pages[i].nodeset->next(lastCell);
        if (missing >= 0)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "hugepages: node %d not found", missing);
    }
    return {};
}

void MemoryDef::format(xml::Writer &w, const FormatContext &) const
{
    if (maxKiB || slots)
        w.start("maxMemory").attr("slots", slots).attr("unit", "KiB").text(std::to_string(maxKiB)).end();
    w.start("memory");
    if (dumpCore)
        w.attr("dumpCore", onOff(*dumpCore));
    w.attr("unit", "KiB").text(std::to_string(totalKiB)).end();
    w.start("currentMemory").attr("unit", "KiB").text(std::to_string(currentKiB)).end();
}

// ---- <memoryBacking>

namespace {
// The value of the first `elem` child (of any <memoryBacking>) carrying `attr`, as libvirt's
// string(./memoryBacking/elem/@attr) reads it; an empty value counts as absent.
struct FirstAttr {
    FirstAttr(const char *e, const char *a) : elem(e), attr(a) {}
    const char *elem;
    const char *attr;
    std::optional<std::string> value;
    bool seen = false;

    void offer(const xmlNode *c)
    {
        if (seen || !xml::is(c, elem))
            return;
        if (auto v = xml::attr(c, attr)) {
            seen = true;
            if (!v->empty())
                value = std::move(v);
        }
    }
};
} // namespace

Result<MemoryBackingDef> MemoryBackingDef::parse(const TopLevel &top, const ParseContext &)
{
    MemoryBackingDef d;
    FirstAttr source{"source", "type"}, access{"access", "mode"}, allocMode{"allocation", "mode"},
        allocThreads{"allocation", "threads"};
    std::vector<const xmlNode *> pages;
    for (const xmlNode *mb : top.all("memoryBacking")) {
        for (const xmlNode *c : xml::Children(mb)) {
            source.offer(c);
            access.offer(c);
            allocMode.offer(c);
            allocThreads.offer(c);
            if (xml::is(c, "hugepages")) {
                d.hugepages = true;
                for (const xmlNode *p : xml::Children(c))
                    if (xml::is(p, "page"))
                        pages.push_back(p);
            } else if (xml::is(c, "nosharepages")) {
                d.nosharepages = true;
            } else if (xml::is(c, "locked")) {
                d.locked = true;
            } else if (xml::is(c, "discard")) {
                d.discard = true;
            }
        }
    }
    if (source.value) {
        auto v = kMemorySource.parse(*source.value);
        if (!v || *v == MemorySource::None)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown memoryBacking/source/type '%s'",
                                 source.value->c_str());
        d.source = *v;
    }
    if (access.value) {
        auto v = kMemoryAccess.parse(*access.value);
        if (!v || *v == MemoryAccess::Default)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown memoryBacking/access/mode '%s'",
                                 access.value->c_str());
        d.access = *v;
    }
    if (allocMode.value) {
        auto v = kMemoryAllocation.parse(*allocMode.value);
        if (!v || *v == MemoryAllocation::Default)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                 "unknown memoryBacking/allocation/mode '%s'", allocMode.value->c_str());
        d.allocation = *v;
    }
    if (allocThreads.value) {
        auto v = num::uint(*allocThreads.value);
        if (!v)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Failed to parse memory allocation threads");
        d.allocationThreads = *v;
    }
    for (const xmlNode *p : pages) {
        HugePage page;
        auto size = memoryKiB(xml::attr(p, "size"), xml::attr(p, "unit"), "./@size", true);
        if (!size)
            return std::move(size).error();
        page.sizeKiB = size->value_or(0);
        if (page.sizeKiB == 0)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, "hugepage size can't be zero");
        if (auto nodeset = xml::attr(p, "nodeset")) {
            auto b = Bitmap::parse(*nodeset);
            if (!b)
                return std::move(b).error();
            if (b->empty())
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid value of 'nodeset': %s",
                                     nodeset->c_str());
            page.nodeset = std::move(*b);
        }
        d.pages.push_back(std::move(page));
    }
    return d;
}

void MemoryBackingDef::format(xml::Writer &w, const FormatContext &) const
{
    bool any = hugepages || nosharepages || locked || source != MemorySource::None || access != MemoryAccess::Default ||
               allocation != MemoryAllocation::Default || allocationThreads || discard;
    if (!any)
        return;
    w.start("memoryBacking");
    if (hugepages) {
        w.start("hugepages");
        for (const HugePage &p : pages) {
            w.start("page").attr("size", p.sizeKiB).attr("unit", "KiB");
            if (p.nodeset)
                w.attr("nodeset", p.nodeset->format());
            w.end();
        }
        w.end();
    }
    if (nosharepages)
        w.start("nosharepages").end();
    if (locked)
        w.start("locked").end();
    if (source != MemorySource::None)
        w.start("source").attr("type", kMemorySource.name(source)).end();
    if (access != MemoryAccess::Default)
        w.start("access").attr("mode", kMemoryAccess.name(access)).end();
    if (allocation != MemoryAllocation::Default || allocationThreads) {
        w.start("allocation");
        if (allocation != MemoryAllocation::Default)
            w.attr("mode", kMemoryAllocation.name(allocation));
        if (allocationThreads)
            w.attr("threads", allocationThreads);
        w.end();
    }
    if (discard)
        w.start("discard").end();
    w.end();
}

} // namespace vh::conf
