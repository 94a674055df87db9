// The test driver's I/O statistics: as libvirt's test driver, counters that grow with the
// clock (microseconds since the epoch divided by fixed factors), so that two reads differ.
#include <algorithm>

#include <sys/time.h>

#include <libvirt/virterror.h>

#include "drivers/test/test_driver.h"

namespace vh::drv::test {

namespace {

struct Clock {
    long long seconds, micros;     // now, in seconds and in microseconds
};

Clock now()
{
    timeval tv;
    gettimeofday(&tv, nullptr);
    return {tv.tv_sec, tv.tv_sec * 1000000LL + tv.tv_usec};
}

} // namespace

Result<void> TestDriver::domainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats, size_t)
{
    std::unique_lock<std::mutex> g;
    auto obj = findActive(dom, g);
    if (!obj)
        return std::move(obj).error();
    if (!*disk)
        return Error::make(VIR_FROM_TEST, VIR_ERR_OPERATION_UNSUPPORTED, "summary statistics are not supported yet");
    const auto &disks = (*obj)->def->devices.disks;
    if (std::none_of(disks.begin(), disks.end(), [&](const conf::DiskDef &d) { return d.targetDev == disk; }))
        return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "invalid path: %s", disk);
    Clock c = now();
    stats->rd_req = c.micros / 10;
    stats->rd_bytes = c.micros / 20;
    stats->wr_req = c.micros / 30;
    stats->wr_bytes = c.micros / 40;
    stats->errs = c.seconds / 2;
    return {};
}

Result<void> TestDriver::domainInterfaceStats(virDomainPtr dom, const char *device, virDomainInterfaceStatsPtr stats, size_t)
{
    std::unique_lock<std::mutex> g;
    auto obj = findActive(dom, g);
    if (!obj)
        return std::move(obj).error();
    VH_TRY(conf::InterfaceDef::byDevice((*obj)->def->devices.interfaces, device));
    Clock c = now();
    stats->rx_bytes = c.micros / 10;
    stats->rx_packets = c.micros / 100;
    stats->rx_errs = c.seconds;
    stats->rx_drop = c.seconds / 2;
    stats->tx_bytes = c.micros / 20;
    stats->tx_packets = c.micros / 110;
    stats->tx_errs = c.seconds / 3;
    stats->tx_drop = c.seconds / 4;
    return {};
}

} // namespace vh::drv::test
