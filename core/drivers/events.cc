#include "drivers/events.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include <libvirt/virterror.h>

#include "util/event_loop.h"

namespace vh::drv {

namespace {
// Callback IDs are unique in the process and start at 0, as libvirt's.
std::atomic<int> nextCallbackID{0};
} // namespace

DomainEvent DomainEvent::lifecycle(const std::string &name, const unsigned char *uuid, int id, int event, int detail)
{
    DomainEvent ev;
    ev.eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    ev.name = name;
    memcpy(ev.uuid, uuid, VIR_UUID_BUFLEN);
    ev.id = id;
    ev.event = event;
    ev.detail = detail;
    return ev;
}

DomainEvent DomainEvent::payloadless(int eventID, const std::string &name, const unsigned char *uuid, int id)
{
    DomainEvent ev = lifecycle(name, uuid, id, 0, 0);
    ev.eventID = eventID;
    return ev;
}

DomainEvent DomainEvent::device(int eventID, const std::string &name, const unsigned char *uuid, int id, const std::string &alias)
{
    DomainEvent ev = payloadless(eventID, name, uuid, id);
    ev.devAlias = alias;
    return ev;
}

EventState::~EventState()
{
    if (timer_ >= 0)
        vh::event::removeTimeout(timer_);
    for (Callback &c : callbacks_)
        if (c.freecb)
            c.freecb(c.opaque);
}

void EventState::ensureTimer(std::unique_lock<std::mutex> &)
{
    if (timer_ >= 0)
        return;
    auto *self = new std::weak_ptr<EventState>(weak_from_this());
    timer_ = vh::event::addTimeout(-1, onTimer, self, [](void *p) { delete static_cast<std::weak_ptr<EventState> *>(p); });
    if (timer_ < 0)
        delete self;
}

Result<int> EventState::add(Callback cb)
{
    std::unique_lock<std::mutex> g(lock_);
    for (const Callback &c : callbacks_) {
        if (c.removed || c.conn.get() != cb.conn.get() || c.eventID != cb.eventID || c.cb != cb.cb ||
            c.legacy != cb.legacy || c.filtered != cb.filtered)
            continue;
        if (!cb.filtered || memcmp(c.uuid, cb.uuid, VIR_UUID_BUFLEN) == 0)
            return Error::make(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "event callback already tracked");
    }
    ensureTimer(g);
    if (timer_ < 0)
        return Error::make(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "could not initialize domain event timer");
    cb.id = nextCallbackID++;
    int id = cb.id;
    callbacks_.push_back(std::move(cb));
    return id;
}

Result<int> EventState::addCallback(virConnectPtr conn, virDomainPtr dom, int eventID,
                                    virConnectDomainEventGenericCallback cb, void *opaque, virFreeCallback freecb)
{
    if (eventID < 0 || eventID >= VIR_DOMAIN_EVENT_ID_LAST)    // the entry point checked; drivers may not
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unsupported event ID %d", eventID);
    Callback c{};
    c.conn = vh::Ref<_virConnect>::share(conn);
    c.filtered = dom != nullptr;
    if (dom)
        memcpy(c.uuid, dom->uuid, VIR_UUID_BUFLEN);
    c.eventID = eventID;
    c.cb = cb;
    c.opaque = opaque;
    c.freecb = freecb;
    return add(std::move(c));
}

Result<void> EventState::addLegacy(virConnectPtr conn, virConnectDomainEventCallback cb, void *opaque, virFreeCallback freecb)
{
    Callback c{};
    c.conn = vh::Ref<_virConnect>::share(conn);
    c.eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    c.legacy = cb;
    c.opaque = opaque;
    c.freecb = freecb;
    auto r = add(std::move(c));
    if (!r)
        return std::move(r).error();
    return {};
}

void EventState::remove(std::vector<Callback>::iterator it, std::unique_lock<std::mutex> &g)
{
    it->removed = true;
    if (dispatching_) {
        g.unlock();
        return;       // flush() erases it when the delivery in progress is over
    }
    Callback gone = std::move(*it);
    callbacks_.erase(it);
    if (callbacks_.empty() && timer_ >= 0) {
        vh::event::removeTimeout(timer_);
        timer_ = -1;
    }
    g.unlock();
    if (gone.freecb)
        gone.freecb(gone.opaque);
}

Result<void> EventState::removeCallback(virConnectPtr conn, int callbackID)
{
    std::unique_lock<std::mutex> g(lock_);
    auto it = std::find_if(callbacks_.begin(), callbacks_.end(), [&](const Callback &c) {
        return c.id == callbackID && c.conn.get() == conn && !c.removed && !c.legacy;
    });
    if (it == callbacks_.end())
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "could not find event callback %d for deletion", callbackID);
    remove(it, g);
    return {};
}

Result<void> EventState::removeLegacy(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    std::unique_lock<std::mutex> g(lock_);
    auto it = std::find_if(callbacks_.begin(), callbacks_.end(), [&](const Callback &c) {
        return c.legacy == cb && c.conn.get() == conn && !c.removed;
    });
    if (it == callbacks_.end())
        return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "event callback function %p not registered",
                             reinterpret_cast<void *>(cb));
    remove(it, g);
    return {};
}

void EventState::queue(DomainEvent ev)
{
    std::lock_guard<std::mutex> g(lock_);
    if (callbacks_.empty() || timer_ < 0)
        return;     // nobody listens: libvirt drops the event too
    queue_.push_back(std::move(ev));
    if (queue_.size() == 1)
        vh::event::updateTimeout(timer_, 0);
}

void EventState::onTimer(int, void *opaque)
{
    if (auto self = static_cast<std::weak_ptr<EventState> *>(opaque)->lock())
        self->flush();
}

void EventState::deliver(const Callback &c, const DomainEvent &ev)
{
    virConnectPtr conn = c.conn.get();
    auto *dom = new _virDomain(conn, ev.name, ev.uuid, ev.id);
    if (c.legacy) {
        c.legacy(conn, dom, ev.event, ev.detail, c.opaque);
    } else {
        switch (ev.eventID) {
        case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
            reinterpret_cast<virConnectDomainEventCallback>(c.cb)(conn, dom, ev.event, ev.detail, c.opaque);
            break;
        case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE:
            reinterpret_cast<virConnectDomainEventMetadataChangeCallback>(c.cb)(
                conn, dom, ev.metadataType, ev.nsuri.empty() ? nullptr : ev.nsuri.c_str(), c.opaque);
            break;
        case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
        case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
        case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
            reinterpret_cast<virConnectDomainEventDeviceRemovedCallback>(c.cb)(conn, dom, ev.devAlias.c_str(), c.opaque);
            break;
        default:   // events without a payload (reboot, ...)
            c.cb(conn, dom, c.opaque);
        }
    }
    dom->unref();
}

void EventState::flush()
{
    std::unique_lock<std::mutex> g(lock_);
    std::vector<DomainEvent> events;
    events.swap(queue_);
    if (timer_ >= 0)
        vh::event::updateTimeout(timer_, -1);
    dispatching_++;
    for (const DomainEvent &ev : events) {
        for (size_t i = 0; i < callbacks_.size(); i++) {
            const Callback &c = callbacks_[i];
            if (c.removed || c.eventID != ev.eventID || (c.filtered && memcmp(c.uuid, ev.uuid, VIR_UUID_BUFLEN) != 0))
                continue;
            Callback copy = c;     // the list may change while the callback runs
            g.unlock();
            deliver(copy, ev);
            g.lock();
        }
    }
    dispatching_--;
    std::vector<Callback> gone;
    if (!dispatching_) {
        for (auto it = callbacks_.begin(); it != callbacks_.end();) {
            if (it->removed) {
                gone.push_back(std::move(*it));
                it = callbacks_.erase(it);
            } else {
                ++it;
            }
        }
        if (callbacks_.empty() && timer_ >= 0) {
            vh::event::removeTimeout(timer_);
            timer_ = -1;
        }
    }
    g.unlock();
    for (Callback &c : gone)
        if (c.freecb)
            c.freecb(c.opaque);
}

} // namespace vh::drv
