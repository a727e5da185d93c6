// The clocks the shell hands to the core and the brokers (STYLE.md §1: only app/ builds
// clocks). The wall clock, or a market clock that starts at a given IST time and runs at
// real speed from there — for the simulator, tests and demos on days the market is shut.
// Never point a market clock at a real broker.
#pragma once

#include <CLI/CLI.hpp>

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

// The simulation clock options shared by `tandem sim` and `tandem run`.
struct ClockOptions {
  std::string start;   // --clock-start: "YYYY-MM-DD HH:MM:SS" IST; empty = the wall clock
  int64_t anchor = 0;  // --clock-anchor: Unix seconds at which the clock reads `start`
};
void add_clock_options(CLI::App& command, ClockOptions& options);
// The wall clock, or the market clock the options ask for; nullopt (and a message on
// stderr naming `command`) when --clock-start is malformed.
std::optional<Clock> clock_from(const ClockOptions& options, const std::string& command);

// A clock that reads `at` at the steady instant `t0` and runs `speed` times faster than
// real time (the demo's accelerated day).
Clock accelerated_clock(domain::TimeNs at, std::chrono::steady_clock::time_point t0, double speed);

}  // namespace tandem::app
