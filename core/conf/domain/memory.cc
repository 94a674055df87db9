#include "conf/domain/memory.h"

#include <libvirt/virterror.h>

#include "conf/props.h"

namespace vh::conf {

Result<MemoryDef> MemoryDef::parse(const TopLevel &top, const ParseContext &)
{
    MemoryDef m;
    if (const xmlNode *n = top.first("memory")) {
        auto v = elementKiB(n, "./memory[1]");
        if (!v)
            return std::move(v).error();
        m.totalKiB = *v;
        auto dump = Props(n).onOff("dumpCore");
        if (!dump)
            return std::move(dump).error();
        m.dumpCore = *dump;
    }
    if (const xmlNode *n = top.first("currentMemory")) {
        auto v = elementKiB(n, "./currentMemory[1]");
        if (!v)
            return std::move(v).error();
        m.currentKiB = *v;
    }
    if (const xmlNode *n = top.first("maxMemory")) {
        auto v = elementKiB(n, "./maxMemory[1]");
        if (!v)
            return std::move(v).error();
        m.maxKiB = *v;
        auto slots = Props(n).uint("slots");
        if (!slots)
            return std::move(slots).error();
        m.slots = slots->value_or(0);
    }
    if (m.totalKiB == 0)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                           "Memory size must be specified via <memory> or in the <numa> configuration");
    return m;
}

void MemoryDef::postParse()
{
    if (currentKiB == 0 || currentKiB > totalKiB)
        currentKiB = totalKiB;
}

void MemoryDef::format(xml::Writer &w, const FormatContext &) const
{
    if (maxKiB) {
        w.start("maxMemory");
        if (slots)
            w.attr("slots", slots);
        w.attr("unit", "KiB").text(std::to_string(maxKiB)).end();
    }
    w.start("memory");
    if (dumpCore)
        w.attr("dumpCore", onOff(*dumpCore));
    w.attr("unit", "KiB").text(std::to_string(totalKiB)).end();
    w.start("currentMemory").attr("unit", "KiB").text(std::to_string(currentKiB)).end();
}

Result<MemoryBackingDef> MemoryBackingDef::parse(const TopLevel &top, const ParseContext &)
{
    MemoryBackingDef d;
    for (const xmlNode *n : top.all("memoryBacking"))
        d.raw.push_back(xml::reformat(n, 1));
    return d;
}

void MemoryBackingDef::format(xml::Writer &w, const FormatContext &) const
{
    for (const std::string &r : raw)
        w.raw(r);
}

} // namespace vh::conf
