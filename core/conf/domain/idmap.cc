#include "conf/domain/idmap.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"

namespace vh::conf {

namespace {

// An unsigned number as libvirt reads these attributes: leading blanks and '+' allowed, no '-'.
std::optional<unsigned int> readUInt(const std::optional<std::string> &s)
{
    if (!s || s->empty() || s->find('-') != std::string::npos)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = strtoull(s->c_str(), &end, 10);
    if (errno || *end || end == s->c_str() || v > UINT_MAX)
        return std::nullopt;
    return static_cast<unsigned int>(v);
}

Result<void> parseMap(std::vector<IdmapEntry> &out, const xmlNode *n)
{
    auto start = readUInt(xml::attr(n, "start"));
    auto target = readUInt(xml::attr(n, "target"));
    auto count = readUInt(xml::attr(n, "count"));
    if (!start || !target || !count)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "invalid idmap start/target/count settings");
    out.push_back({*start, *target, *count});
    return {};
}

} // namespace

Result<IdmapDef> IdmapDef::parse(const TopLevel &top, const ParseContext &)
{
    IdmapDef d;
    auto all = top.all("idmap");
    for (const char *which : {"uid", "gid"}) {
        auto &out = which[0] == 'u' ? d.uids : d.gids;
        for (const xmlNode *idmap : all)
            for (const xmlNode *n : xml::Children(idmap))
                if (xml::is(n, which))
                    VH_TRY(parseMap(out, n));
        std::stable_sort(out.begin(), out.end(), [](const IdmapEntry &a, const IdmapEntry &b) { return a.start < b.start; });
    }
    return d;
}

Result<void> IdmapDef::validateAll(const DomainDef &def)
{
    const IdmapDef &m = def.idmap;
    if (m.uids.empty() != m.gids.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "uid and gid should be mapped both");
    for (const auto *map : {&m.uids, &m.gids})
        if (!map->empty() && map->front().start != 0)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "You must map the root user of container");
    return {};
}

void IdmapDef::format(xml::Writer &w, const FormatContext &) const
{
    if (uids.empty() && gids.empty())
        return;
    w.start("idmap");
    for (const char *which : {"uid", "gid"})
        for (const IdmapEntry &e : which[0] == 'u' ? uids : gids)
            w.start(which).attr("start", e.start).attr("target", e.target).attr("count", e.count).end();
    w.end();
}

} // namespace vh::conf
