// The engine's real-time clock, injected: the time-based rules of the shell (an order's
// wait in its send queue, a place of unknown outcome looked up again, the alert rules'
// windows, the shutdown bound) read it through a SteadyClock, so that a test can move time
// by hand. The core never reads a clock at all (copy/clock.h); the pump's waits are Asio
// timers on the broker threads, which keep real time.
#pragma once

#include <chrono>
#include <functional>

namespace tandem::engine {

using SteadyTime = std::chrono::steady_clock::time_point;
using SteadyClock = std::function<SteadyTime()>;

inline SteadyTime steady_now() { return std::chrono::steady_clock::now(); }

}  // namespace tandem::engine
