#include "drivers/qemu/image.h"

#include <nlohmann/json.hpp>

#include <libvirt/virterror.h>

#include "drivers/qemu/spawn.h"

namespace vh::drv::qemu::image {

namespace {

// qemu-img's complaint, without the trailing newline; or why it did not run.
std::string complaint(const ProgramOutput &r)
{
    std::string why = r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r'))
        why.pop_back();
    if (why.empty())
        why = r.ran ? "qemu-img failed with exit status " + std::to_string(r.exitStatus) : "qemu-img did not run";
    return why;
}

} // namespace

Result<void> create(const std::string &path, const std::string &format, unsigned long long capacityBytes,
                    const std::optional<Backing> &backing)
{
    if (format != "raw" && format != "qcow2")
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED,
                           "cannot create image '" + path + "': format '" + format + "' is not raw or qcow2");
    if (backing && format != "qcow2")
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED,
                           "cannot create image '" + path + "': only qcow2 images have a backing image");
    if (!backing && capacityBytes == 0)
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_INVALID_ARG, "cannot create image '" + path + "': no capacity");
    std::vector<std::string> argv = {"qemu-img", "create", "-q", "-f", format};
    if (backing) {
        if (backing->format.empty())
            return Error::make(VIR_FROM_STORAGE, VIR_ERR_INVALID_ARG,
                               "cannot create image '" + path + "': the format of backing image '" + backing->path +
                                   "' is not given");
        argv.insert(argv.end(), {"-b", backing->path, "-F", backing->format});
    }
    argv.push_back(path);
    if (capacityBytes)
        argv.push_back(std::to_string(capacityBytes));
    ProgramOutput r = runProgram(argv);
    if (!r.ok())
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_OPERATION_FAILED, "cannot create image '" + path + "': " + complaint(r));
    return {};
}

Result<Info> info(const std::string &path)
{
    // -U: a running guest holds a lock on its images; reading their header needs none
    ProgramOutput r = runProgram({"qemu-img", "info", "-U", "--output=json", path});
    if (!r.ok())
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_OPERATION_FAILED, "cannot read image '" + path + "': " + complaint(r));
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    if (!doc.is_object() || !doc.contains("format") || !doc.contains("virtual-size"))
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_INTERNAL_ERROR,
                           "cannot read image '" + path + "': unexpected output of qemu-img info");
    Info out;
    out.format = doc.value("format", std::string());
    out.virtualSize = doc.value("virtual-size", 0ULL);
    out.actualSize = doc.value("actual-size", 0ULL);
    out.backingFile = doc.value("backing-filename", std::string());
    out.backingFormat = doc.value("backing-filename-format", std::string());
    return out;
}

Result<void> snapshot(const std::string &path, SnapshotOp op, const std::string &tag)
{
    static const char *const kOps[] = {"-c", "-a", "-d"};
    static const char *const kWhat[] = {"create", "apply", "delete"};
    ProgramOutput r = runProgram({"qemu-img", "snapshot", kOps[static_cast<int>(op)], tag, path});
    if (!r.ok())
        return Error::format(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "cannot %s internal snapshot '%s' of '%s': %s",
                             kWhat[static_cast<int>(op)], tag.c_str(), path.c_str(), complaint(r).c_str());
    return {};
}

} // namespace vh::drv::qemu::image
