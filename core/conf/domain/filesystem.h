// <filesystem>: a host directory, file, block device, template or RAM disk shared with the
// guest; its accessmode, driver (virtiofs with its <binary>), source, target, read-only flag
// and space limits (libvirt's virDomainFSDef).
#pragma once

#include <optional>
#include <string>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

struct FilesystemDef {
    std::string type = "mount";      // mount block file template ram bind volume
    std::string accessmode;          // passthrough mapped squash; "" only beside a socket
    std::string model, multidevs;
    unsigned int fmode = 0, dmode = 0;
    // <driver>
    std::string driverType;          // path handle loop nbd ploop virtiofs
    std::string driverFormat, wrpolicy;
    unsigned long long queue = 0;
    VirtioOptions virtio;
    // <binary> (virtiofs)
    std::string binaryPath;
    std::optional<bool> xattr, lockPosix, lockFlock;
    std::string cacheMode, sandboxMode;
    int threadPoolSize = -1;
    // <source>
    std::string source;              // dir, file, dev or template name
    std::string socket;              // an external virtiofsd
    unsigned long long usageKiB = 0; // ram
    std::string pool, volume;        // volume
    std::string target;
    bool readonly = false;
    unsigned long long spaceHardLimit = 0, spaceSoftLimit = 0;   // bytes
    DeviceInfo info;

    static Result<FilesystemDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    static void postParseAll(DomainDef &def);
    static Result<void> validateAll(const DomainDef &def);
};

} // namespace vh::conf
