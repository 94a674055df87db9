#include "conf/domain/sysinfo.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "util/uuid.h"

namespace vh::conf {

namespace {

Error detail(const char *message)
{
    return Error::plain(VIR_FROM_DOMAIN, VIR_ERR_XML_DETAIL, message);
}

// The value of the first <entry name=...> of a block ("" when absent or empty).
std::string entry(const xmlNode *block, const char *name)
{
    for (const xmlNode *c : xml::Children(block))
        if (xml::is(c, "entry") && xml::attr(c, "name") == std::optional<std::string>(name))
            return xml::text(c);
    return {};
}

template <size_t N>
std::optional<SysinfoEntries<N>> entries(const xmlNode *block, const std::array<const char *, N> &names)
{
    SysinfoEntries<N> out;
    bool any = false;
    for (size_t i = 0; i < N; i++) {
        out[i] = entry(block, names[i]);
        any |= !out[i].empty();
    }
    if (!any)
        return std::nullopt;
    return out;
}

// strtol over part of a string, as libvirt's date check reads it: returns the end.
const char *readInt(const char *s, int &out)
{
    errno = 0;
    char *end = nullptr;
    long v = strtol(s, &end, 10);
    if (errno || end == s || v < INT_MIN || v > INT_MAX)
        return nullptr;
    out = static_cast<int>(v);
    return end;
}

// mm/dd/yy or mm/dd/yyyy (from 1900 on).
bool validBiosDate(const std::string &date)
{
    int month = 0, day = 0, year = 0;
    const char *p = readInt(date.c_str(), month);
    if (!p || *p != '/')
        return false;
    p = readInt(p + 1, day);
    if (!p || *p != '/')
        return false;
    p = readInt(p + 1, year);
    if (!p || *p)
        return false;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 0 && (year < 100 || year >= 1900);
}

struct UuidState {
    bool generated;                  // the domain has no <uuid>: sysinfo's is taken
    unsigned char domain[16];
};

Result<void> parseSmbios(SysinfoBlock &b, const xmlNode *n, UuidState &uuid, SysinfoDef &def)
{
    if (const xmlNode *bios = xml::child(n, "bios")) {
        b.bios = entries(bios, kSysinfoBiosNames);
        if (b.bios && !(*b.bios)[2].empty() && !validBiosDate((*b.bios)[2]))
            return detail("Invalid BIOS 'date' format");
    }
    if (const xmlNode *system = xml::child(n, "system")) {
        b.system = entries(system, kSysinfoSystemNames);
        if (b.system && !(*b.system)[4].empty()) {
            std::string &text = (*b.system)[4];
            unsigned char raw[16];
            if (!uuidParse(text.c_str(), raw))
                return detail("malformed <sysinfo> uuid element");
            if (uuid.generated) {
                memcpy(uuid.domain, raw, sizeof(raw));
                def.adoptUuid.emplace();
                memcpy(def.adoptUuid->data(), raw, sizeof(raw));
            } else if (memcmp(uuid.domain, raw, sizeof(raw)) != 0) {
                return detail("UUID mismatch between <uuid> and <sysinfo>");
            }
            text = uuidFormat(raw);
        }
    }
    for (const xmlNode *c : xml::Children(n))
        if (xml::is(c, "baseBoard"))
            if (auto board = entries(c, kSysinfoBaseBoardNames))
                b.baseBoards.push_back(std::move(*board));
    if (const xmlNode *chassis = xml::child(n, "chassis"))
        b.chassis = entries(chassis, kSysinfoChassisNames);
    if (const xmlNode *oem = xml::child(n, "oemStrings")) {
        std::vector<std::string> strings;
        for (const xmlNode *c : xml::Children(oem))
            if (xml::is(c, "entry"))
                strings.push_back(xml::text(c));
        if (!strings.empty())
            b.oemStrings = std::move(strings);
    }
    return {};
}

Result<void> parseFwcfg(SysinfoBlock &b, const xmlNode *n)
{
    for (const xmlNode *c : xml::Children(n)) {
        if (!xml::is(c, "entry"))
            continue;
        FwcfgEntry e;
        auto name = xml::attr(c, "name");
        if (!name)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Firmware entry is missing 'name' attribute");
        e.name = *name;
        std::string value = xml::text(c);
        e.file = xml::attr(c, "file");
        if (!value.empty() && !e.file)
            e.value = std::move(value);
        if (!e.value && !e.file)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Firmware entry must have either value or 'file' attribute");
        b.fwcfg.push_back(std::move(e));
    }
    return {};
}

template <size_t N>
void formatEntries(xml::Writer &w, const char *element, const SysinfoEntries<N> &values,
                   const std::array<const char *, N> &names)
{
    w.start(element);
    for (size_t i = 0; i < N; i++)
        if (!values[i].empty())
            w.start("entry").attr("name", names[i]).text(values[i]).end();
    w.end();
}

} // namespace

Result<SysinfoDef> SysinfoDef::parse(const TopLevel &top, const ParseContext &)
{
    SysinfoDef d;
    UuidState uuid{true, {}};
    if (const xmlNode *u = top.first("uuid"))
        uuid.generated = !uuidParse(xml::text(u).c_str(), uuid.domain);
    for (const xmlNode *n : top.all("sysinfo")) {
        SysinfoBlock b;
        auto type = Props(n).enumeration("type", kSysinfoType, PROP_REQUIRED);
        if (!type)
            return std::move(type).error();
        b.type = **type;
        if (b.type == SysinfoType::Smbios)
            VH_TRY(parseSmbios(b, n, uuid, d));
        else
            VH_TRY(parseFwcfg(b, n));
        d.blocks.push_back(std::move(b));
    }
    return d;
}

void SysinfoDef::postParseAll(DomainDef &def)
{
    if (def.sysinfo.adoptUuid)
        memcpy(def.uuid, def.sysinfo.adoptUuid->data(), sizeof(def.uuid));
}

void SysinfoDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const SysinfoBlock &b : blocks) {
        w.start("sysinfo").attr("type", kSysinfoType.name(b.type));
        if (b.type == SysinfoType::Fwcfg) {
            for (const FwcfgEntry &e : b.fwcfg) {
                w.start("entry").attr("name", e.name);
                if (e.file)
                    w.attr("file", *e.file);
                else if (e.value)
                    w.text(*e.value);
                w.end();
            }
        } else {
            if (b.bios)
                formatEntries(w, "bios", *b.bios, kSysinfoBiosNames);
            if (b.system)
                formatEntries(w, "system", *b.system, kSysinfoSystemNames);
            for (const auto &board : b.baseBoards)
                formatEntries(w, "baseBoard", board, kSysinfoBaseBoardNames);
            if (b.chassis)
                formatEntries(w, "chassis", *b.chassis, kSysinfoChassisNames);
            if (b.oemStrings) {
                w.start("oemStrings");
                for (const std::string &s : *b.oemStrings)
                    w.element("entry", s);
                w.end();
            }
        }
        w.end();
    }
}

} // namespace vh::conf
