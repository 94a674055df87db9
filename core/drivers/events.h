// Domain event delivery shared by drivers (libvirt's object event state).
//
// A driver queues events as state changes; they are delivered from the registered event loop
// (a zero timer armed while the queue is non-empty), never from inside the API call that
// caused them. As in libvirt, a callback keeps its connection referenced until it is
// deregistered.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "drivers/handles.h"
#include "util/result.h"

namespace vh::drv {

struct DomainEvent {
    int eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    std::string name;
    unsigned char uuid[VIR_UUID_BUFLEN] = {};
    int id = -1;
    int event = 0, detail = 0;     // lifecycle
    int metadataType = 0;          // metadata change
    std::string nsuri;
    std::string devAlias;          // device added, removed or removal failed

    static DomainEvent lifecycle(const std::string &name, const unsigned char *uuid, int id, int event, int detail);
    // An event whose callback takes only the domain (reboot, control error).
    static DomainEvent payloadless(int eventID, const std::string &name, const unsigned char *uuid, int id);
    // A device event (added, removed, removal failed) naming the device's alias.
    static DomainEvent device(int eventID, const std::string &name, const unsigned char *uuid, int id, const std::string &alias);
};

class EventState : public std::enable_shared_from_this<EventState> {
public:
    ~EventState();

    // virConnectDomainEventRegisterAny (dom may be NULL: every domain). Returns the callback ID.
    Result<int> addCallback(virConnectPtr conn, virDomainPtr dom, int eventID, virConnectDomainEventGenericCallback cb,
                            void *opaque, virFreeCallback freecb);
    // virConnectDomainEventRegister: lifecycle events of every domain.
    Result<void> addLegacy(virConnectPtr conn, virConnectDomainEventCallback cb, void *opaque, virFreeCallback freecb);
    Result<void> removeCallback(virConnectPtr conn, int callbackID);
    Result<void> removeLegacy(virConnectPtr conn, virConnectDomainEventCallback cb);

    void queue(DomainEvent ev);

private:
    struct Callback {
        int id;
        vh::Ref<_virConnect> conn;
        bool filtered;
        unsigned char uuid[VIR_UUID_BUFLEN];
        int eventID;
        virConnectDomainEventGenericCallback cb;
        virConnectDomainEventCallback legacy;
        void *opaque;
        virFreeCallback freecb;
        bool removed = false;
    };
    Result<int> add(Callback cb);
    // Unlocks g.
    void remove(std::vector<Callback>::iterator it, std::unique_lock<std::mutex> &g);
    void ensureTimer(std::unique_lock<std::mutex> &g);
    static void onTimer(int timer, void *opaque);
    void flush();
    void deliver(const Callback &cb, const DomainEvent &ev);

    std::mutex lock_;
    std::vector<Callback> callbacks_;
    std::vector<DomainEvent> queue_;
    int timer_ = -1;
    int dispatching_ = 0;
};

} // namespace vh::drv
