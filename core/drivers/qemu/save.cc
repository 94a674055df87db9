// Save images and managed save: a guest's definition and its state (QEMU's migration stream)
// in one file, in libvirt's layout so that either can read the other's images:
//   a 92-byte header (magic, version 2, XML length, whether the guest ran, ...),
//   the domain XML, NUL-padded so that the stream starts on a 4 KiB boundary,
//   the migration stream.
// The magic says "LibvirtQemudPart" until the stream is complete.
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/check_flags.h"
#include "drivers/qemu/migration.h"
#include "drivers/qemu/qemu_driver.h"
#include "util/files.h"

namespace vh::drv::qemu {

#define CHECK_FLAGS(flags, allowed) VH_CHECK_FLAGS(VIR_FROM_QEMU, "qemu", flags, allowed)

namespace {

constexpr char kMagic[] = "LibvirtQemudSave";
constexpr char kPartialMagic[] = "LibvirtQemudPart";
constexpr uint32_t kVersion = 2;

struct SaveHeader {
    char magic[16];
    uint32_t version;
    uint32_t dataLen;        // the XML with its padding
    uint32_t wasRunning;
    uint32_t compressed;     // 0: the raw stream (the only form written here)
    uint32_t cookieOffset;   // 0: no cookie
    uint32_t unused[14];
};
static_assert(sizeof(SaveHeader) == 92);

constexpr unsigned int kSaveFlags = VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED;

struct Fd {
    int fd = -1;
    Fd() = default;
    Fd(Fd &&o) noexcept : fd(std::exchange(o.fd, -1)) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
};

// An image opened for reading, positioned at its migration stream.
struct Image {
    Fd file;
    SaveHeader header{};
    std::string xml;
};

Error imageError(const std::string &path, const std::string &what)
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_FAILED, "save image '" + path + "': " + what);
}

Result<Image> openImage(const std::string &path)
{
    Image img;
    img.file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (img.file.fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "Failed to open domain image file '" + path + "'");
    if (read(img.file.fd, &img.header, sizeof img.header) != static_cast<ssize_t>(sizeof img.header))
        return imageError(path, "failed to read its header");
    if (memcmp(img.header.magic, kMagic, 16) != 0)
        return imageError(path, memcmp(img.header.magic, kPartialMagic, 16) == 0 ? "save image is incomplete"
                                                                               : "image magic is incorrect");
    if (img.header.version != kVersion)
        return imageError(path, "image version is not supported (" + std::to_string(img.header.version) + ")");
    if (img.header.compressed != 0)
        return imageError(path, "compressed images are not supported");
    if (img.header.dataLen == 0 || img.header.dataLen > 100 * 1024 * 1024)
        return imageError(path, "its XML length is invalid");
    std::string data(img.header.dataLen, '\0');
    if (read(img.file.fd, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
        return imageError(path, "failed to read its domain XML");
    img.xml = data.substr(0, data.find('\0'));
    return img;
}

// The header and XML of a new image, the magic still partial; fd is left at the stream.
Result<void> writeHead(int fd, const std::string &path, const std::string &xml, bool wasRunning)
{
    SaveHeader h{};
    memcpy(h.magic, kPartialMagic, 16);
    h.version = kVersion;
    size_t used = sizeof h + xml.size() + 1;
    h.dataLen = static_cast<uint32_t>(xml.size() + 1 + (4096 - used % 4096) % 4096);
    h.wasRunning = wasRunning;
    std::string head(reinterpret_cast<const char *>(&h), sizeof h);
    head += xml;
    head.resize(sizeof h + h.dataLen, '\0');
    if (write(fd, head.data(), head.size()) != static_cast<ssize_t>(head.size()))
        return Error::system(VIR_FROM_QEMU, errno, "failed to write save image '" + path + "'");
    return {};
}

Result<std::unique_ptr<conf::DomainDef>> imageDef(const Image &img, const char *dxml, const conf::DomainXMLOptions &xmlopt)
{
    auto def = conf::parseDomain(dxml ? dxml : img.xml, xmlopt, conf::PARSE_INACTIVE);
    if (!def || !dxml)
        return def;
    auto saved = conf::parseDomain(img.xml, xmlopt, conf::PARSE_INACTIVE | conf::PARSE_SKIP_VALIDATE);
    if (saved && ((*saved)->name != (*def)->name || memcmp((*saved)->uuid, (*def)->uuid, VIR_UUID_BUFLEN) != 0))
        return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG,
                           "the replacement XML must keep the saved domain's name and UUID");
    return def;
}

bool startPaused(unsigned int flags, bool wasRunning)
{
    return flags & VIR_DOMAIN_SAVE_PAUSED ? true : flags & VIR_DOMAIN_SAVE_RUNNING ? false : !wasRunning;
}

} // namespace

// Pauses the guest, writes its image and stops its QEMU; on failure the guest runs on as it
// was and no image is left.
Result<void> QemuDriver::saveTo(DomainObj *obj, const std::string &path, const char *dxml, unsigned int flags)
{
    DomainObj &o = *obj;
    std::string xml = conf::formatDomain(*o.def, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE);
    if (dxml) {
        auto alt = conf::parseDomain(dxml, st_->xmlopt, conf::PARSE_INACTIVE);
        if (!alt)
            return std::move(alt).error();
        if ((*alt)->name != o.def->name || memcmp((*alt)->uuid, o.def->uuid, VIR_UUID_BUFLEN) != 0)
            return Error::make(VIR_FROM_QEMU, VIR_ERR_INVALID_ARG, "the replacement XML must keep the domain's name and UUID");
        xml = conf::formatDomain(**alt, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE);
    }
    bool running = o.state == VIR_DOMAIN_RUNNING;
    bool wasRunning = flags & VIR_DOMAIN_SAVE_RUNNING ? true : flags & VIR_DOMAIN_SAVE_PAUSED ? false : running;
    Fd file;
    file.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (file.fd < 0)
        return Error::system(VIR_FROM_QEMU, errno, "failed to create '" + path + "'");
    if (running) {
        auto r = st_->control(o, "stop");
        if (!r) {
            unlink(path.c_str());
            return std::move(r).error();
        }
        VH_TRY(st_->setRunState(o, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SAVE, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED));
    }
    auto saved = writeHead(file.fd, path, xml, wasRunning);
    if (saved)
        saved = sendState(*o.monitor, file.fd);
    if (saved && (pwrite(file.fd, kMagic, 16, 0) != 16 || fsync(file.fd) < 0))
        saved = Error::system(VIR_FROM_QEMU, errno, "failed to write save image '" + path + "'");
    file.reset();
    if (!saved) {
        unlink(path.c_str());
        if (running && st_->control(o, "cont"))
            (void)st_->setRunState(o, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_SAVE_CANCELED, VIR_DOMAIN_EVENT_RESUMED,
                                   VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        return saved;
    }
    return st_->stop(obj, VIR_DOMAIN_SHUTOFF_SAVED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
}

Result<void> QemuDriver::domainSaveFlags(virDomainPtr domain, const char *to, const char *dxml, unsigned int flags)
{
    CHECK_FLAGS(flags, kSaveFlags);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(domain, g);
    if (!obj)
        return std::move(obj).error();
    VH_TRY(saveTo(*obj, to, dxml, flags));
    domain->id = -1;
    return {};
}

Result<void> QemuDriver::domainRestoreFlags(virConnectPtr, const char *from, const char *dxml, unsigned int flags)
{
    CHECK_FLAGS(flags, kSaveFlags);
    auto img = openImage(from);
    if (!img)
        return std::move(img).error();
    auto def = imageDef(*img, dxml, st_->xmlopt);
    if (!def)
        return std::move(def).error();
    std::lock_guard<std::mutex> g(st_->lock);
    auto obj = launch(std::move(*def), startPaused(flags, img->header.wasRunning), VIR_DOMAIN_RUNNING_RESTORED, img->file.fd);
    return obj ? Result<void>() : Result<void>(std::move(obj).error());
}

Result<std::string> QemuDriver::domainSaveImageGetXMLDesc(virConnectPtr, const char *file, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE);
    auto img = openImage(file);
    if (!img)
        return std::move(img).error();
    auto def = conf::parseDomain(img->xml, st_->xmlopt, conf::PARSE_INACTIVE | conf::PARSE_SKIP_VALIDATE);
    if (!def)
        return std::move(def).error();
    return conf::formatDomain(**def, flags & VIR_DOMAIN_SAVE_IMAGE_XML_SECURE ? VIR_DOMAIN_XML_SECURE : 0);
}

Result<void> QemuDriver::domainManagedSave(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, kSaveFlags);
    std::unique_lock<std::mutex> g;
    auto obj = findActive(dom, g);
    if (!obj)
        return std::move(obj).error();
    if (!(*obj)->persistent)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "cannot do managed save for transient domain");
    VH_TRY(saveTo(*obj, st_->managedSaveFile((*obj)->def->name), nullptr, flags));
    dom->id = -1;
    return {};
}

Result<int> QemuDriver::domainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    return access(st_->managedSaveFile((*obj)->def->name).c_str(), F_OK) == 0 ? 1 : 0;
}

Result<void> QemuDriver::domainManagedSaveRemove(virDomainPtr dom, unsigned int flags)
{
    CHECK_FLAGS(flags, 0u);
    std::unique_lock<std::mutex> g;
    auto obj = find(dom, g);
    if (!obj)
        return std::move(obj).error();
    std::string path = st_->managedSaveFile((*obj)->def->name);
    if (unlink(path.c_str()) < 0 && errno != ENOENT)
        return Error::system(VIR_FROM_QEMU, errno, "Failed to remove managed save file '" + path + "'");
    if (!(*obj)->active())
        (*obj)->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    return {};
}

Result<std::string> QemuDriver::domainManagedSaveGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    CHECK_FLAGS(flags, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE);
    std::string path;
    {
        std::unique_lock<std::mutex> g;
        auto obj = find(domain, g);
        if (!obj)
            return std::move(obj).error();
        path = st_->managedSaveFile((*obj)->def->name);
    }
    if (access(path.c_str(), F_OK) != 0)
        return Error::make(VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID, "domain does not have managed save image");
    return domainSaveImageGetXMLDesc(domain->connect(), path.c_str(), flags);
}

// create() of a domain with a managed save image: the guest continues from it, and the
// image is gone once it runs.
Result<void> QemuDriver::resumeManagedSave(DomainObj &o, unsigned int flags)
{
    std::string path = st_->managedSaveFile(o.def->name);
    auto img = openImage(path);
    if (!img)
        return std::move(img).error();
    auto def = conf::parseDomain(img->xml, st_->xmlopt, conf::PARSE_INACTIVE);
    if (!def)
        return std::move(def).error();
    o.newDef = std::move(o.def);      // the config returns when the guest stops
    o.def = std::move(*def);
    bool paused = flags & VIR_DOMAIN_START_PAUSED ? true : !img->header.wasRunning;
    auto started = st_->start(o, paused, VIR_DOMAIN_RUNNING_RESTORED, img->file.fd);
    if (!started) {
        o.def = std::move(o.newDef);
        return started;
    }
    unlink(path.c_str());
    return {};
}

} // namespace vh::drv::qemu
