#include "brokers/rate_limiter.h"

#include <algorithm>

#include "domain/base/assert.h"

namespace tandem::brokers {

namespace {
constexpr domain::TimeNs kSecond = 1'000'000'000;
}

RateLimits RateLimits::kite_orders() {
  return {{{10, kSecond}, {200, 60 * kSecond}, {3000, 24 * 3600 * kSecond}}};
}

RateLimits RateLimits::dhan_orders() { return {{{10, kSecond}}}; }

RateLimiter::RateLimiter(RateLimits limits) : limits_(std::move(limits)) {
  for (const auto& w : limits_.windows) TANDEM_REQUIRE(w.limit > 0 && w.span_ns > 0, w.limit);
}

domain::TimeNs RateLimiter::reserve(domain::TimeNs now) {
  domain::TimeNs t = std::max({now, blocked_until_, sent_.empty() ? now : sent_.back()});
  domain::TimeNs longest = 0;
  for (const auto& w : limits_.windows) longest = std::max(longest, w.span_ns);
  // Move t forward until every window has room; each step only moves later, so this ends.
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto& w : limits_.windows) {
      // Sends within (t - span, t]: the oldest of the last `limit` sends must be outside.
      if (static_cast<int64_t>(sent_.size()) < w.limit) continue;
      const domain::TimeNs oldest_of_last = sent_[sent_.size() - w.limit];
      if (oldest_of_last + w.span_ns > t) {
        t = oldest_of_last + w.span_ns;
        moved = true;
      }
    }
  }
  sent_.push_back(t);
  while (!sent_.empty() && sent_.front() + longest <= t) sent_.pop_front();
  return t;
}

void RateLimiter::on_rate_limited(domain::TimeNs now) {
  backoff_ns_ = backoff_ns_ == 0 ? limits_.backoff_first_ns
                                 : std::min(backoff_ns_ * 2, limits_.backoff_max_ns);
  blocked_until_ = std::max(blocked_until_, now + backoff_ns_);
}

void RateLimiter::on_success() { backoff_ns_ = 0; }

}  // namespace tandem::brokers
