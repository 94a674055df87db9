// A storage volume (<volume type=...>), as a pool of type dir reads it: name and key, sizes
// with units, the target (path, format, permissions, encryption, qcow2 compat level, cluster
// size, nocow, features) and the backing store (path, format, permissions). Timestamps,
// source extents and the physical size are the driver's to report and are never read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/props.h"
#include "conf/storage/pool.h"
#include "util/result.h"

namespace vh::conf {

// virStorageVolType
enum class VolType { File, Block, Dir, Network, Netdir, Ploop, Last };
VH_ENUM_TABLE(kVolType, VolType, "file", "block", "dir", "network", "netdir", "ploop");

// virStorageFileFormat ("none" is never accepted in a volume)
enum class VolFormat { None, Raw, Dir, Bochs, Cloop, Dmg, Iso, Vpc, Vdi, Fat, Vhd, Ploop, Cow, Qcow, Qcow2, Qed, Vmdk, Last };
VH_ENUM_TABLE(kVolFormat, VolFormat, "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
              "ploop", "cow", "qcow", "qcow2", "qed", "vmdk");

enum class VolFeature { LazyRefcounts, ExtendedL2, Last };
VH_ENUM_TABLE(kVolFeature, VolFeature, "lazy_refcounts", "extended_l2");

enum class VolEncryptionFormat { Default, Qcow, Luks, Luks2, Last };
VH_ENUM_TABLE(kVolEncryptionFormat, VolEncryptionFormat, "default", "qcow", "luks", "luks2");
enum class VolEncryptionEngine { Default, Qemu, Librbd, Last };
VH_ENUM_TABLE(kVolEncryptionEngine, VolEncryptionEngine, "default", "qemu", "librbd");

// <encryption format=... [engine=...]>: passphrase secrets, and the LUKS cipher and IV generator.
struct VolEncryption {
    struct Secret {
        bool hasUuid = false;
        unsigned char uuid[16] = {};
        std::string usage;
    };
    VolEncryptionFormat encFormat = VolEncryptionFormat::Default;
    std::optional<VolEncryptionEngine> engine;
    std::vector<Secret> secrets;
    std::optional<std::string> cipherName;
    unsigned int cipherSize = 0;
    std::optional<std::string> cipherMode, cipherHash;
    std::optional<std::string> ivgenName, ivgenHash;

    static Result<VolEncryption> parse(const xmlNode *n);
    void format(xml::Writer &w) const;
};

struct VolBackingStore {
    std::string path;
    VolFormat format = VolFormat::Raw;
    PoolPerms perms;
};

struct StorageVolDef {
    VolType type = VolType::File;
    std::string name;
    std::optional<std::string> key;
    unsigned long long capacity = 0, allocation = 0;    // bytes
    std::optional<std::string> targetPath;
    VolFormat format = VolFormat::Raw;
    PoolPerms perms;
    std::optional<VolEncryption> encryption;
    std::optional<std::string> compat;
    unsigned long long clusterSize = 0;                 // bytes, 0: unset
    bool nocow = false;                                 // read, never printed (as libvirt)
    std::optional<unsigned> features;                   // bits of VolFeature; set when <features> is
    std::optional<VolBackingStore> backingStore;
};

// parse (libvirt checks while reading) -> post-parse (allocation defaults to capacity; a
// features element implies compat 1.1).
Result<std::unique_ptr<StorageVolDef>> parseStorageVol(std::string_view xml, unsigned int flags);
std::string formatStorageVol(const StorageVolDef &def, unsigned int flags);

} // namespace vh::conf
