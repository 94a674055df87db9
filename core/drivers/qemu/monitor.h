// The QEMU Machine Protocol (QMP) on a guest's monitor socket: commands with their replies,
// and the events QEMU sends between them. One reader thread per monitor delivers both; the
// end of the connection (QEMU exited) is reported once, at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace vh::drv::qemu {

using Json = nlohmann::json;

class Monitor {
public:
    // An event: its name, its data, QEMU's timestamp, and its number on this monitor (1, 2, ...).
    using EventHandler = std::function<void(const std::string &event, const Json &data, long long seconds, unsigned micros,
                                            unsigned long seq)>;
    // The connection ended: QEMU exited or closed the socket.
    using EofHandler = std::function<void()>;

    // Connects to the socket (waiting for QEMU to create it, within the timeout), reads the
    // greeting and leaves capabilities negotiation mode. The handlers run on the reader thread.
    // alive, when given, stops the wait as soon as it says QEMU has gone.
    static Result<std::unique_ptr<Monitor>> connect(const std::string &path, std::chrono::milliseconds timeout,
                                                    EventHandler onEvent, EofHandler onEof,
                                                    std::function<bool()> alive = {});
    ~Monitor();
    Monitor(const Monitor &) = delete;
    Monitor &operator=(const Monitor &) = delete;

    // Runs a command and gives its "return" member; QEMU's error becomes VIR_ERR_INTERNAL_ERROR
    // naming the command, a closed monitor VIR_ERR_OPERATION_FAILED.
    Result<Json> execute(const std::string &command, const Json &arguments = Json::object(),
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // Hands QEMU a file descriptor under a name (getfd), for a later "fd:NAME" URI.
    Result<void> passFd(const std::string &name, int fd);

    // QEMU's version as major * 1,000,000 + minor * 1,000 + micro, from the greeting.
    unsigned long version() const { return version_; }
    bool closed();
    // How many events have been delivered: after a command's reply, every event QEMU sent
    // before that reply is counted.
    unsigned long eventsSeen() const { return events_; }

private:
    Monitor(int fd, EventHandler onEvent, EofHandler onEof) : fd_(fd), onEvent_(std::move(onEvent)), onEof_(std::move(onEof)) {}
    Result<Json> send(const std::string &command, const Json &arguments, int fd, std::chrono::milliseconds timeout);
    void readLoop();
    void dispatch(const std::string &line);
    void dispatchMessage(const std::string &line);

    int fd_;
    EventHandler onEvent_;
    EofHandler onEof_;
    unsigned long version_ = 0;
    std::thread reader_;
    std::mutex lock_;            // guards what follows, and writes to the socket
    std::condition_variable replied_;
    std::map<unsigned long, Json> replies_;   // by command id
    unsigned long nextId_ = 1;
    std::atomic<unsigned long> events_{0};
    bool eof_ = false;
};

} // namespace vh::drv::qemu
