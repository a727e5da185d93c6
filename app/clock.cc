#include "app/clock.h"

#include <chrono>

#include "brokers/json_reader.h"

namespace tandem::app {

domain::TimeNs wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Clock> market_clock_from(const std::string& ist_start) {
  const auto start = brokers::parse_ist_timestamp(ist_start);
  if (!start) return std::nullopt;
  const domain::TimeNs offset = *start - wall_clock_ns();
  return Clock([offset] { return wall_clock_ns() + offset; });
}

}  // namespace tandem::app
