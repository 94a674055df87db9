#include "conf/domain/hostdev.h"

#include "conf/domain/domain_def.h"

#include <arpa/inet.h>

#include <libvirt/virterror.h>

#include "util/uuid.h"

#define TRY_SET(lhs, expr)                           \
    do {                                             \
        auto try_set_ = (expr);                      \
        if (!try_set_)                               \
            return std::move(try_set_).error();      \
        lhs = std::move(*try_set_);                  \
    } while (0)

namespace vh::conf {

namespace {

// ---- value sets ----------------------------------------------------------------------------

enum class HostdevMode { Subsystem, Capabilities, Last };
VH_ENUM_TABLE(kHostdevMode, HostdevMode, "subsystem", "capabilities");
enum class HostdevSubsys { Usb, Pci, Scsi, ScsiHost, Mdev, Last };
VH_ENUM_TABLE(kHostdevSubsys, HostdevSubsys, "usb", "pci", "scsi", "scsi_host", "mdev");
enum class HostdevCaps { Storage, Misc, Net, Last };
VH_ENUM_TABLE(kHostdevCaps, HostdevCaps, "storage", "misc", "net");
enum class HostdevSgio { Default, Filtered, Unfiltered, Last };
VH_ENUM_TABLE(kHostdevSgio, HostdevSgio, "default", "filtered", "unfiltered");
enum class HostdevMdevModel { VfioPci, VfioCcw, VfioAp, Last };
VH_ENUM_TABLE(kHostdevMdevModel, HostdevMdevModel, "vfio-pci", "vfio-ccw", "vfio-ap");
enum class HostdevVhostModel { Default, Virtio, VirtioTransitional, VirtioNonTransitional, Last };
VH_ENUM_TABLE(kHostdevVhostModel, HostdevVhostModel, "default", "virtio", "virtio-transitional", "virtio-non-transitional");
enum class HostdevBackend { Default, Kvm, Vfio, Xen, Last };
VH_ENUM_TABLE(kHostdevBackend, HostdevBackend, "default", "kvm", "vfio", "xen");
enum class HostdevGuestReset { Default, Off, Uninitialized, On, Last };
VH_ENUM_TABLE(kHostdevGuestReset, HostdevGuestReset, "default", "off", "uninitialized", "on");
enum class HostdevStartupPolicy { Default, Mandatory, Requisite, Optional, Last };
VH_ENUM_TABLE(kHostdevStartupPolicy, HostdevStartupPolicy, "default", "mandatory", "requisite", "optional");
enum class HostdevTeaming { None, Persistent, Transient, Last };
VH_ENUM_TABLE(kHostdevTeaming, HostdevTeaming, "none", "persistent", "transient");

bool validWWN(std::string_view v)
{
    if (v.rfind("0x", 0) == 0)
        v.remove_prefix(2);
    if (v.size() != 16)
        return false;
    for (char c : v)
        if (!isxdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

// ---- parse ---------------------------------------------------------------------------------

Result<void> parseUsbSource(const xmlNode *src, HostdevDef &d)
{
    std::string reset;
    {
        auto v = Props(src).enumeration("guestReset", kHostdevGuestReset, PROP_NONE_INVALID);
        if (!v)
            return std::move(v).error();
        if (*v)
            d.guestReset = std::string(kHostdevGuestReset.name(**v));
    }
    const xmlNode *vendor = xml::child(src, "vendor");
    const xmlNode *product = xml::child(src, "product");
    if (vendor) {
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(vendor, "id", 0, PROP_REQUIRED | PROP_NONZERO));
        d.vendor = *v;
        if (!product)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing product");
        TRY_SET(v, propUInt(product, "id", 0, PROP_REQUIRED));
        d.product = *v;
    }
    if (const xmlNode *addr = xml::child(src, "address")) {
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(addr, "bus", 0, PROP_REQUIRED));
        d.usbBus = *v;
        TRY_SET(v, propUInt(addr, "device", 0, PROP_REQUIRED));
        d.usbDevice = *v;
    }
    if (product && !vendor)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "missing vendor");
    return {};
}

Result<HostdevDef::Host> parseIscsiHost(const xmlNode *h)
{
    HostdevDef::Host host;
    auto transport = xml::attr(h, "transport");
    std::string t = transport.value_or("tcp");
    if (t != "tcp" && t != "unix" && t != "rdma")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown protocol transport type '%s'", t.c_str());
    auto socket = xml::attr(h, "socket");
    if (t == "unix") {
        if (!socket)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing socket for unix transport");
        host.transport = t;
        host.socket = *socket;
        return host;
    }
    if (socket)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "transport '%s' does not support socket attribute",
                             transport ? transport->c_str() : "(null)");
    auto name = xml::attr(h, "name");
    if (!name)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing name for host");
    host.name = *name;
    if (t == "rdma")
        host.transport = t;
    if (auto port = xml::attr(h, "port")) {
        auto v = parseULL(*port, 10);
        if (!v)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "failed to parse port number '%s'", port->c_str());
        if (*v > 65535)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "port '%s' out of range", port->c_str());
        host.port = static_cast<unsigned int>(*v);
    }
    return host;
}

Result<void> parseIscsiAuth(const xmlNode *n, HostdevDef &d)
{
    HostdevDef::Auth a;
    auto user = xml::attr(n, "username");
    if (!user || user->empty())
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "missing username for auth");
    a.username = *user;
    if (auto type = xml::attr(n, "type"); type && !type->empty()) {
        if (*type != "none" && *type != "chap" && *type != "ceph")
            return Error::format(VIR_FROM_STORAGE, VIR_ERR_CONFIG_UNSUPPORTED, "unknown auth type '%s'", type->c_str());
        if (*type != "none")
            a.authType = *type;
    }
    const xmlNode *secret = xml::child(n, "secret");
    if (!secret)
        return Error::make(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, "Missing <secret> element in auth");
    a.secretType = xml::attr(secret, "type").value_or("");
    auto u = xml::attr(secret, "uuid");
    auto g = xml::attr(secret, "usage");
    if ((u && g) || (!u && !g))
        return Error::make(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "either secret uuid or usage expected");
    if (u) {
        unsigned char raw[16];
        if (!uuidParse(u->c_str(), raw))
            return Error::format(VIR_FROM_NONE, VIR_ERR_XML_ERROR, "invalid secret uuid '%s'", u->c_str());
        a.uuid = uuidFormat(raw);
    } else {
        a.usage = *g;
    }
    static const char *const usages[] = {"none", "volume", "ceph", "iscsi", "tls", "vtpm"};
    bool known = false;
    for (const char *s : usages)
        known |= a.secretType == s;
    if (!known)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "invalid secret type %s",
                             a.secretType.empty() ? "(null)" : a.secretType.c_str());
    if (a.secretType != "iscsi")
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "hostdev invalid secret type '%s'", a.secretType.c_str());
    d.iscsiAuth = std::move(a);
    return {};
}

Result<void> parseScsiSource(const xmlNode *src, HostdevDef &d)
{
    if (auto protocol = xml::attr(src, "protocol")) {
        if (*protocol == "iscsi")
            d.iscsi = true;
        else if (*protocol != "adapter")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown SCSI subsystem protocol '%s'",
                                 protocol->c_str());
    }
    if (!d.iscsi) {
        const xmlNode *addr = xml::child(src, "address");
        const xmlNode *adapter = xml::child(src, "adapter");
        if (!addr)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'address' must be specified for scsi hostdev source");
        std::optional<unsigned int> v;
        TRY_SET(v, propUInt(addr, "bus", 0, PROP_REQUIRED));
        d.scsiBus = *v;
        TRY_SET(v, propUInt(addr, "target", 0, PROP_REQUIRED));
        d.scsiTarget = *v;
        std::optional<unsigned long long> unit;
        TRY_SET(unit, propULL(addr, "unit", 0, PROP_REQUIRED));
        d.scsiUnit = *unit;
        auto name = adapter ? xml::attr(adapter, "name") : std::nullopt;
        if (!name)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'adapter' name must be specified for scsi hostdev source");
        d.adapter = *name;
        return {};
    }
    auto name = xml::attr(src, "name");
    if (!name)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing iSCSI hostdev source path name");
    d.iscsiName = *name;
    for (const xmlNode *c : xml::Children(src)) {
        if (xml::is(c, "host")) {
            HostdevDef::Host h;
            TRY_SET(h, parseIscsiHost(c));
            d.iscsiHosts.push_back(std::move(h));
        }
    }
    if (d.iscsiHosts.empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing the host address for the iSCSI hostdev");
    if (d.iscsiHosts.size() > 1)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "only one source host address may be specified for the iSCSI hostdev");
    if (const xmlNode *auth = xml::child(src, "auth"))
        VH_TRY(parseIscsiAuth(auth, d));
    if (const xmlNode *init = xml::child(src, "initiator"))
        if (const xmlNode *iqn = xml::child(init, "iqn"))
            if (auto v = xml::attr(iqn, "name"); v && !v->empty())
                d.initiatorIqn = v;
    return {};
}

Result<void> parseSubsys(const xmlNode *n, const std::optional<std::string> &type, HostdevDef &d)
{
    d.managed = xml::attr(n, "managed").value_or("") == "yes";
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing source address type");
    auto t = kHostdevSubsys.parse(*type);
    if (!t)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown host device source address type '%s'",
                             type->c_str());
    d.type = *type;
    const xmlNode *src = xml::child(n, "source");
    if (!src)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing <source> element in hostdev device");
    if (*t != HostdevSubsys::Usb && xml::attr(src, "startupPolicy"))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Setting startupPolicy is only allowed for USB devices");
    Props p(n);
    if (xml::attr(n, "sgio")) {
        if (*t != HostdevSubsys::Scsi)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "sgio is only supported for scsi host device");
        auto v = p.enumeration("sgio", kHostdevSgio, PROP_NONE_INVALID);
        if (!v)
            return std::move(v).error();
        d.sgio = std::string(kHostdevSgio.name(**v));
    }
    if (xml::attr(n, "rawio")) {
        if (*t != HostdevSubsys::Scsi)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "rawio is only supported for scsi host device");
        TRY_SET(d.rawio, p.yesNo("rawio"));
    }
    if (xml::attr(n, "model") && *t != HostdevSubsys::Mdev && *t != HostdevSubsys::ScsiHost)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "'model' attribute in <hostdev> is only supported when type='%s'",
                             type->c_str());
    if (*t == HostdevSubsys::Mdev) {
        auto model = p.enumeration("model", kHostdevMdevModel, PROP_REQUIRED);
        if (!model)
            return std::move(model).error();
        d.model = std::string(kHostdevMdevModel.name(**model));
        TRY_SET(d.display, p.onOff("display"));
        TRY_SET(d.ramfb, p.onOff("ramfb"));
    } else if (*t == HostdevSubsys::ScsiHost) {
        auto model = p.enumeration("model", kHostdevVhostModel);
        if (!model)
            return std::move(model).error();
        if (*model && **model != HostdevVhostModel::Default)
            d.model = std::string(kHostdevVhostModel.name(**model));
    }
    switch (*t) {
    case HostdevSubsys::Pci: {
        TRY_SET(d.writeFiltering, Props(src).yesNo("writeFiltering"));
        if (const xmlNode *a = xml::child(src, "address"))
            TRY_SET(d.pciAddress, PciDeviceAddress::parse(a));
        if (const xmlNode *drv = xml::child(n, "driver")) {
            auto b = Props(drv).enumeration("name", kHostdevBackend, PROP_NONE_INVALID);
            if (!b)
                return std::move(b).error();
            if (*b)
                d.driverName = std::string(kHostdevBackend.name(**b));
        }
        if (const xmlNode *team = xml::child(n, "teaming")) {
            auto tt = xml::attr(team, "type");
            auto tv = tt ? kHostdevTeaming.parse(*tt) : std::optional<HostdevTeaming>{};
            if (tt && !tv)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown teaming type '%s'", tt->c_str());
            if (tv != HostdevTeaming::Transient)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "teaming hostdev devices must have type='transient'");
            d.teamingPersistent = xml::attr(team, "persistent");
            if (!d.teamingPersistent)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                   "missing required persistent attribute in hostdev teaming element");
        }
        break;
    }
    case HostdevSubsys::Usb: {
        auto sp = Props(src).enumeration("startupPolicy", kHostdevStartupPolicy, PROP_NONE_INVALID);
        if (!sp)
            return std::move(sp).error();
        if (*sp)
            d.startupPolicy = std::string(kHostdevStartupPolicy.name(**sp));
        VH_TRY(parseUsbSource(src, d));
        break;
    }
    case HostdevSubsys::Scsi:
        VH_TRY(parseScsiSource(src, d));
        break;
    case HostdevSubsys::ScsiHost: {
        auto protocol = xml::attr(src, "protocol");
        if (!protocol)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing scsi_host subsystem protocol");
        if (*protocol != "vhost")
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Unknown scsi_host subsystem protocol '%s'",
                                 protocol->c_str());
        auto wwpn = xml::attr(src, "wwpn");
        if (!wwpn)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing vhost-scsi hostdev source wwpn");
        if (wwpn->rfind("naa.", 0) != 0 || !validWWN(std::string_view(*wwpn).substr(4)))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "malformed 'wwpn' value");
        d.wwpn = *wwpn;
        break;
    }
    case HostdevSubsys::Mdev: {
        const xmlNode *a = xml::child(src, "address");
        if (!a)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Missing <address> element");
        auto u = xml::attr(a, "uuid");
        if (!u)
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Missing 'uuid' attribute for element <address>");
        unsigned char raw[16];
        if (!uuidParse(u->c_str(), raw))
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "Cannot parse uuid attribute of element <address>");
        d.uuid = uuidFormat(raw);
        break;
    }
    default:
        break;
    }
    return {};
}

bool parseInet(const std::string &s, int family)
{
    unsigned char buf[16];
    if (family != AF_INET6 && inet_pton(AF_INET, s.c_str(), buf) == 1)
        return true;
    return family != AF_INET && inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<void> parseNetIP(const xmlNode *hostdev, HostdevDef &d)
{
    for (const xmlNode *c : xml::Children(hostdev)) {
        if (xml::is(c, "ip")) {
            HostdevIP ip;
            auto address = xml::attr(c, "address");
            if (!address)
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing required address in <ip>");
            auto family = xml::attr(c, "family");
            int f = family == std::optional<std::string>("ipv4") ? AF_INET : family == std::optional<std::string>("ipv6") ? AF_INET6 : 0;
            if (!parseInet(*address, f))
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid address '%s' in <ip>", address->c_str());
            ip.address = *address;
            ip.family = address->find(':') != std::string::npos ? "ipv6" : "ipv4";
            if (auto prefix = xml::attr(c, "prefix")) {
                auto v = parseULL(*prefix, 10);
                if (!v || *v > 0xffffffffull)
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid prefix value '%s' in <ip>", prefix->c_str());
                ip.prefix = static_cast<unsigned int>(*v);
            }
            if (auto peer = xml::attr(c, "peer")) {
                if (!parseInet(*peer, 0))
                    return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Invalid peer '%s' in <ip>", peer->c_str());
                ip.peer = *peer;
            }
            d.ips.push_back(std::move(ip));
        } else if (xml::is(c, "route")) {
            HostdevRoute r;
            r.family = xml::attr(c, "family");
            r.address = xml::attr(c, "address");
            r.netmask = xml::attr(c, "netmask");
            r.gateway = xml::attr(c, "gateway");
            if (!r.address)
                return Error::make(VIR_FROM_NETWORK, VIR_ERR_XML_ERROR,
                                   "Domain hostdev device: Missing required address attribute in route definition");
            if (!r.gateway)
                return Error::make(VIR_FROM_NETWORK, VIR_ERR_XML_ERROR,
                                   "Domain hostdev device: Missing required gateway attribute in route definition");
            if (auto prefix = xml::attr(c, "prefix")) {
                auto v = parseULL(*prefix, 10);
                if (v && *v <= 0xffffffffull)
                    r.prefix = static_cast<unsigned int>(*v);
            }
            if (auto metric = xml::attr(c, "metric")) {
                auto v = parseULL(*metric, 10);
                if (v && *v <= 0xffffffffull)
                    r.metric = static_cast<unsigned int>(*v);
            }
            d.routes.push_back(std::move(r));
        }
    }
    return {};
}

Result<void> parseCaps(const xmlNode *n, const std::optional<std::string> &type, HostdevDef &d)
{
    if (!type)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "missing source address type");
    auto t = kHostdevCaps.parse(*type);
    if (!t)
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown host device source address type '%s'",
                             type->c_str());
    d.type = *type;
    const xmlNode *src = xml::child(n, "source");
    if (!src)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Missing <source> element in hostdev device");
    static const char *const children[] = {"block", "char", "interface"};
    static const char *const messages[] = {"Missing <block> element in hostdev storage device",
                                           "Missing <char> element in hostdev character device",
                                           "Missing <interface> element in hostdev net device"};
    size_t i = static_cast<size_t>(*t);
    auto v = xml::childText(src, children[i]);
    if (!v || v->empty())
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, messages[i]);
    d.capsSource = *v;
    if (*t == HostdevCaps::Net)
        VH_TRY(parseNetIP(n, d));
    return {};
}

// The address types each kind of host device may sit at.
Result<void> checkAddressType(const HostdevDef &d)
{
    AddressType a = d.info.address.type;
    if (d.mode != "subsystem" || a == AddressType::None)
        return {};
    if (d.type == "pci" && a != AddressType::Pci && a != AddressType::Unassigned)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_INTERNAL_ERROR, "PCI host devices must use 'pci' or 'unassigned' address type");
    if (d.type == "usb" && a != AddressType::Usb)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "USB host device must use 'usb' address type");
    if (d.type == "scsi" && a != AddressType::Drive)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "SCSI host device must use 'drive' address type");
    if (d.type == "scsi_host" && a != AddressType::Pci && a != AddressType::Ccw)
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "SCSI_host host device must use 'pci' or 'ccw' address type");
    if (d.type == "mdev" && ((d.model == "vfio-pci" && a != AddressType::Pci) || (d.model == "vfio-ccw" && a != AddressType::Ccw)))
        return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Unsupported address type '%s' with mediated device model '%s'",
                             std::string(kAddressType.name(a)).c_str(), d.model.c_str());
    return {};
}

} // namespace

Result<HostdevDef> HostdevDef::parse(const xmlNode *n, const ParseContext &ctx)
{
    HostdevDef d;
    if (auto mode = xml::attr(n, "mode")) {
        if (!kHostdevMode.parse(*mode))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unknown hostdev mode '%s'", mode->c_str());
        d.mode = *mode;
    }
    auto type = xml::attr(n, "type");
    if (d.mode == "subsystem")
        VH_TRY(parseSubsys(n, type, d));
    else
        VH_TRY(parseCaps(n, type, d));
    TRY_SET(d.info, DeviceInfo::parse(n, ctx, INFO_BOOT | INFO_ROM | INFO_UNASSIGNED));
    if (d.info.romEnabled == false && (d.info.romBar || d.info.romFileSet))
        return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "ROM tuning is not supported when ROM is disabled");
    VH_TRY(checkAddressType(d));
    if (d.isScsi()) {
        d.readonly = xml::child(n, "readonly") != nullptr;
        d.shareable = xml::child(n, "shareable") != nullptr;
    }
    return d;
}

// ---- post-parse ----------------------------------------------------------------------------

namespace {

bool driveUsedByScsiDisk(const DomainDef &def, const DeviceAddress &a)
{
    for (const DiskDef &d : def.devices.disks)
        if (d.targetBus == "scsi" && d.info.address.type == AddressType::Drive && d.info.address.controller == a.controller &&
            d.info.address.bus == a.bus && d.info.address.target == a.target && d.info.address.unit == a.unit)
            return true;
    return false;
}

bool driveUsedByScsiHostdev(const DomainDef &def, const DeviceAddress &a)
{
    for (const HostdevDef &h : def.devices.hostdevs)
        if (h.isScsi() && h.info.address.type == AddressType::Drive && h.info.address.controller == a.controller &&
            h.info.address.bus == a.bus && h.info.address.target == a.target && h.info.address.unit == a.unit)
            return true;
    return false;
}

// libvirt's limits of a SCSI controller model: the highest unit, and a unit it keeps.
bool unitUsed(const DomainDef &def, const DeviceAddress &a)
{
    for (const ControllerDef &c : def.devices.controllers) {
        if (c.type != "scsi" || c.index != static_cast<int>(a.controller))
            continue;
        int max = -1, reserved = -1;
        if (c.model == "virtio-scsi" || c.model == "virtio-transitional" || c.model == "virtio-non-transitional")
            max = 16383;
        else if (c.model == "ibmvscsi")
            max = 31, reserved = 7;
        else if (c.model == "lsisas1068")
            max = 1;
        else if (c.model == "lsisas1078")
            max = 255;
        else if (c.model == "lsilogic" || c.model == "vmpvscsi" || c.model == "buslogic")
            reserved = 7;
        if (max != -1 && a.unit > static_cast<unsigned>(max))
            return true;
        if (reserved != -1 && a.unit == static_cast<unsigned>(reserved))
            return true;
        break;
    }
    return driveUsedByScsiDisk(def, a) || driveUsedByScsiHostdev(def, a);
}

} // namespace

void HostdevDef::assignAddresses(DomainDef &def)
{
    for (HostdevDef &h : def.devices.hostdevs) {
        if (!h.isScsi() || !h.info.address.empty())
            continue;
        DeviceAddress a;
        a.type = AddressType::Drive;
        for (unsigned controller = 0;; controller++) {
            a.controller = controller;
            bool found = false;
            for (unsigned unit = 0; unit < 7 && !found; unit++) {
                a.unit = unit;
                found = !unitUsed(def, a);
            }
            if (found)
                break;
        }
        h.info.address = a;
    }
}

void HostdevDef::postParseAll(DomainDef &def)
{
    assignAddresses(def);
}

// ---- validate ------------------------------------------------------------------------------

namespace {

bool sameSource(const HostdevDef &a, const HostdevDef &b)
{
    if (a.mode != b.mode || a.type != b.type)
        return false;
    if (a.mode == "capabilities")
        return a.capsSource == b.capsSource;
    if (a.type == "pci")
        return a.pciAddress == b.pciAddress;
    if (a.type == "usb")
        return a.vendor == b.vendor && a.product == b.product && a.usbBus == b.usbBus && a.usbDevice == b.usbDevice;
    if (a.type == "scsi") {
        if (a.iscsi != b.iscsi)
            return false;
        if (a.iscsi)
            return a.iscsiName == b.iscsiName;
        return a.adapter == b.adapter && a.scsiBus == b.scsiBus && a.scsiTarget == b.scsiTarget && a.scsiUnit == b.scsiUnit;
    }
    if (a.type == "scsi_host")
        return a.wwpn == b.wwpn;
    if (a.type == "mdev")
        return a.uuid == b.uuid;
    return false;
}

} // namespace

Result<void> HostdevDef::validateAll(const DomainDef &def)
{
    const auto &hostdevs = def.devices.hostdevs;
    for (size_t i = 0; i < hostdevs.size(); i++)
        for (size_t j = 0; j < i; j++)
            if (sameSource(hostdevs[i], hostdevs[j]))
                return Error::make(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, "Hostdev already exists in the domain configuration");
    bool usbNone = false;
    for (const ControllerDef &c : def.devices.controllers)
        usbNone |= c.type == "usb" && c.model == "none";
    for (const HostdevDef &h : hostdevs) {
        if (usbNone && h.mode == "subsystem" && h.type == "usb")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "Can't add host USB device: USB is disabled in this host");
        if (h.sgio == "unfiltered")
            return Error::make(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED, "unfiltered sgio is no longer supported");
    }
    for (size_t i = 0; i < hostdevs.size(); i++) {
        const DeviceAddress &a = hostdevs[i].info.address;
        if (!hostdevs[i].isScsi() || a.type != AddressType::Drive)
            continue;
        for (size_t j = i + 1; j < hostdevs.size(); j++) {
            const DeviceAddress &b = hostdevs[j].info.address;
            if (hostdevs[j].isScsi() && b.type == AddressType::Drive && a.controller == b.controller && a.bus == b.bus &&
                a.target == b.target && a.unit == b.unit)
                return Error::format(VIR_FROM_DOMAIN, VIR_ERR_CONFIG_UNSUPPORTED,
                                     "SCSI host address controller='%u' bus='%u' target='%u' unit='%u' in use by another SCSI host device",
                                     a.controller, a.bus, a.target, a.unit);
        }
        if (driveUsedByScsiDisk(def, a))
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR,
                                 "SCSI host address controller='%u' bus='%u' target='%u' unit='%u' in use by a SCSI disk",
                                 a.controller, a.bus, a.target, a.unit);
    }
    return {};
}

// ---- format --------------------------------------------------------------------------------

void HostdevDef::format(xml::Writer &w, const FormatContext &ctx) const
{
    w.start("hostdev").attr("mode", mode).attr("type", type);
    if (mode == "subsystem") {
        w.attr("managed", yesNo(managed));
        if (!sgio.empty())
            w.attr("sgio", sgio);
        if (rawio)
            w.attr("rawio", yesNo(*rawio));
        if (!model.empty())
            w.attr("model", model);
        if (display)
            w.attr("display", onOff(*display));
        if (ramfb)
            w.attr("ramfb", onOff(*ramfb));
    }
    w.open();
    if (mode == "capabilities") {
        w.start("source").open();
        static const char *const children[] = {"block", "char", "interface"};
        w.element(children[static_cast<size_t>(kHostdevCaps.parse(type).value_or(HostdevCaps::Storage))], capsSource);
        w.end();
        for (const HostdevIP &ip : ips) {
            w.start("ip").attr("address", ip.address).attr("family", ip.family);
            if (ip.prefix)
                w.attr("prefix", ip.prefix);
            if (!ip.peer.empty())
                w.attr("peer", ip.peer);
            w.end();
        }
        for (const HostdevRoute &r : routes) {
            w.start("route");
            if (r.family)
                w.attr("family", *r.family);
            if (r.address)
                w.attr("address", *r.address);
            if (r.netmask)
                w.attr("netmask", *r.netmask);
            if (r.prefix)
                w.attr("prefix", *r.prefix);
            if (r.gateway)
                w.attr("gateway", *r.gateway);
            if (r.metric)
                w.attr("metric", *r.metric);
            w.end();
        }
    } else {
        if (type == "pci" && !driverName.empty())
            w.start("driver").attr("name", driverName).end();
        bool children = type == "pci" || (type == "usb" && (vendor || usbBus || usbDevice)) || type == "scsi" || type == "mdev";
        bool attrs = !startupPolicy.empty() || writeFiltering || !guestReset.empty() || (type == "scsi" && iscsi) ||
                     type == "scsi_host";
        if (children || attrs) {
            w.start("source");
            if (!startupPolicy.empty())
                w.attr("startupPolicy", startupPolicy);
            if (writeFiltering)
                w.attr("writeFiltering", yesNo(*writeFiltering));
            if (!guestReset.empty())
                w.attr("guestReset", guestReset);
            if (type == "scsi" && iscsi)
                w.attr("protocol", "iscsi").attr("name", iscsiName);
            if (type == "scsi_host")
                w.attr("protocol", "vhost").attr("wwpn", wwpn);
            if (type == "pci") {
                w.start("address");
                pciAddress.formatAttrs(w);
                w.end();
            } else if (type == "usb") {
                if (vendor) {
                    w.start("vendor").attr("id", strprintf("0x%.4x", vendor)).end();
                    w.start("product").attr("id", strprintf("0x%.4x", product)).end();
                }
                if (usbBus || usbDevice)
                    w.start("address").attr("bus", usbBus).attr("device", usbDevice).end();
            } else if (type == "scsi" && iscsi) {
                for (const Host &h : iscsiHosts) {
                    w.start("host");
                    if (!h.name.empty())
                        w.attr("name", h.name);
                    if (h.port)
                        w.attr("port", h.port);
                    w.end();
                }
                if (iscsiAuth) {
                    w.start("auth");
                    if (!iscsiAuth->authType.empty())
                        w.attr("type", iscsiAuth->authType);
                    w.attr("username", iscsiAuth->username);
                    w.start("secret").attr("type", iscsiAuth->secretType);
                    if (!iscsiAuth->uuid.empty())
                        w.attr("uuid", iscsiAuth->uuid);
                    else
                        w.attr("usage", iscsiAuth->usage);
                    w.end();
                    w.end();
                }
                if (initiatorIqn) {
                    w.start("initiator").open();
                    w.start("iqn").attr("name", *initiatorIqn).end();
                    w.end();
                }
            } else if (type == "scsi") {
                w.start("adapter").attr("name", adapter).end();
                w.start("address").attr("bus", scsiBus).attr("target", scsiTarget).attr("unit", scsiUnit).end();
            } else if (type == "mdev") {
                w.start("address").attr("uuid", uuid).end();
            }
            w.end();
        }
        if (teamingPersistent)
            w.start("teaming").attr("type", "transient").attr("persistent", *teamingPersistent).end();
    }
    if (readonly)
        w.start("readonly").end();
    if (shareable)
        w.start("shareable").end();
    info.format(w, ctx, true, true);
    w.end();
}

} // namespace vh::conf
