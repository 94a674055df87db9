// A storage pool (<pool type=...>): where its volumes come from (<source>: hosts, devices,
// directory, SCSI adapter, name, format, authentication, initiator, vendor/product, protocol),
// where they appear on the host (<target>: path and permissions), its features (cow), how its
// volumes' allocation is refreshed, and the XML namespaces of its backend (fs:mount_opts,
// rbd:config_opts). Sizes are printed but never read: the driver fills them in.
//
// Also the pieces <volume> shares with it (permissions, path clean-up, XPath-like reading).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libxml/tree.h>

#include "conf/props.h"
#include "conf/xml.h"
#include "util/result.h"

namespace vh::conf {

// virStoragePoolType
enum class PoolType { Dir, Fs, Netfs, Logical, Disk, Iscsi, IscsiDirect, Scsi, Mpath, Rbd, Sheepdog, Gluster, Zfs, Vstorage, Last };
VH_ENUM_TABLE(kPoolType, PoolType, "dir", "fs", "netfs", "logical", "disk", "iscsi", "iscsi-direct", "scsi", "mpath",
              "rbd", "sheepdog", "gluster", "zfs", "vstorage");

// The format tables of the pool types that have one (<source><format type=.../>).
enum class PoolFsFormat { Auto, Ext2, Ext3, Ext4, Ufs, Iso9660, Udf, Gfs, Gfs2, Vfat, Hfsplus, Xfs, Ocfs2, Vmfs, Last };
VH_ENUM_TABLE(kPoolFsFormat, PoolFsFormat, "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat",
              "hfs+", "xfs", "ocfs2", "vmfs");
enum class PoolNetfsFormat { Auto, Nfs, Glusterfs, Cifs, Last };
VH_ENUM_TABLE(kPoolNetfsFormat, PoolNetfsFormat, "auto", "nfs", "glusterfs", "cifs");
enum class PoolDiskFormat { Unknown, Dos, Dvh, Gpt, Mac, Bsd, Pc98, Sun, Lvm2, Last };
VH_ENUM_TABLE(kPoolDiskFormat, PoolDiskFormat, "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2");
enum class PoolLogicalFormat { Unknown, Lvm2, Last };
VH_ENUM_TABLE(kPoolLogicalFormat, PoolLogicalFormat, "unknown", "lvm2");

enum class PoolAdapterType { Default, ScsiHost, FcHost, Last };
VH_ENUM_TABLE(kPoolAdapterType, PoolAdapterType, "default", "scsi_host", "fc_host");

enum class PoolAuthType { None, Chap, Ceph, Last };
VH_ENUM_TABLE(kPoolAuthType, PoolAuthType, "none", "chap", "ceph");

enum class VolRefreshAllocation { Default, Capacity, Last };
VH_ENUM_TABLE(kVolRefreshAllocation, VolRefreshAllocation, "default", "capacity");

// <permissions>: octal mode, owner, group and security label; -1 (all bits set) is "unset".
struct PoolPerms {
    int mode = -1;
    unsigned int uid = 0xffffffffu, gid = 0xffffffffu;
    std::optional<std::string> label;

    bool empty() const { return mode == -1 && uid == 0xffffffffu && gid == 0xffffffffu && !label; }
    // Reads the <permissions> element n (nullptr: none); errors are reported in errDomain.
    static Result<PoolPerms> parse(const xmlNode *n, int errDomain);
    void format(xml::Writer &w) const;
};

// <auth type='chap|ceph' username=...><secret [type=...] uuid=...|usage=.../></auth>
struct PoolAuth {
    PoolAuthType type = PoolAuthType::None;
    std::string username;
    std::optional<std::string> secretType;
    bool hasUuid = false;
    unsigned char uuid[16] = {};
    std::string usage;

    static Result<PoolAuth> parse(const xmlNode *n);
    void format(xml::Writer &w) const;
};

// <adapter>: a SCSI host by name or by its parent PCI address, or a vHBA on an FC host.
struct PoolAdapter {
    PoolAdapterType type = PoolAdapterType::Default;
    // scsi_host
    std::optional<std::string> name;
    bool hasParentAddr = false;
    unsigned int uniqueId = 0;
    unsigned int pciDomain = 0, pciBus = 0, pciSlot = 0, pciFunction = 0;
    // fc_host
    std::optional<std::string> parent, parentWwnn, parentWwpn, parentFabricWwn, wwnn, wwpn;
    std::optional<bool> managed;

    static Result<PoolAdapter> parse(const xmlNode *n);
    // The checks libvirt makes once the pool is read.
    Result<void> validate() const;
    void format(xml::Writer &w) const;
};

struct PoolSourceHost {
    std::string name;
    int port = 0;
};

struct PoolSourceDevice {
    std::string path;
    std::optional<bool> partSeparator;
};

struct PoolSource {
    std::vector<PoolSourceHost> hosts;
    std::vector<PoolSourceDevice> devices;
    std::optional<std::string> dir;
    PoolAdapter adapter;
    std::optional<std::string> name;
    std::optional<std::string> initiatorIqn;
    int format = 0;                        // index in the format table of the pool type
    std::optional<PoolAuth> auth;
    std::optional<std::string> protocolVer;
    std::optional<std::string> vendor, product;
};

struct StoragePoolDef {
    PoolType type = PoolType::Dir;
    std::string name;
    unsigned char uuid[16] = {};
    unsigned long long capacity = 0, allocation = 0, available = 0;   // bytes, set by drivers
    std::optional<bool> cow;                 // <features><cow state=.../></features>
    PoolSource source;
    std::optional<std::string> targetPath;   // sanitized
    PoolPerms targetPerms;
    std::optional<VolRefreshAllocation> refreshAllocation;
    // namespaces: fs:mount_opts (fs, netfs) and rbd:config_opts (rbd)
    std::vector<std::string> mountOpts;
    std::vector<std::pair<std::string, std::string>> rbdConfigOpts;
};

// parse (libvirt makes its checks while reading; there is no separate validation) ->
// post-parse (a missing UUID is generated; source name, target path and format defaults).
Result<std::unique_ptr<StoragePoolDef>> parseStoragePool(std::string_view xml, unsigned int flags);
std::string formatStoragePool(const StoragePoolDef &def, unsigned int flags);

// The name of a pool's source format, or nullptr for types without formats.
const char *storagePoolFormatName(PoolType type, int format);

namespace storage {
using xml::childString;
using xml::deepText;
using xml::nonEmpty;
// string(./elem/@attr): the value of attr on the first child elem that has it, if not empty.
std::optional<std::string> childAttr(const xmlNode *parent, const char *elem, const char *attr);
// libvirt's path clean-up: repeated and trailing slashes go (a leading "//" stays), URIs stay.
std::string sanitizePath(const std::string &path);
} // namespace storage

} // namespace vh::conf
