// libvirt-event.h: registering an event loop, running the default one, and watches/timers.
#include "capi/entry.h"
#include "util/event_loop.h"

extern "C" {

void virEventRegisterImpl(virEventAddHandleFunc addHandle, virEventUpdateHandleFunc updateHandle,
                          virEventRemoveHandleFunc removeHandle, virEventAddTimeoutFunc addTimeout,
                          virEventUpdateTimeoutFunc updateTimeout, virEventRemoveTimeoutFunc removeTimeout)
{
    vh::event::registerImpl({addHandle, updateHandle, removeHandle, addTimeout, updateTimeout, removeTimeout});
}

int virEventRegisterDefaultImpl(void)
{
    namespace l = vh::event::loop;
    vh::capi::resetLastError();
    vh::event::registerImpl({l::addHandle, l::updateHandle, l::removeHandle, l::addTimeout, l::updateTimeout, l::removeTimeout});
    return 0;
}

int virEventRunDefaultImpl(void)
{
    vh::capi::Entry e_("virEventRunDefaultImpl", VIR_FROM_EVENT);
    if (vh::event::loop::runOnce() == 0)
        return 0;
    e_.report(vh::Error::system(VIR_FROM_EVENT, errno, "Unable to poll on file handles"));
    return -1;
}

int virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    return vh::event::addHandle(fd, events, cb, opaque, ff);
}

void virEventUpdateHandle(int watch, int events)
{
    vh::event::updateHandle(watch, events);
}

int virEventRemoveHandle(int watch)
{
    return vh::event::removeHandle(watch);
}

int virEventAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    return vh::event::addTimeout(timeout, cb, opaque, ff);
}

void virEventUpdateTimeout(int timer, int timeout)
{
    vh::event::updateTimeout(timer, timeout);
}

int virEventRemoveTimeout(int timer)
{
    return vh::event::removeTimeout(timer);
}

} // extern "C"
