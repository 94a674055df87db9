// What the -device options of several device families share: QEMU's escaping of option
// values, the machine a domain runs on (which buses it has), where a device sits (PCI slot or
// s390 channel number) and its boot index, and the refusal naming a device.
#pragma once

#include <string>

#include "conf/domain/domain_def.h"
#include "util/result.h"

namespace vh::drv::qemu {

// A value inside a QEMU option list: commas are doubled.
std::string optEscape(const std::string &value);

// The machine type: the domain's, or the arch's default.
std::string machineFor(const conf::DomainDef &def);
bool isQ35(const conf::DomainDef &def);
bool isI440fx(const conf::DomainDef &def);
bool isS390(const conf::DomainDef &def);
// The PCI root bus's name: pci.0 (i440fx), pcie.0 (q35).
std::string pciRootBus(const conf::DomainDef &def);

// VIR_ERR_CONFIG_UNSUPPORTED "<device>: <why>", e.g. "disk 'vdb': bus 'ide' ...".
Error deviceRefused(const std::string &device, const std::string &why);

// ",bus=pci.0,addr=0x3", ",devno=fe.0.0001" or "" (QEMU picks) for a device's <address>;
// only addresses on the root bus are mapped (no PCI bridges yet).
Result<std::string> addressProps(const conf::DomainDef &def, const conf::DeviceInfo &info, const std::string &device);
// ",bootindex=N" for <boot order='N'/>, else "".
std::string bootProps(const conf::DeviceInfo &info);

} // namespace vh::drv::qemu
