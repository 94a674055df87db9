// Disk images through qemu-img: creating raw and qcow2 files (a qcow2 optionally on top of a
// backing image) and reading what an image is (qemu-img info's JSON).
#pragma once

#include <optional>
#include <string>

#include "util/result.h"

namespace vh::drv::qemu::image {

struct Backing {
    std::string path;
    std::string format;     // raw, qcow2, ...; qemu-img requires it to be named
};

struct Info {
    std::string format;                   // raw, qcow2, ...
    unsigned long long virtualSize = 0;   // bytes the guest sees
    unsigned long long actualSize = 0;    // bytes allocated on the host
    std::string backingFile;              // as recorded in the image ("" when none)
    std::string backingFormat;
};

// Creates path as a raw or qcow2 image of capacityBytes; with a backing image (qcow2 only) a
// capacity of 0 takes the backing image's size. Errors name the file and carry qemu-img's words.
Result<void> create(const std::string &path, const std::string &format, unsigned long long capacityBytes,
                    const std::optional<Backing> &backing = std::nullopt);

// What qemu-img finds in path (it may be in use by a running guest).
Result<Info> info(const std::string &path);

// An internal snapshot of a qcow2 image that no guest is using: made, applied or deleted.
enum class SnapshotOp { Create, Apply, Delete };
Result<void> snapshot(const std::string &path, SnapshotOp op, const std::string &tag);

} // namespace vh::drv::qemu::image
