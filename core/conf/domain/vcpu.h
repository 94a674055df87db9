// Virtual CPUs: <vcpu> and <vcpus>; I/O threads: <iothreads>, <iothreadids>, <defaultiothread>.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain/context.h"
#include "conf/domain/memory.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

// One <vcpus><vcpu id=... enabled=... hotpluggable=... order=.../>.
struct VcpuInfo {
    bool online = false;
    std::optional<bool> hotpluggable;    // default: not for online vCPUs, yes for offline ones
    unsigned int order = 0;
};

struct VcpuDef {
    unsigned int max = 1;                  // <vcpu>N</vcpu>
    unsigned int current = 1;              // <vcpu current='...'>
    std::string placement = "static";      // static, auto
    std::optional<Bitmap> cpuset;          // not with placement='auto'
    // <vcpus>: each vCPU's state, when given (then `current` counts the online ones)
    bool individual = false;
    std::vector<VcpuInfo> vcpus;

    static Result<VcpuDef> parse(const TopLevel &top, const ParseContext &ctx);
    // <vcpu>'s count for sections read after it (it parsed already).
    static unsigned int maxFrom(const TopLevel &top);
    // placement='auto' follows <numatune>'s automatic placement when nothing is pinned.
    static void postParseAll(DomainDef &def);
    // libvirt's post-parse rule: an offline vCPU must be hotpluggable.
    static Result<void> postParseCheckAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // The state of vCPU i as formatted (consistent with max/current even after a driver
    // changed them).
    VcpuInfo info(unsigned int i) const;
};

struct IothreadIdDef {
    unsigned int id = 0;
    bool autofill = false;               // added to reach <iothreads>' count
    int poolMin = -1, poolMax = -1;      // thread_pool_min/max, -1: unset
};

struct IothreadsDef {
    std::vector<IothreadIdDef> ids;      // <iothreads> is their count
    int defaultPoolMin = -1, defaultPoolMax = -1;   // <defaultiothread>

    static Result<IothreadsDef> parse(const TopLevel &top, const ParseContext &ctx);
    // Thread pool bounds.
    static Result<void> validateAll(const DomainDef &def);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    const IothreadIdDef *find(unsigned int id) const;
};

} // namespace vh::conf
