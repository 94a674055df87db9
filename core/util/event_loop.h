// The event loop behind libvirt-event.h.
//
// An application either registers its own loop (virEventRegisterImpl) or asks for ours
// (virEventRegisterDefaultImpl) and runs it with virEventRunDefaultImpl. Everything inside
// virthub that needs watches or timers (event delivery, streams) goes through the registered
// functions, so it works the same under either.
#pragma once

#include <libvirt/libvirt.h>

namespace vh::event {

struct Impl {
    virEventAddHandleFunc addHandle = nullptr;
    virEventUpdateHandleFunc updateHandle = nullptr;
    virEventRemoveHandleFunc removeHandle = nullptr;
    virEventAddTimeoutFunc addTimeout = nullptr;
    virEventUpdateTimeoutFunc updateTimeout = nullptr;
    virEventRemoveTimeoutFunc removeTimeout = nullptr;
};

// The first registration wins, as in libvirt; later ones are ignored.
void registerImpl(const Impl &impl);
bool registered();

// Through the registered loop; -1 when none is registered.
int addHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff);
void updateHandle(int watch, int events);
int removeHandle(int watch);
int addTimeout(int ms, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff);
void updateTimeout(int timer, int ms);
int removeTimeout(int timer);

// virthub's own loop (poll(2) based).
namespace loop {
int addHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff);
void updateHandle(int watch, int events);
int removeHandle(int watch);
int addTimeout(int ms, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff);
void updateTimeout(int timer, int ms);
int removeTimeout(int timer);
// One iteration: waits for the first due timer or ready handle, dispatches, returns 0; -1 on
// failure of poll(2).
int runOnce();
} // namespace loop

} // namespace vh::event
