// The clocks the shell hands to the core and the brokers (STYLE.md §1: only app/ builds
// clocks). The wall clock, or a market clock that starts at a given IST time and runs at
// real speed from there — for the simulator, tests and demos on days the market is shut.
// Never point a market clock at a real broker.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "domain/base/time.h"

namespace tandem::app {

using Clock = std::function<domain::TimeNs()>;

domain::TimeNs wall_clock_ns();

// "2026-11-20 10:00:00" (IST) → a clock that reads that at wall-clock instant `anchor_s`
// (Unix seconds; 0 = now) and runs at real speed; nullopt when malformed. Processes given
// the same start and anchor share one market clock (a simulator and an engine restarted
// many times).
std::optional<Clock> market_clock_from(const std::string& ist_start, int64_t anchor_s = 0);

// A clock that reads `at` at the steady instant `t0` and runs `speed` times faster than
// real time (the demo's accelerated day).
Clock accelerated_clock(domain::TimeNs at, std::chrono::steady_clock::time_point t0, double speed);

}  // namespace tandem::app
