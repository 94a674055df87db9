// The QEMU driver's parts: golden command lines (argv/<case>.xml -> <case>.args, or <case>.err
// for a refused document; no QEMU needed), and live tests that start a real QEMU under TCG and
// drive it over QMP. VH_REGENERATE=1 rewrites the golden files.
#define BOOST_TEST_MODULE qemu
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <unistd.h>

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "drivers/qemu/command_line.h"
#include "drivers/qemu/monitor.h"
#include "drivers/qemu/process.h"
#include "helpers.h"

namespace fs = std::filesystem;
using namespace vh::drv::qemu;
using namespace std::chrono_literals;

using namespace vh::test;

BOOST_AUTO_TEST_SUITE(argv)

BOOST_AUTO_TEST_CASE(golden_command_lines)
{
    fs::path dir = fs::path(VH_QEMU_DATA) / "argv";
    bool regenerate = getenv("VH_REGENERATE") != nullptr;
    int cases = 0;
    for (const auto &entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".xml")
            continue;
        ++cases;
        BOOST_TEST_CONTEXT(entry.path().filename()) {
            auto def = parse(slurp(entry.path()));
            GuestPaths paths{"/run/virthub/qemu/" + def->name + ".monitor", "/var/log/virthub/qemu/" + def->name + ".log"};
            auto argv = buildCommandLine(*def, paths, noKvm());
            fs::path args = fs::path(entry.path()).replace_extension(".args");
            fs::path err = fs::path(entry.path()).replace_extension(".err");
            std::string got = argv ? formatArgv(*argv) + "\n" : "error: " + argv.error().message + "\n";
            fs::path golden = argv ? args : err;
            if (regenerate)
                std::ofstream(golden) << got;
            BOOST_TEST(fs::exists(golden), "missing " << golden);
            BOOST_TEST(got == slurp(golden));
        }
    }
    BOOST_TEST(cases >= 5);
}

BOOST_AUTO_TEST_CASE(words_are_quoted_for_the_shell)
{
    BOOST_TEST(formatArgv({"qemu", "-name", "guest=a b", "it's"}) == "qemu -name 'guest=a b' 'it'\\''s'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(live)

// A diskless x86 guest (firmware only) under TCG: started paused, continued, stopped and
// resumed over QMP with the events QEMU sends, then stopped; its exit is noticed at once.
BOOST_AUTO_TEST_CASE(diskless_guest_over_qmp)
{
    TempDir tmp;
    auto def = parse(slurp(fs::path(VH_QEMU_DATA) / "argv" / "minimal.xml"));
    GuestPaths paths{(tmp.path / "minimal.monitor").string(), (tmp.path / "minimal.log").string()};
    auto argv = buildCommandLine(*def, paths, noKvm());
    BOOST_TEST_REQUIRE(bool(argv));
    auto proc = Process::spawn(*argv, paths.log);
    BOOST_TEST_REQUIRE(bool(proc), (proc ? "" : proc.error().message));

    std::mutex lock;
    std::vector<std::string> events;
    std::atomic<bool> eof{false};
    auto mon = Monitor::connect(paths.monitor, 10s,
                                [&](const std::string &ev, const Json &, long long, unsigned, unsigned long) {
                                    std::lock_guard<std::mutex> g(lock);
                                    events.push_back(ev);
                                },
                                [&] { eof = true; });
    BOOST_TEST_REQUIRE(bool(mon), (mon ? "" : mon.error().message + "\n" + slurp(paths.log)));
    BOOST_TEST((*mon)->version() >= 7000000UL);

    auto status = (*mon)->execute("query-status");
    BOOST_TEST_REQUIRE(bool(status));
    BOOST_TEST((*status)["status"].get<std::string>() == "prelaunch");
    BOOST_TEST(bool((*mon)->execute("cont")));
    status = (*mon)->execute("query-status");
    BOOST_TEST((*status)["status"].get<std::string>() == "running");
    BOOST_TEST(bool((*mon)->execute("stop")));
    BOOST_TEST((*(*mon)->execute("query-status"))["status"].get<std::string>() == "paused");
    BOOST_TEST(bool((*mon)->execute("cont")));

    // QEMU's own error names the command
    auto bad = (*mon)->execute("no-such-command");
    BOOST_TEST_REQUIRE(!bad);
    BOOST_TEST(bad.error().code == VIR_ERR_INTERNAL_ERROR);
    BOOST_TEST(bad.error().message.find("'no-such-command'") != std::string::npos);

    // a second process attaches by pid and start time, as a restarted driver does
    unsigned long long started = Process::startTime(proc->pid());
    BOOST_TEST(started > 0);
    auto other = Process::attach(proc->pid(), started);
    BOOST_TEST_REQUIRE(bool(other));
    BOOST_TEST(other->running());
    BOOST_TEST(!Process::attach(proc->pid(), started + 1));

    auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(bool(proc->stop(5s)));
    auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(!proc->running());
    BOOST_TEST(!other->running());
    BOOST_TEST_MESSAGE("SIGTERM to exit: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    for (int i = 0; i < 500 && !eof; ++i)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST(eof.load());
    BOOST_TEST(!(*mon)->execute("query-status"));
    std::lock_guard<std::mutex> g(lock);
    BOOST_TEST((std::find(events.begin(), events.end(), "STOP") != events.end()));
    BOOST_TEST((std::find(events.begin(), events.end(), "RESUME") != events.end()));
}

BOOST_AUTO_TEST_CASE(missing_emulator_is_a_clear_error)
{
    TempDir tmp;
    auto proc = Process::spawn({"/nonexistent/qemu-system-x86_64", "-version"}, (tmp.path / "log").string());
    BOOST_TEST_REQUIRE(!proc);
    BOOST_TEST(proc.error().code == VIR_ERR_SYSTEM_ERROR);
    BOOST_TEST(proc.error().message.find("cannot execute /nonexistent/qemu-system-x86_64") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
