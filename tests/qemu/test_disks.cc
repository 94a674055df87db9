// Disks, network cards and images with a real QEMU: qemu-img creates and reads images, and a
// guest built from a domain with a virtio disk, SATA and IDE CD-ROMs, a SCSI disk and a user
// network card starts under TCG, where QMP shows each device with its file.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <filesystem>
#include <string>
#include <vector>

#include <libvirt/virterror.h>

#include "drivers/qemu/command_line.h"
#include "drivers/qemu/disks.h"
#include "drivers/qemu/image.h"
#include "drivers/qemu/monitor.h"
#include "drivers/qemu/process.h"
#include "helpers.h"

namespace fs = std::filesystem;
using namespace vh::drv::qemu;
using namespace vh::test;
using namespace std::chrono_literals;

namespace {

constexpr unsigned long long kMiB = 1024 * 1024;

// The query-block entry of the device with this id, or null.
Json blockOf(const Json &blocks, const std::string &id)
{
    for (const auto &b : blocks)
        if (b.value("qdev", std::string()).find("/" + id + "/") != std::string::npos ||
            b.value("qdev", std::string()) == "/machine/peripheral/" + id || b.value("qdev", std::string()) == id)
            return b;
    return nullptr;
}

// A guest's QEMU under TCG with its monitor connected, stopped at the end.
struct Guest {
    Process proc;
    std::unique_ptr<Monitor> mon;
    std::string log;

    // Fails the test with QEMU's log when QEMU refuses the command line.
    Guest(const vh::conf::DomainDef &def, const fs::path &dir)
    {
        GuestPaths paths{(dir / "guest.monitor").string(), (dir / "guest.log").string()};
        log = paths.log;
        auto argv = buildCommandLine(def, paths, noKvm());
        BOOST_TEST_REQUIRE(bool(argv), (argv ? "" : argv.error().message));
        BOOST_TEST_MESSAGE(formatArgv(*argv));
        auto spawned = Process::spawn(*argv, paths.log);
        BOOST_TEST_REQUIRE(bool(spawned), (spawned ? "" : spawned.error().message));
        proc = std::move(*spawned);
        auto connected = Monitor::connect(paths.monitor, 10s,
                                          [](const std::string &, const Json &, long long, unsigned, unsigned long) {},
                                          [] {}, [this] { return proc.running(); });
        if (!connected) {
            std::string why = connected.error().message + "\n" + slurp(paths.log);
            (void)proc.stop(1s);     // the destructor does not run when the constructor fails
            BOOST_FAIL(why);
        }
        mon = std::move(*connected);
    }
    ~Guest()
    {
        if (mon)
            (void)mon->execute("quit");
        if (!proc.waitExit(10s))
            (void)proc.stop(1s);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(disks)

BOOST_AUTO_TEST_CASE(images_are_created_and_read_back)
{
    TempDir tmp;
    std::string raw = (tmp.path / "data.img").string();
    BOOST_TEST_REQUIRE(bool(image::create(raw, "raw", 16 * kMiB)));
    auto info = image::info(raw);
    BOOST_TEST_REQUIRE(bool(info), (info ? "" : info.error().message));
    BOOST_TEST(info->format == "raw");
    BOOST_TEST(info->virtualSize == 16 * kMiB);
    BOOST_TEST(info->backingFile.empty());

    std::string base = (tmp.path / "base.qcow2").string();
    std::string top = (tmp.path / "top.qcow2").string();
    BOOST_TEST_REQUIRE(bool(image::create(base, "qcow2", 32 * kMiB)));
    auto created = image::create(top, "qcow2", 0, image::Backing{base, "qcow2"});
    BOOST_TEST_REQUIRE(bool(created), (created ? "" : created.error().message));
    info = image::info(top);
    BOOST_TEST_REQUIRE(bool(info));
    BOOST_TEST(info->format == "qcow2");
    BOOST_TEST(info->virtualSize == 32 * kMiB);     // the backing image's
    BOOST_TEST(info->actualSize > 0ULL);
    BOOST_TEST(info->backingFile == base);
    BOOST_TEST(info->backingFormat == "qcow2");

    // a larger overlay than its backing image
    std::string big = (tmp.path / "big.qcow2").string();
    BOOST_TEST_REQUIRE(bool(image::create(big, "qcow2", 64 * kMiB, image::Backing{raw, "raw"})));
    BOOST_TEST(image::info(big)->virtualSize == 64 * kMiB);
    BOOST_TEST(image::info(big)->backingFormat == "raw");
}

BOOST_AUTO_TEST_CASE(image_errors_name_the_file)
{
    TempDir tmp;
    std::string nowhere = (tmp.path / "no-such-dir" / "x.qcow2").string();
    auto bad = image::create(nowhere, "qcow2", kMiB);
    BOOST_TEST_REQUIRE(!bad);
    BOOST_TEST(bad.error().code == VIR_ERR_OPERATION_FAILED);
    BOOST_TEST(bad.error().message.find("'" + nowhere + "'") != std::string::npos, bad.error().message);
    // qemu-img's own words follow
    BOOST_TEST(bad.error().message.find("No such file or directory") != std::string::npos, bad.error().message);

    auto missing = image::info(nowhere);
    BOOST_TEST_REQUIRE(!missing);
    BOOST_TEST(missing.error().message.find("'" + nowhere + "'") != std::string::npos, missing.error().message);
    BOOST_TEST(missing.error().message.find("Could not open") != std::string::npos, missing.error().message);

    auto vmdk = image::create((tmp.path / "x.vmdk").string(), "vmdk", kMiB);
    BOOST_TEST_REQUIRE(!vmdk);
    BOOST_TEST(vmdk.error().code == VIR_ERR_CONFIG_UNSUPPORTED);
    BOOST_TEST(!fs::exists(tmp.path / "x.vmdk"));
}

BOOST_AUTO_TEST_CASE(missing_disk_files_are_named_at_start)
{
    TempDir tmp;
    std::string present = (tmp.path / "present.img").string();
    BOOST_TEST_REQUIRE(bool(image::create(present, "raw", kMiB)));
    std::string absent = (tmp.path / "absent.img").string();
    auto def = parse("<domain type='qemu'><name>m</name><memory unit='MiB'>64</memory>"
                     "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                     "<disk type='file' device='disk'><source file='" + present + "'/><target dev='vda' bus='virtio'/></disk>"
                     "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>"
                     "</devices></domain>");
    BOOST_TEST(bool(checkDiskSources(*def)));
    def->devices.disks.back().source = absent;    // a CD-ROM with a medium that is not there
    auto r = checkDiskSources(*def);
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error().code == VIR_ERR_SYSTEM_ERROR);
    BOOST_TEST(r.error().domain == VIR_FROM_STORAGE);
    BOOST_TEST(r.error().message.find("Cannot access storage file '" + absent + "'") != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find("No such file or directory") != std::string::npos, r.error().message);
}

// The command line the driver builds is one QEMU accepts, and QEMU then has the devices with
// the right files: checked over QMP, not by reading argv.
BOOST_AUTO_TEST_CASE(qemu_runs_a_guest_with_disks_and_a_nic)
{
    TempDir tmp;
    std::string root = (tmp.path / "root.qcow2").string();
    std::string data = (tmp.path / "data.img").string();
    std::string iso = (tmp.path / "install.iso").string();
    BOOST_TEST_REQUIRE(bool(image::create(root, "qcow2", 64 * kMiB)));
    BOOST_TEST_REQUIRE(bool(image::create(data, "raw", 8 * kMiB)));
    BOOST_TEST_REQUIRE(bool(image::create(iso, "raw", 2 * kMiB)));
    auto def = parse("<domain type='qemu'><name>disks</name><uuid>7c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5</uuid>"
                     "<memory unit='MiB'>128</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                     "<controller type='scsi' index='0' model='virtio-scsi'/>"
                     "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='writeback'/>"
                     "<source file='" + root + "'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>"
                     "<disk type='file' device='cdrom'><source file='" + iso + "'/><target dev='sda' bus='sata'/></disk>"
                     "<disk type='file' device='disk'><source file='" + data + "'/><target dev='sdb' bus='scsi'/>"
                     "<serial>DATA1</serial></disk>"
                     "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>"
                     "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>"
                     "<memballoon model='none'/></devices></domain>");
    BOOST_TEST_REQUIRE(bool(checkDiskSources(*def)));
    Guest guest(*def, tmp.path);
    Monitor *mon = guest.mon.get();

    auto blocks = mon->execute("query-block");
    BOOST_TEST_REQUIRE(bool(blocks));
    BOOST_TEST_MESSAGE(blocks->dump());
    struct Want {
        const char *id, *file, *drv;
        bool ro;
    };
    for (const Want &w : {Want{"virtio-disk0", root.c_str(), "qcow2", false}, Want{"sata0-0-0", iso.c_str(), "raw", true},
                          Want{"scsi0-0-0-1", data.c_str(), "raw", false}}) {
        BOOST_TEST_CONTEXT(w.id) {
            Json b = blockOf(*blocks, w.id);
            BOOST_TEST_REQUIRE(b.is_object());
            BOOST_TEST_REQUIRE(b.contains("inserted"));
            BOOST_TEST(b["inserted"]["file"].get<std::string>() == w.file);
            BOOST_TEST(b["inserted"]["drv"].get<std::string>() == w.drv);
            BOOST_TEST(b["inserted"]["ro"].get<bool>() == w.ro);
        }
    }
    // the empty IDE tray: a CD-ROM drive without a medium
    Json empty = blockOf(*blocks, "ide0-1-0");
    BOOST_TEST_REQUIRE(empty.is_object());
    BOOST_TEST(!empty.contains("inserted"));
    BOOST_TEST(empty["removable"].get<bool>());
    // the virtio disk writes back, as <driver cache='writeback'> says
    BOOST_TEST(blockOf(*blocks, "virtio-disk0")["inserted"]["cache"]["writeback"].get<bool>());

    // the PCI devices by their ids: the disk, the SCSI and SATA controllers, the card
    auto pci = mon->execute("query-pci");
    BOOST_TEST_REQUIRE(bool(pci));
    std::vector<std::string> ids;
    for (const auto &bus : *pci)
        for (const auto &dev : bus["devices"])
            if (dev.contains("qdev_id"))
                ids.push_back(dev["qdev_id"].get<std::string>());
    for (const char *id : {"virtio-disk0", "scsi0", "sata0", "net0"})
        BOOST_TEST((std::find(ids.begin(), ids.end(), id) != ids.end()), id << " on the PCI bus");

    // the card has the domain's MAC address
    auto rx = mon->execute("query-rx-filter", Json{{"name", "net0"}});
    BOOST_TEST_REQUIRE(bool(rx), (rx ? "" : rx.error().message));
    BOOST_TEST((*rx)[0]["main-mac"].get<std::string>() == "52:54:00:aa:bb:01");

    // the nodes are what blockdev-add takes, as hot-plug will use them
    std::string extra = (tmp.path / "extra.qcow2").string();
    BOOST_TEST_REQUIRE(bool(image::create(extra, "qcow2", 4 * kMiB)));
    vh::conf::DiskDef hot = def->devices.disks.front();
    hot.source = extra;
    DiskNodes nodes = diskNodes(hot, 9);
    for (const OrderedJson *node : {&nodes.storage, &nodes.format}) {
        auto added = mon->execute("blockdev-add", Json(*node));
        BOOST_TEST_REQUIRE(bool(added), (added ? "" : added.error().message));
    }
    auto named = mon->execute("query-named-block-nodes");
    BOOST_TEST_REQUIRE(bool(named));
    bool found = false;
    for (const auto &n : *named) {
        if (n.value("node-name", std::string()) == "libvirt-9-format") {
            found = true;
            BOOST_TEST(n["file"].get<std::string>() == extra);
            BOOST_TEST(n["drv"].get<std::string>() == "qcow2");
        }
    }
    BOOST_TEST(found);

    // QEMU exits when asked
    BOOST_TEST(bool(mon->execute("quit")));
    guest.mon.reset();
    BOOST_TEST(guest.proc.waitExit(10s));
}

// Every golden disk and network card case is a command line the real QEMU takes. Its
// files are made (images of the declared format; block devices become /dev/null, a character
// device QEMU's host_device accepts), and a tap device, which only root can make, is left out.
BOOST_AUTO_TEST_CASE(golden_cases_start_in_qemu)
{
    std::vector<fs::path> cases;
    for (const auto &entry : fs::directory_iterator(fs::path(VH_QEMU_DATA) / "argv")) {
        std::string name = entry.path().filename();
        if (entry.path().extension() == ".args" &&
            (name.rfind("disk-", 0) == 0 || name.rfind("nic-", 0) == 0 || name.rfind("s390x-disk-", 0) == 0))
            cases.push_back(entry.path());
    }
    std::sort(cases.begin(), cases.end());
    int started = 0;
    for (const auto &args : cases) {
        BOOST_TEST_CONTEXT(args.stem()) {
            auto def = parse(slurp(fs::path(args).replace_extension(".xml")));
            if (def->os.arch != "x86_64" && !fs::exists(emulatorFor(*def)))
                continue;     // x86_64 is required; other QEMUs are checked where installed
            TempDir tmp;
            for (auto &d : def->devices.disks) {
                if (d.source.empty())
                    continue;
                if (d.type == "block") {
                    d.source = "/dev/null";
                    continue;
                }
                std::string file = (tmp.path / fs::path(d.source).filename()).string();
                auto made = image::create(file, d.driverType.empty() ? "raw" : d.driverType, 16 * kMiB);
                BOOST_TEST_REQUIRE(bool(made), (made ? "" : made.error().message));
                d.source = file;
            }
            std::erase_if(def->devices.interfaces,
                          [](const vh::conf::InterfaceDef &n) { return n.netType == vh::conf::NetType::Ethernet; });
            Guest guest(*def, tmp.path);
            auto blocks = guest.mon->execute("query-block");
            BOOST_TEST_REQUIRE(bool(blocks));
            BOOST_TEST(blocks->size() == def->devices.disks.size());
            ++started;
        }
    }
    BOOST_TEST(started >= 7);
}

BOOST_AUTO_TEST_SUITE_END()
