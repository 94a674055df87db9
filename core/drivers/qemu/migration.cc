#include "drivers/qemu/migration.h"

#include <chrono>
#include <thread>

#include <libvirt/virterror.h>

namespace vh::drv::qemu {

using namespace std::chrono_literals;

namespace {

// Waits for the migration to end. QEMU 7.2 reports progress through query-migrate (its
// MIGRATION events need a capability and tell no more), so ask, backing off to 50 ms.
Result<void> waitMigration(Monitor &monitor, const char *what)
{
    auto deadline = std::chrono::steady_clock::now() + 30min;
    auto pause = 1ms;
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = monitor.execute("query-migrate");
        if (!r)
            return std::move(r).error();
        std::string status = (*r).value("status", std::string());
        if (status == "completed")
            return {};
        if (status == "failed" || status == "cancelled")
            return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED,
                               std::string(what) + " failed: " + (*r).value("error-desc", status));
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_TIMEOUT, std::string(what) + " did not finish in 30 minutes");
}

} // namespace

Result<void> sendState(Monitor &monitor, int fd)
{
    // QEMU's default limit (32 MiB/s) is for links between hosts, not for a local file
    VH_TRY(monitor.execute("migrate-set-parameters", {{"max-bandwidth", 1LL << 50}}));
    VH_TRY(monitor.passFd("migrate", fd));
    VH_TRY(monitor.execute("migrate", {{"uri", "fd:migrate"}}));
    return waitMigration(monitor, "saving the guest's state");
}

Result<void> receiveState(Monitor &monitor, int fd)
{
    VH_TRY(monitor.passFd("incoming", fd));
    VH_TRY(monitor.execute("migrate-incoming", {{"uri", "fd:incoming"}}));
    return waitMigration(monitor, "loading the guest's state");
}

} // namespace vh::drv::qemu
