// <memory model='dimm|nvdimm|virtio-pmem|virtio-mem|sgx-epc'>: hotpluggable memory devices
// (access, discard, uuid; source pagesize/nodemask/path/alignsize/pmem; target size, node,
// label, readonly, block, requested, current; address).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"
#include "conf/domain/memory.h"

namespace vh::conf {

struct DomainDef;

enum class MemoryModel { None, Dimm, Nvdimm, VirtioPmem, VirtioMem, SgxEpc, Last };
VH_ENUM_TABLE(kMemoryModel, MemoryModel, "", "dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc");

struct MemoryDeviceDef {
    MemoryModel model = MemoryModel::Dimm;
    MemoryAccess access = MemoryAccess::Default;
    std::optional<bool> discard;
    std::string uuid;                       // nvdimm
    // <source>
    unsigned long long pagesizeKiB = 0;     // dimm, virtio-mem
    std::optional<Bitmap> nodemask;         // dimm, virtio-mem, sgx-epc
    std::string path;                       // nvdimm, virtio-pmem
    unsigned long long alignsizeKiB = 0;    // nvdimm
    bool pmem = false;                      // nvdimm
    // <target>
    unsigned long long sizeKiB = 0;
    int node = -1;                          // -1: none
    unsigned long long labelSizeKiB = 0;    // nvdimm
    bool readonly = false;                  // nvdimm
    unsigned long long blockKiB = 0;        // virtio-mem
    unsigned long long requestedKiB = 0;    // virtio-mem
    unsigned long long currentKiB = 0;      // virtio-mem, live XML
    DeviceInfo info;

    static Result<MemoryDeviceDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // virtio-pmem is shared memory.
    static void postParseAll(DomainDef &def);
    // libvirt's memory post-parse: the devices fit in <memory>, leaving some initial memory.
    // validateAll runs it first.
    static Result<void> postParseCheckAll(const DomainDef &def);
    // The devices fit in <memory>; each model's needs; target nodes among the NUMA cells.
    static Result<void> validateAll(const DomainDef &def);

    // The memory of every device together (KiB): <memory> includes it.
    static unsigned long long hotplugKiB(const DomainDef &def);
};

} // namespace vh::conf
