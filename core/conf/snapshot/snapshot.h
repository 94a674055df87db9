// A domain snapshot (<domainsnapshot>): its name, description, state, parent and creation time,
// where the memory and each disk were saved, and the domain definition it was taken from.
//
// The pipeline follows libvirt's: parse (the domain inside is read as a stored config, so
// without validation), then, for a redefinition, the memory default and the alignment of the
// disk list with the domain's disks (prepareRedefinedSnapshot), then format. The default parse
// is a redefinition (libvirt's VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE): the whole document is
// read, as a stored snapshot is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "util/result.h"

namespace vh::conf {

struct DomainDef;

// virDomainSnapshotLocation
enum class SnapshotLocation { Default, No, Internal, External, Manual, Last };
VH_ENUM_TABLE(kSnapshotLocations, SnapshotLocation, "default", "no", "internal", "external", "manual");

// virDomainSnapshotState: the domain states plus disk-snapshot
enum class SnapshotState { NoState, Running, Blocked, Paused, Shutdown, Shutoff, Crashed, PmSuspended, DiskSnapshot, Last };
VH_ENUM_TABLE(kSnapshotStates, SnapshotState, "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
              "pmsuspended", "disk-snapshot");

// The new image of a disk.
struct SnapshotStorageSource {
    std::string type = "file";            // file, block, network, nvme, vhostuser
    std::string format;                   // <driver type=...>
    std::optional<unsigned long long> metadataCacheBytes;
    std::string path;                     // file=, dev=, or a network source's name=
    std::string protocol;                 // network: nbd, rbd, gluster, ...
    std::optional<bool> tls;
    std::string query;
    struct Host {
        std::string name, transport = "tcp", socket;
        unsigned int port = 0;            // 0: not printed
    };
    std::vector<Host> hosts;
    std::vector<std::string> extra;       // other <source> children (seclabel, ...), as written
};

struct SnapshotDiskDef {
    std::string name;                     // target (vda) or image path, as written
    SnapshotLocation snapshot = SnapshotLocation::Default;
    SnapshotStorageSource src;
};

struct SnapshotDef {
    std::string name;
    std::string description;
    SnapshotState state = SnapshotState::NoState;    // NoState: not given (a new snapshot)
    std::string parent;
    long long creationTime = 0;                      // 0: not printed
    SnapshotLocation memory = SnapshotLocation::Default;
    std::string memoryFile;
    std::vector<SnapshotDiskDef> disks;
    std::shared_ptr<DomainDef> domain;               // the definition at the time of the snapshot
    std::shared_ptr<DomainDef> inactiveDomain;       // the persistent one, of a running domain
    bool current = false;                            // <active>, in the driver's own files
};

// How a snapshot is read (libvirt's VIR_DOMAIN_SNAPSHOT_PARSE_*, turned around: 0 reads a
// stored or redefined snapshot).
enum SnapshotParseFlags : unsigned {
    SNAPSHOT_PARSE_NEW = 1u << 0,       // snapshotCreateXML without REDEFINE: name, description,
                                        // memory and disks only; the driver fills the rest
    SNAPSHOT_PARSE_OFFLINE = 1u << 1,   // with NEW: the domain is not running
    SNAPSHOT_PARSE_INTERNAL = 1u << 2,  // the driver's own files: <active> is read
    SNAPSHOT_PARSE_NO_ALIGN = 1u << 3,  // a redefinition left as written (no defaults, no alignment)
};

enum SnapshotFormatFlags : unsigned {
    SNAPSHOT_FORMAT_SECURE = 1u << 0,    // VIR_DOMAIN_SNAPSHOT_XML_SECURE: secrets of the domain
    SNAPSHOT_FORMAT_INTERNAL = 1u << 8,  // the driver's own files: <active>
};

// Reads a snapshot; its <domain> and <inactiveDomain> are read with `opts` (the driver's).
Result<std::unique_ptr<SnapshotDef>> parseSnapshot(std::string_view xml, const DomainXMLOptions &opts, unsigned int flags);
// The same with the generic domain options.
Result<std::unique_ptr<SnapshotDef>> parseSnapshot(std::string_view xml, unsigned int flags);

// What a redefinition fills in and checks (after the driver's checks of uuid and parent): the
// memory location from the state, then the disks aligned (external when the memory or a disk
// is external or the snapshot is disk-only, else uniformly internal).
Result<void> prepareRedefinedSnapshot(SnapshotDef &def);

// libvirt's disk alignment: one entry per domain disk, in the domain's order, each with its
// location (`location` for those not given, "no" for empty and read-only drives; with
// `uniformInternal`, every other disk given must use `location`); names of new external
// images generated from the domain's image names ("<image without suffix>.<snapshot>").
Result<void> alignSnapshotDisks(SnapshotDef &def, SnapshotLocation location, bool uniformInternal);

bool snapshotIsExternal(const SnapshotDef &def);

std::string formatSnapshot(const SnapshotDef &def, unsigned int flags);

} // namespace vh::conf
