// Per-API-key request pacing (brokers.md §1.9, §2.9): several sliding windows at once (Kite
// 2026: 10 orders/s, 200/min, 3000/day; Dhan: 10/s), queueing rather than dropping — each
// reservation gets the earliest moment every window allows — and honouring HTTP 429 with
// exponential backoff until a request succeeds again. Time is a parameter, so the engine
// passes its clock and tests pass numbers. Thread-safety: not thread-safe; one limiter
// belongs to one account's session strand.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "domain/base/time.h"

namespace tandem::brokers {

struct RateWindow {
  int64_t limit = 0;           // requests allowed…
  domain::TimeNs span_ns = 0;  // …in any window this long
};

struct RateLimits {
  std::vector<RateWindow> windows;
  domain::TimeNs backoff_first_ns = 1'000'000'000;  // after the first 429
  domain::TimeNs backoff_max_ns = 30'000'000'000;

  static RateLimits kite_orders();  // 10/s, 200/min, 3000/day
  static RateLimits dhan_orders();  // 10/s (from 21 March 2026)
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits);

  // Reserves the next slot: the earliest time >= now at which a request may go out without
  // breaking any window or an active backoff. Successive calls queue behind each other.
  [[nodiscard]] domain::TimeNs reserve(domain::TimeNs now);

  // The broker answered 429: no request before now + backoff; the backoff doubles on each
  // further 429 up to its maximum.
  void on_rate_limited(domain::TimeNs now);
  // A request succeeded: the backoff starts over.
  void on_success();

  domain::TimeNs blocked_until() const { return blocked_until_; }

 private:
  RateLimits limits_;
  std::deque<domain::TimeNs>
      sent_;  // reserved send times, oldest first (bounded by the longest window)
  domain::TimeNs blocked_until_ = 0;
  domain::TimeNs backoff_ns_ = 0;
};

}  // namespace tandem::brokers
