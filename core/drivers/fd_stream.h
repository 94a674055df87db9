// A stream over a file descriptor (libvirt's FD streams): what a driver hands a virStreamPtr
// when the data is a local file, a pipe or a tty (a screenshot, a guest's console).
//
// Send and Recv block unless the stream was created with VIR_STREAM_NONBLOCK (then -2 when they
// would block); Recv gives 0 at the end. Finish and Abort close the descriptor. Event callbacks
// run from the registered event loop, never inside an API call. The owner of the data may end
// the stream itself (abort(): a console taken over by another session); a reader blocked in Recv
// wakes up with an error, an event callback sees ERROR|HANGUP.
#pragma once

#include <memory>
#include <mutex>

#include <libvirt/libvirt.h>

#include "util/result.h"

namespace vh::drv {

class FdStream;

// Makes st a stream over fd, which it now owns (closed even on failure). The returned state
// lets the driver check whether the stream is still open and end it.
Result<std::shared_ptr<FdStream>> openFdStream(virStreamPtr st, int fd);

class FdStream : public std::enable_shared_from_this<FdStream> {
public:
    explicit FdStream(int fd, int wake) : fd_(fd), wake_(wake) {}
    ~FdStream();
    FdStream(const FdStream &) = delete;
    FdStream &operator=(const FdStream &) = delete;

    // Neither finished nor aborted.
    bool isOpen();
    // Ends the stream from the data's side: closes the descriptor and wakes whoever waits.
    void abort();

private:
    friend class FdStreamDriver;
    struct Watch;

    std::mutex lock_;
    int fd_;                       // -1 once closed
    int wake_;                     // an eventfd that interrupts a blocked Send/Recv
    bool aborted_ = false;         // ended by abort(): callers get an error, not EOF
    // the application's event callback
    virStreamEventCallback cb_ = nullptr;
    void *opaque_ = nullptr;
    virFreeCallback ff_ = nullptr;
    int events_ = 0;
    int busy_ = 0;                 // Send/Recv calls using fd_ outside the lock
    int heldFd_ = -1;              // closed while busy: the last call out closes it
    int watch_ = -1;               // the loop's handle watch on fd_
    int timer_ = -1;               // reports the hangup of an aborted stream
    virStreamPtr stream_ = nullptr;   // the stream a callback is registered on (a reference)

    // The descriptor for one Send/Recv (counted busy), or the error of a closed stream.
    Result<int> enter();
    void leave();
    // Waits until fd_ is ready for `events` (poll) or the stream is aborted.
    Result<void> wait(int fd, short events);
    void closeLocked();
    void dropWatchLocked();
    // Calls the application's callback (from the loop) with the events it asked for.
    void dispatch(int events);
};

} // namespace vh::drv
