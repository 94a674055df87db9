#include "conf/storage/volume.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::conf {

using storage::childAttr;
using storage::childString;
using storage::nonEmpty;

namespace {

Error volError(int code, const char *fmt, const std::string &arg = {})
{
    return Error::format(VIR_FROM_STORAGE, code, fmt, arg.c_str());
}

// A non-negative decimal as libvirt's virStrToLong_ullp reads it: leading blanks and '+'
// allowed, no '-' anywhere, nothing after the digits.
std::optional<unsigned long long> positiveULL(const std::string &s)
{
    if (s.find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (errno || *end || end == s.c_str())
        return std::nullopt;
    return v;
}

// value scaled by a unit suffix ("KiB", "MB", "b", ...; none: `scale`), at most `limit`.
Result<unsigned long long> scaleInteger(unsigned long long value, const std::optional<std::string> &unit,
                                        unsigned long long scale, unsigned long long limit)
{
    std::string suffix = unit.value_or("");
    auto lower = [](char c) { return static_cast<char>(tolower(static_cast<unsigned char>(c))); };
    if (!suffix.empty()) {
        std::string l;
        for (char c : suffix)
            l += lower(c);
        if (l == "b" || l == "byte" || l == "bytes") {
            scale = 1;
        } else {
            unsigned long long base;
            if (l.size() == 1 || l.substr(1) == "ib")
                base = 1024;
            else if (l.size() == 2 && l[1] == 'b')
                base = 1000;
            else
                return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", suffix.c_str());
            const char *p = strchr("kmgtpe", l[0]);
            if (!p || !l[0])
                return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", suffix.c_str());
            scale = 1;
            for (const char *q = "kmgtpe"; q <= p; q++)
                scale *= base;
        }
    }
    if (value && value > limit / scale)
        return Error::format(VIR_FROM_NONE, VIR_ERR_OVERFLOW, "value too large: %llu%s", value, suffix.c_str());
    return value * scale;
}

// <capacity>/<allocation>: bytes unless a unit says otherwise; what a file can be (off_t).
Result<unsigned long long> parseSize(const std::string &text, const std::optional<std::string> &unit)
{
    auto v = positiveULL(text);
    if (!v)
        return volError(VIR_ERR_XML_ERROR, "malformed capacity element");
    return scaleInteger(*v, unit, 1, LLONG_MAX);
}

// An element's text and unit attribute, as XPath strings.
std::pair<std::optional<std::string>, std::optional<std::string>> sizeElement(const xmlNode *n)
{
    if (!n)
        return {};
    return {nonEmpty(storage::deepText(n)), nonEmpty(xml::attr(n, "unit"))};
}

// The qcow2 compat level: two unsigned numbers separated by a dot.
bool validCompat(const std::string &compat)
{
    size_t dot = compat.find('.');
    if (dot == std::string::npos)
        return false;
    auto part = [](const std::string &s) {
        errno = 0;
        char *end = nullptr;
        unsigned long v = strtoul(s.c_str(), &end, 10);
        if (errno || *end || end == s.c_str())
            return false;
        if (s.find('-') != std::string::npos)
            return -v <= UINT_MAX;   // "-1" is UINT_MAX
        return v <= UINT_MAX;
    };
    return part(compat.substr(0, dot)) && part(compat.substr(dot + 1));
}

Result<VolFormat> parseFormat(const std::string &s)
{
    auto f = kVolFormat.parse(s);
    if (!f || *f == VolFormat::None)
        return volError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume format type %s", s);
    return *f;
}

Result<VolEncryption::Secret> parseSecret(const xmlNode *n)
{
    VolEncryption::Secret s;
    auto type = xml::attr(n, "type");
    if (!type)
        return volError(VIR_ERR_XML_ERROR, "unknown volume encryption secret type");
    if (*type != "passphrase")
        return volError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume encryption secret type %s", *type);
    auto uuid = xml::attr(n, "uuid");
    auto usage = xml::attr(n, "usage");
    if (!uuid && !usage)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "missing secret uuid or usage attribute");
    if (uuid && usage)
        return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "either secret uuid or usage expected");
    if (uuid) {
        if (!uuidParse(uuid->c_str(), s.uuid))
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "invalid secret uuid '%s'", uuid->c_str());
        s.hasUuid = true;
    } else {
        s.usage = std::move(*usage);
    }
    return s;
}

} // namespace

Result<VolEncryption> VolEncryption::parse(const xmlNode *n)
{
    VolEncryption e;
    auto format = nonEmpty(xml::attr(n, "format"));
    if (!format)
        return volError(VIR_ERR_XML_ERROR, "unknown volume encryption format");
    auto f = kVolEncryptionFormat.parse(*format);
    if (!f)
        return volError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume encryption format type %s", *format);
    e.encFormat = *f;
    auto engine = Props(n).enumeration("engine", kVolEncryptionEngine, PROP_NONE_INVALID);
    if (!engine)
        return std::move(engine).error();
    e.engine = *engine;
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "secret"))
            continue;
        auto s = parseSecret(c);
        if (!s)
            return std::move(s).error();
        e.secrets.push_back(std::move(*s));
    }
    if (const xmlNode *cipher = xml::child(n, "cipher")) {
        if (!(e.cipherName = xml::attr(cipher, "name")))
            return volError(VIR_ERR_XML_ERROR, "cipher info missing 'name' attribute");
        auto size = Props(cipher).uint("size", PROP_REQUIRED);
        if (!size)
            return std::move(size).error();
        e.cipherSize = **size;
        e.cipherMode = xml::attr(cipher, "mode");
        e.cipherHash = xml::attr(cipher, "hash");
    }
    if (const xmlNode *ivgen = xml::child(n, "ivgen")) {
        if (!e.cipherName)
            return volError(VIR_ERR_XML_ERROR, "ivgen element found, but cipher is missing");
        if (!(e.ivgenName = xml::attr(ivgen, "name")))
            return volError(VIR_ERR_XML_ERROR, "missing ivgen info name string");
        e.ivgenHash = xml::attr(ivgen, "hash");
    }
    return e;
}

void VolEncryption::format(xml::Writer &w) const
{
    w.start("encryption").attr("format", kVolEncryptionFormat.name(encFormat));
    if (engine)
        w.attr("engine", kVolEncryptionEngine.name(*engine));
    w.open();
    for (const Secret &s : secrets) {
        w.start("secret").attr("type", "passphrase");
        if (s.hasUuid)
            w.attr("uuid", uuidFormat(s.uuid));
        else
            w.attr("usage", s.usage);
        w.end();
    }
    if (cipherName) {
        w.start("cipher").attr("name", *cipherName).attr("size", cipherSize);
        if (cipherMode)
            w.attr("mode", *cipherMode);
        if (cipherHash)
            w.attr("hash", *cipherHash);
        w.end();
    }
    if (ivgenName) {
        w.start("ivgen").attr("name", *ivgenName);
        if (ivgenHash)
            w.attr("hash", *ivgenHash);
        w.end();
    }
    w.end();
}

Result<std::unique_ptr<StorageVolDef>> parseStorageVol(std::string_view text, unsigned int)
{
    auto doc = xml::parse(text, "(storage_volume_definition)", VIR_FROM_STORAGE);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "volume"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'volume', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto def = std::make_unique<StorageVolDef>();
    const xmlNode *target = xml::child(root, "target");

    auto name = childString(root, "name");
    if (!name)
        return volError(VIR_ERR_XML_ERROR, "missing volume name element");
    def->name = std::move(*name);
    def->key = childString(root, "key");
    if (auto type = nonEmpty(xml::attr(root, "type"))) {
        auto t = kVolType.parse(*type);
        if (!t)
            return volError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown volume type '%s'", *type);
        def->type = *t;
    }

    if (const xmlNode *backing = xml::child(root, "backingStore")) {
        if (auto path = childString(backing, "path")) {
            VolBackingStore b;
            b.path = std::move(*path);
            if (auto format = childAttr(backing, "format", "type")) {
                auto f = parseFormat(*format);
                if (!f)
                    return std::move(f).error();
                b.format = *f;
            }
            auto perms = PoolPerms::parse(xml::child(backing, "permissions"), VIR_FROM_STORAGE);
            if (!perms)
                return std::move(perms).error();
            b.perms = std::move(*perms);
            def->backingStore = std::move(b);
        }
    }

    auto [capacity, capacityUnit] = sizeElement(xml::child(root, "capacity"));
    if (!capacity)
        return volError(VIR_ERR_XML_ERROR, "missing capacity element");
    auto cap = parseSize(*capacity, capacityUnit);
    if (!cap)
        return std::move(cap).error();
    def->capacity = *cap;
    auto [allocation, allocationUnit] = sizeElement(xml::child(root, "allocation"));
    if (allocation) {
        auto alloc = parseSize(*allocation, allocationUnit);
        if (!alloc)
            return std::move(alloc).error();
        def->allocation = *alloc;
    } else {
        def->allocation = def->capacity;   // fully allocated unless told otherwise
    }

    if (target) {
        def->targetPath = childString(target, "path");
        if (auto format = childAttr(target, "format", "type")) {
            auto f = parseFormat(*format);
            if (!f)
                return std::move(f).error();
            def->format = *f;
        }
        auto perms = PoolPerms::parse(xml::child(target, "permissions"), VIR_FROM_STORAGE);
        if (!perms)
            return std::move(perms).error();
        def->perms = std::move(*perms);
        if (const xmlNode *encryption = xml::child(target, "encryption")) {
            auto e = VolEncryption::parse(encryption);
            if (!e)
                return std::move(e).error();
            def->encryption = std::move(*e);
        }
        def->compat = childString(target, "compat");
        if (def->compat && !validCompat(*def->compat))
            return volError(VIR_ERR_XML_ERROR, "forbidden characters in 'compat' attribute");
        def->nocow = xml::child(target, "nocow") != nullptr;
        if (const xmlNode *cluster = xml::child(target, "clusterSize")) {
            if (auto value = nonEmpty(storage::deepText(cluster))) {
                auto v = positiveULL(*value);
                if (!v)
                    return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "Invalid value '%s' for element or attribute '%s'",
                                         value->c_str(), "./target/clusterSize");
                auto scaled = scaleInteger(*v, nonEmpty(xml::attr(cluster, "unit")), 1, ULLONG_MAX);
                if (!scaled)
                    return std::move(scaled).error();
                def->clusterSize = *scaled;
            }
        }
        if (const xmlNode *features = xml::child(target, "features")) {
            if (!def->compat)
                def->compat = "1.1";   // the first level with features
            def->features = 0u;
            for (const xmlNode *f : xml::Children(features)) {
                auto feature = kVolFeature.parse(reinterpret_cast<const char *>(f->name));
                if (!feature)
                    return volError(VIR_ERR_CONFIG_UNSUPPORTED, "unsupported feature %s", reinterpret_cast<const char *>(f->name));
                *def->features |= 1u << static_cast<unsigned>(*feature);
            }
        }
    }
    return def;
}

namespace {

void formatSize(xml::Writer &w, const char *name, unsigned long long bytes)
{
    w.start(name).attr("unit", "bytes").text(std::to_string(bytes)).end();
}

} // namespace

std::string formatStorageVol(const StorageVolDef &def, unsigned int)
{
    xml::Writer w;
    w.start("volume").attr("type", kVolType.name(def.type));
    w.element("name", def.name);
    if (def.key)
        w.element("key", *def.key);
    formatSize(w, "capacity", def.capacity);
    formatSize(w, "allocation", def.allocation);
    w.start("target");
    if (def.targetPath)
        w.element("path", *def.targetPath);
    w.start("format").attr("type", kVolFormat.name(def.format)).end();
    def.perms.format(w);
    if (def.encryption)
        def.encryption->format(w);
    if (def.compat)
        w.element("compat", *def.compat);
    if (def.clusterSize)
        w.start("clusterSize").attr("unit", "B").text(std::to_string(def.clusterSize)).end();
    if (def.features) {
        w.start("features");
        for (unsigned i = 0; i < static_cast<unsigned>(VolFeature::Last); i++)
            if (*def.features & (1u << i))
                w.start(kVolFeature.names[i]).end();
        w.end();
    }
    w.end();
    if (def.backingStore) {
        w.start("backingStore");
        w.element("path", def.backingStore->path);
        w.start("format").attr("type", kVolFormat.name(def.backingStore->format)).end();
        def.backingStore->perms.format(w);
        w.end();
    }
    w.end();
    return w.take();
}

} // namespace vh::conf
