// How the guest boots: <bootloader>, <bootloader_args> and <os> (type, arch, machine, firmware
// auto-selection and its features, loader and NVRAM, kernel/initrd/cmdline/dtb/root, ACPI
// tables, boot devices, boot menu, BIOS settings, SMBIOS mode, and the init settings of
// containers).
//
// libvirt reads <os> in three steps at different points of the document (the type with the
// domain's capabilities, the boot options after <clock>, the SMBIOS mode after <sysinfo>):
// parseCaps, parseBoot and parseSmbios; parse() runs all three.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conf/domain/context.h"
#include "conf/props.h"
#include "conf/xml.h"

namespace vh::conf {

struct DomainDef;

enum class OsFirmware { None, Bios, Efi, Last };
VH_ENUM_TABLE(kOsFirmware, OsFirmware, "none", "bios", "efi");

enum class FirmwareFeature { EnrolledKeys, SecureBoot, Last };
VH_ENUM_TABLE(kFirmwareFeature, FirmwareFeature, "enrolled-keys", "secure-boot");

enum class LoaderType { None, Rom, Pflash, Last };
VH_ENUM_TABLE(kLoaderType, LoaderType, "none", "rom", "pflash");

enum class SmbiosMode { None, Emulate, Host, Sysinfo, Last };
VH_ENUM_TABLE(kSmbiosMode, SmbiosMode, "none", "emulate", "host", "sysinfo");

// virStorageType, as <nvram type=...> names it.
enum class NvramStorage { None, File, Block, Dir, Network, Volume, Nvme, Vhostuser, Last };
VH_ENUM_TABLE(kNvramStorage, NvramStorage, "none", "file", "block", "dir", "network", "volume", "nvme",
              "vhostuser");

// <nvram>: either the old form (a path as text) or the new one (type= and a <source>).
struct NvramDef {
    std::string templatePath;          // template=
    bool hasTemplate = false;
    NvramStorage type = NvramStorage::None;   // None: no image (only a template, or nothing)
    bool newStyle = false;             // written with type=
    std::string path;                  // file/block/dir: the image
    std::string pool, volume;          // volume
    std::string rawSource;             // network, nvme, vhostuser: <source> as written (reformatted)
};

// <loader> and <nvram> (libvirt's virDomainLoaderDef holds both).
struct LoaderDef {
    std::optional<std::string> path;   // the text; absent when empty
    std::optional<bool> readonly, secure, stateless;
    LoaderType type = LoaderType::None;
    NvramDef nvram;
};

struct OsDef {
    std::string type;                  // hvm, xen, linux, exe, uml, xenpvh
    bool xenLinux = false;             // a Xen domain's PV type, printed as libvirt always did: 'linux'
    std::string arch;
    std::string machine;
    std::string bootloader, bootloaderArgs;

    OsFirmware firmware = OsFirmware::None;
    // <firmware><feature name= enabled=/></firmware>; absent when the element had no feature
    std::optional<std::array<std::optional<bool>, static_cast<size_t>(FirmwareFeature::Last)>> firmwareFeatures;
    std::optional<LoaderDef> loader;

    std::vector<std::string> boot;     // boot devices in order: hd, cdrom, fd, network
    std::optional<bool> bootmenu;
    std::optional<unsigned int> bootmenuTimeout;   // only read when the menu is enabled
    std::optional<bool> biosUseserial;
    std::optional<int> biosRebootTimeout;
    SmbiosMode smbios = SmbiosMode::None;

    std::string kernel, initrd, cmdline, dtb, root;
    std::optional<std::string> acpiSlic;   // <acpi><table type='slic'>

    // containers (type exe)
    std::string init;
    std::vector<std::string> initargs;
    std::vector<std::pair<std::string, std::string>> initenv;
    std::string initdir, inituser, initgroup;

    // All three steps.
    static Result<OsDef> parse(const TopLevel &top, const ParseContext &ctx);
    // The type, arch and machine (with the domain's capabilities), <bootloader>.
    Result<void> parseCaps(const TopLevel &top, const ParseContext &ctx);
    // Everything else libvirt reads for the OS type, after <clock>.
    Result<void> parseBoot(const TopLevel &top, const ParseContext &ctx);
    // <smbios mode=...>, after <sysinfo>.
    Result<void> parseSmbios(const TopLevel &top, const ParseContext &ctx);

    // Defaults: the loader type of a loader given by path is 'rom'.
    static void postParseAll(DomainDef &def);
    // What libvirt's post-parse refuses (an exe domain without init binary, firmware features
    // that contradict each other); run first among the checks.
    static Result<void> checkPostParse(const DomainDef &def);
    // Loader and NVRAM against firmware auto-selection, then the boot menu and BIOS ranges.
    static Result<void> validateAll(const DomainDef &def);

    // <bootloader>, <bootloader_args> and <os>.
    void format(xml::Writer &w, const FormatContext &ctx) const;
};

} // namespace vh::conf
