// Running virthub's default event loop in a test, always bounded in time.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>

#include "util/event_loop.h"

namespace vh::test {

inline void noop(int, void *) {}

// Makes virthub's own loop the registered one (the first registration in a process wins).
inline void useDefaultLoop()
{
    namespace loop = vh::event::loop;
    vh::event::registerImpl({loop::addHandle, loop::updateHandle, loop::removeHandle, loop::addTimeout,
                             loop::updateTimeout, loop::removeTimeout});
}

// Runs the loop until pred() holds or `ms` pass. A 5 ms guard timer keeps every poll short.
inline bool runUntil(const std::function<bool()> &pred, int ms = 2000)
{
    namespace loop = vh::event::loop;
    int guard = loop::addTimeout(5, noop, nullptr, nullptr);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    bool ok = pred();
    while (!ok && std::chrono::steady_clock::now() < deadline) {
        BOOST_REQUIRE(loop::runOnce() == 0);
        ok = pred();
    }
    loop::removeTimeout(guard);
    loop::runOnce();   // frees the guard (it is due again within 5 ms)
    return ok;
}

} // namespace vh::test
