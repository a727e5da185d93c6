#include "app/clock.h"

#include <fmt/format.h>

#include <chrono>

#include "brokers/json_reader.h"

namespace tandem::app {

domain::TimeNs wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Clock> market_clock_from(const std::string& ist_start, int64_t anchor_s) {
  const auto start = brokers::parse_ist_timestamp(ist_start);
  if (!start) return std::nullopt;
  const domain::TimeNs anchor = anchor_s > 0 ? anchor_s * 1'000'000'000 : wall_clock_ns();
  const domain::TimeNs offset = *start - anchor;
  return Clock([offset] { return wall_clock_ns() + offset; });
}

void add_clock_options(CLI::App& command, ClockOptions& options) {
  command.add_option("--clock-start", options.start,
                     "Simulation only: the clock reads this IST time (\"2026-11-20 10:00:00\")");
  command.add_option("--clock-anchor", options.anchor,
                     "With --clock-start: the Unix time at which it reads it (default: now)");
}

std::optional<Clock> clock_from(const ClockOptions& options, const std::string& command) {
  if (options.start.empty()) return Clock(wall_clock_ns);
  auto clock = market_clock_from(options.start, options.anchor);
  if (!clock) {
    fmt::print(stderr, "{}: --clock-start wants \"YYYY-MM-DD HH:MM:SS\" (IST), got '{}'\n", command,
               options.start);
  }
  return clock;
}

Clock accelerated_clock(domain::TimeNs at, std::chrono::steady_clock::time_point t0, double speed) {
  return [at, t0, speed] {
    const auto real =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    return at + static_cast<domain::TimeNs>(static_cast<double>(real) * speed);
  };
}

}  // namespace tandem::app
