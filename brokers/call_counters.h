// Process-wide counts of what the brokers' REST sessions did, for /metrics: how often an
// order call waited for its account's rate limiter, and how often a broker answered "too
// many requests" (the call is then sent again). Thread-safety: atomics.
#pragma once

#include <atomic>
#include <cstdint>

namespace tandem::brokers {

struct CallCounters {
  std::atomic<int64_t> rate_limit_waits{0};
  std::atomic<int64_t> rate_limited_answers{0};
};

inline CallCounters& call_counters() {
  static CallCounters counters;
  return counters;
}

}  // namespace tandem::brokers
