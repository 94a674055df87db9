// <disk>: a block device of the guest. Every source form (file, block, dir, network with its
// protocols and hosts, volume, nvme, vhostuser), auth, encryption, reservations, slices,
// seclabels, the backing chain and mirror, the driver with all its attributes, target, iotune,
// geometry, blockio and the rest (libvirt's virDomainDiskDef and virStorageSource).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain/device_info.h"

namespace vh::conf {

struct DomainDef;

enum class DiskBus { None, Ide, Fdc, Scsi, Virtio, Xen, Usb, Uml, Sata, Sd, Last };
VH_ENUM_TABLE(kDiskBus, DiskBus, "none", "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd");

enum class DiskSourceType { None, File, Block, Dir, Network, Volume, Nvme, VhostUser, Last };
VH_ENUM_TABLE(kDiskSourceType, DiskSourceType, "none", "file", "block", "dir", "network", "volume", "nvme", "vhostuser");

enum class DiskProtocol { None, Nbd, Rbd, Sheepdog, Gluster, Iscsi, Http, Https, Ftp, Ftps, Tftp, Ssh, Vxhs, Nfs, Last };
VH_ENUM_TABLE(kDiskProtocol, DiskProtocol, "none", "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp",
              "ftps", "tftp", "ssh", "vxhs", "nfs");

// A host of a network source: name and port, or a unix socket.
struct DiskSourceHost {
    std::string name;
    unsigned int port = 0;          // 0: none
    std::string transport;          // "" (tcp), "rdma", "unix"
    std::string socket;
};

// <auth username=><secret type= uuid=|usage=/></auth>
struct DiskAuth {
    std::string username;
    std::string authType;           // <auth type=> (chap, ceph), rarely given for disks
    std::optional<std::string> secretType;
    std::string uuid, usage;
};

struct DiskEncryptionSecret {
    std::string type;               // passphrase
    std::string uuid, usage;
};

// <encryption format= engine=>
struct DiskEncryption {
    std::string format;             // default, qcow, luks, luks2, luks-any
    std::string engine;             // "" (default), qemu, librbd
    std::vector<DiskEncryptionSecret> secrets;
    bool cipher = false, ivgen = false;   // given; refused for domain disks at validation
};

// <reservations managed=><source type='unix' path= mode='client'/></reservations>
struct DiskReservations {
    bool managed = false;
    std::string path;
};

struct DiskCookie {
    std::string name, value;
};

// One layer of storage: the disk's own source, a backing store or a mirror. The disk's own
// type, path and format are DiskDef::type, source and driverType; a layer of a chain keeps
// them here.
struct DiskSource {
    DiskSourceType type = DiskSourceType::None;   // None: <backingStore/>, the end of a chain
    std::string path;
    std::string format;                     // a backing layer's <format type=>
    // network
    DiskProtocol protocol = DiskProtocol::None;
    std::string volume;                     // gluster volume / rbd pool: "volume/path"
    std::optional<std::string> query;
    std::optional<bool> tls;
    std::optional<std::string> tlsHostname, snapshot, configFile, initiatorIqn;
    std::vector<DiskSourceHost> hosts;
    std::optional<bool> sslVerify;
    std::vector<DiskCookie> cookies;
    unsigned long long readahead = 0, timeout = 0;
    std::optional<std::string> nfsUser, nfsGroup;
    // volume
    std::string pool, poolVolume, poolMode;
    // nvme
    unsigned long long nvmeNamespace = 0;
    std::optional<bool> nvmeManaged;
    PciDeviceAddress nvmeAddress;
    // vhostuser
    std::optional<bool> reconnect;
    unsigned int reconnectTimeout = 0;
    // file
    std::optional<std::string> fdgroup;
    // every type
    std::optional<DiskAuth> auth;
    std::optional<DiskEncryption> encryption;
    std::optional<DiskReservations> reservations;
    std::optional<std::pair<unsigned long long, unsigned long long>> slice;   // offset, size
    std::vector<DeviceSeclabel> seclabels;
    unsigned long long metadataCacheMaxSize = 0;                             // bytes
    unsigned int index = 0;                                                   // live only
};

// The backing chain below a source: its layers in order, and whether it ends with the
// explicit <backingStore/>.
struct DiskBackingChain {
    std::vector<DiskSource> layers;
    bool terminated = false;
    bool empty() const { return layers.empty() && !terminated; }
};

// <mirror> of a running block job (live XML only).
struct DiskMirror {
    DiskSource src;
    std::string job = "copy";
    std::string ready;
    DiskBackingChain backing;
};

// <iotune>: the limits in libvirt's order of printing.
struct DiskIotune {
    static constexpr size_t kCount = 19;
    static constexpr size_t kGroupNameAfter = 12;      // <group_name> follows size_iops_sec
    std::array<unsigned long long, kCount> values{};   // in the order of kIotuneFields (disk.cc)
    std::optional<std::string> groupName;
    bool empty() const;
    // The element of values[i], which is also its VIR_DOMAIN_BLOCK_IOTUNE_* parameter name.
    static const char *field(size_t i);
};

struct DiskDef {
    std::string type = "file";      // file, block, dir, network, volume, nvme, vhostuser
    std::string device = "disk";    // disk, cdrom, floppy, lun
    std::string driverName, driverType;
    std::string source;             // the source's path: file=, dev=, dir=, a network name
    std::string targetDev, targetBus;
    bool readonly = false, shareable = false;
    DeviceInfo info;

    std::string model;              // virtio, virtio-transitional, virtio-non-transitional
    std::optional<bool> rawio;
    std::string sgio;               // filtered, unfiltered
    std::string snapshot;           // no, internal, external, manual
    std::string startupPolicy;      // mandatory, requisite, optional
    DiskSource src;                 // the rest of the source (see DiskSource)
    DiskBackingChain backing;
    std::optional<DiskMirror> mirror;
    bool authInDisk = false, encryptionInDisk = false;   // written as children of <disk>
    // <driver>
    std::string cache, errorPolicy, rerrorPolicy, io, discard, detectZeroes;
    std::optional<bool> ioeventfd, eventIdx, copyOnRead;
    unsigned int iothread = 0, queues = 0, queueSize = 0;
    VirtioOptions virtio;
    bool driverNameSet = false;     // name='' is written back as such
    // <target>
    bool trayOpen = false;
    std::optional<bool> removable;
    unsigned int rotationRate = 0;
    // the rest
    unsigned int cyls = 0, heads = 0, secs = 0;
    std::string geometryTrans;      // none, auto, lba
    unsigned int logicalBlockSize = 0, physicalBlockSize = 0;
    DiskIotune iotune;
    bool transient = false, transientShareBacking = false;
    std::optional<std::string> serial, wwn, vendor, product;
    std::optional<std::string> backendDomain;
    // A failure of post-parse (a target name that gives no drive address, or one a SCSI host
    // device holds), reported at validation.
    std::optional<Error> postParseError;

    static Result<DiskDef> parse(const xmlNode *n, const ParseContext &ctx);
    void format(xml::Writer &w, const FormatContext &ctx) const;

    // Orders the disks as libvirt inserts them, then the defaults: bus from the target name,
    // drive addresses for ide/scsi/sata/fdc, read-only CD-ROMs, ...
    static void postParseAll(DomainDef &def);
    // Each disk's checks, then duplicate targets and drive addresses.
    static Result<void> validateAll(const DomainDef &def);

    // libvirt's disk index of a target name ("sdb" -> 1, "hdaa" -> 26), -1 if it is none.
    static int nameToIndex(std::string_view name);
    // The disk a snapshot or checkpoint names, by target and else by source image; the
    // position in disks, or disks.size() when none.
    static size_t findByName(const std::vector<DiskDef> &disks, const std::string &name);
};

} // namespace vh::conf
