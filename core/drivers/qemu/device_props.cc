#include "drivers/qemu/device_props.h"

#include <cstdio>

#include <libvirt/virterror.h>

namespace vh::drv::qemu {

std::string optEscape(const std::string &value)
{
    std::string out;
    for (char c : value)
        out += c == ',' ? std::string(",,") : std::string(1, c);
    return out;
}

std::string machineFor(const conf::DomainDef &def)
{
    if (!def.os.machine.empty())
        return def.os.machine;
    return def.os.arch == "s390x" ? "s390-ccw-virtio" : "pc";
}

bool isQ35(const conf::DomainDef &def)
{
    std::string m = machineFor(def);
    return m == "q35" || m.rfind("pc-q35", 0) == 0;
}

bool isI440fx(const conf::DomainDef &def)
{
    std::string m = machineFor(def);
    return m == "pc" || m.rfind("pc-i440fx", 0) == 0 || m.rfind("pc-0.", 0) == 0 || m.rfind("pc-1.", 0) == 0;
}

bool isS390(const conf::DomainDef &def)
{
    return def.os.arch == "s390x" || def.os.arch == "s390";
}

std::string pciRootBus(const conf::DomainDef &def)
{
    return isQ35(def) ? "pcie.0" : "pci.0";
}

Error deviceRefused(const std::string &device, const std::string &why)
{
    return Error::make(VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED, device + ": " + why);
}

Result<std::string> addressProps(const conf::DomainDef &def, const conf::DeviceInfo &info, const std::string &device)
{
    const conf::DeviceAddress &a = info.address;
    char buf[64];
    switch (a.type) {
    case conf::AddressType::None:
        return std::string();
    case conf::AddressType::Pci:
        if (isS390(def))
            return deviceRefused(device, "PCI addresses are not supported on s390x (use a ccw address)");
        if (a.domain != 0 || a.bus != 0)
            return deviceRefused(device, "only PCI addresses on bus 0 are supported by the QEMU driver yet");
        if (a.function)
            snprintf(buf, sizeof buf, "0x%x.0x%x", a.slot, a.function);
        else
            snprintf(buf, sizeof buf, "0x%x", a.slot);
        return ",bus=" + pciRootBus(def) + ",addr=" + buf + (a.multifunction.value_or(false) ? ",multifunction=on" : "");
    case conf::AddressType::Ccw:
        if (!isS390(def))
            return deviceRefused(device, "ccw addresses exist on s390x only");
        snprintf(buf, sizeof buf, "%x.%x.%04x", a.cssid, a.ssid, a.devno);
        return std::string(",devno=") + buf;
    default:
        return deviceRefused(device, "address type '" + std::string(conf::kAddressType.name(a.type)) + "' is not supported here");
    }
}

std::string bootProps(const conf::DeviceInfo &info)
{
    return info.bootIndex ? ",bootindex=" + std::to_string(info.bootIndex) : std::string();
}

} // namespace vh::drv::qemu
