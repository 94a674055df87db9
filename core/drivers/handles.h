// The objects behind libvirt's opaque handles: virConnectPtr is a _virConnect*, and so on.
//
// Like libvirt's, an object handle is a light reference (name, UUID, connection); the driver
// keeps the real state and looks it up again on every call. Accessors generated from the API
// description read these fields by name (name, uuid, id, mac, key, ...), and connect().
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include <libvirt/libvirt.h>

#include "util/object.h"

namespace vh::drv {
class HypervisorDriver;
class NetworkDriver;
class StorageDriver;
class NodedevDriver;
class InterfaceDriver;
class SecretDriver;
class NwfilterDriver;
class StreamDriver;

// The tables serving one connection. Tables a driver does not provide point at defaults that
// answer VIR_ERR_NO_SUPPORT, so dispatch never checks for null.
struct DriverSet {
    std::shared_ptr<void> owner;    // keeps the driver's per-connection state alive
    HypervisorDriver *hypervisor;
    NetworkDriver *network;
    StorageDriver *storage;
    NodedevDriver *nodedev;
    InterfaceDriver *interface;
    SecretDriver *secret;
    NwfilterDriver *nwfilter;
    DriverSet();
};

StreamDriver *unsupportedStreams();
} // namespace vh::drv

struct _virConnect final : vh::Object, vh::Pooled<_virConnect> {
    static constexpr uint32_t kMagic = 0x7643'6f6eu;
    _virConnect() : Object(kMagic) {}
    ~_virConnect() override;

    std::string uri;
    bool readonly = false;
    vh::drv::DriverSet drivers;

    // The per-connection copy of the last error, and its handler (virConnSetErrorFunc).
    std::mutex errLock;
    virError err{};
    virErrorFunc handler = nullptr;
    void *handlerData = nullptr;


    virConnectPtr connect() { return this; }
};

// Fields every connection-owned object handle has.
struct ConnectChild : vh::Object {
    explicit ConnectChild(uint32_t magic, virConnectPtr c) : Object(magic), conn(vh::Ref<_virConnect>::share(c)) {}
    vh::Ref<_virConnect> conn;
    virConnectPtr connect() { return conn.get(); }
};

struct _virDomain final : ConnectChild, vh::Pooled<_virDomain> {
    static constexpr uint32_t kMagic = 0x7644'6f6du;
    _virDomain(virConnectPtr c, std::string n, const unsigned char *u, int i)
        : ConnectChild(kMagic, c), name(std::move(n)), id(i) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    std::string name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    std::atomic<int> id;     // drivers keep it current across start and stop
};

struct _virNetwork final : ConnectChild, vh::Pooled<_virNetwork> {
    static constexpr uint32_t kMagic = 0x764e'6574u;
    _virNetwork(virConnectPtr c, std::string n, const unsigned char *u)
        : ConnectChild(kMagic, c), name(std::move(n)) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    std::string name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNetworkPort final : vh::Object, vh::Pooled<_virNetworkPort> {
    static constexpr uint32_t kMagic = 0x764e'5074u;
    _virNetworkPort(virNetworkPtr n, const unsigned char *u)
        : Object(kMagic), net(vh::Ref<_virNetwork>::share(n)) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    vh::Ref<_virNetwork> net;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virConnectPtr connect() { return net->connect(); }
};

struct _virStoragePool final : ConnectChild, vh::Pooled<_virStoragePool> {
    static constexpr uint32_t kMagic = 0x7650'6f6cu;
    _virStoragePool(virConnectPtr c, std::string n, const unsigned char *u)
        : ConnectChild(kMagic, c), name(std::move(n)) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    std::string name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virStorageVol final : ConnectChild, vh::Pooled<_virStorageVol> {
    static constexpr uint32_t kMagic = 0x7656'6f6cu;
    _virStorageVol(virConnectPtr c, std::string p, std::string n, std::string k)
        : ConnectChild(kMagic, c), pool(std::move(p)), name(std::move(n)), key(std::move(k)) {}
    std::string pool;
    std::string name;
    std::string key;
};

struct _virNodeDevice final : ConnectChild, vh::Pooled<_virNodeDevice> {
    static constexpr uint32_t kMagic = 0x764e'6f64u;
    _virNodeDevice(virConnectPtr c, std::string n) : ConnectChild(kMagic, c), name(std::move(n)) {}
    std::string name;
};

struct _virInterface final : ConnectChild, vh::Pooled<_virInterface> {
    static constexpr uint32_t kMagic = 0x7649'6666u;
    _virInterface(virConnectPtr c, std::string n, std::string m)
        : ConnectChild(kMagic, c), name(std::move(n)), mac(std::move(m)) {}
    std::string name;
    std::string mac;
};

struct _virSecret final : ConnectChild, vh::Pooled<_virSecret> {
    static constexpr uint32_t kMagic = 0x7653'6563u;
    _virSecret(virConnectPtr c, const unsigned char *u, int type, std::string id)
        : ConnectChild(kMagic, c), usageType(type), usageID(std::move(id)) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    unsigned char uuid[VIR_UUID_BUFLEN];
    int usageType;
    std::string usageID;
};

struct _virNWFilter final : ConnectChild, vh::Pooled<_virNWFilter> {
    static constexpr uint32_t kMagic = 0x764e'5746u;
    _virNWFilter(virConnectPtr c, std::string n, const unsigned char *u)
        : ConnectChild(kMagic, c), name(std::move(n)) { std::copy(u, u + VIR_UUID_BUFLEN, uuid); }
    std::string name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNWFilterBinding final : ConnectChild, vh::Pooled<_virNWFilterBinding> {
    static constexpr uint32_t kMagic = 0x764e'5742u;
    _virNWFilterBinding(virConnectPtr c, std::string p, std::string f)
        : ConnectChild(kMagic, c), portdev(std::move(p)), filtername(std::move(f)) {}
    std::string portdev;
    std::string filtername;
};

struct _virDomainSnapshot final : vh::Object, vh::Pooled<_virDomainSnapshot> {
    static constexpr uint32_t kMagic = 0x7644'536eu;
    _virDomainSnapshot(virDomainPtr d, std::string n) : Object(kMagic), domain(vh::Ref<_virDomain>::share(d)), name(std::move(n)) {}
    vh::Ref<_virDomain> domain;
    std::string name;
    virConnectPtr connect() { return domain->connect(); }
};

struct _virDomainCheckpoint final : vh::Object, vh::Pooled<_virDomainCheckpoint> {
    static constexpr uint32_t kMagic = 0x7644'4370u;
    _virDomainCheckpoint(virDomainPtr d, std::string n) : Object(kMagic), domain(vh::Ref<_virDomain>::share(d)), name(std::move(n)) {}
    vh::Ref<_virDomain> domain;
    std::string name;
    virConnectPtr connect() { return domain->connect(); }
};

struct _virStream final : ConnectChild, vh::Pooled<_virStream> {
    static constexpr uint32_t kMagic = 0x7653'746du;
    _virStream(virConnectPtr c, unsigned int f);
    unsigned int flags;
    vh::drv::StreamDriver *driver;   // set when a driver opens the stream; unsupported until then
    std::shared_ptr<void> owner;     // the driver's state behind `driver`
};

namespace vh {

// A handle is valid when it is alive and so is every object it hangs off.
inline bool valid(virConnectPtr c) { return alive(c); }
template <class T>
bool valid(T *h)
{
    return alive(h) && valid(h->connect());
}

} // namespace vh
