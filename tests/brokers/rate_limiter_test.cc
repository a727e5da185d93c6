// Goal: the limiter never lets more requests out than any window allows, queues the rest at
// the earliest allowed moment, and backs off exponentially on 429s.
// Method: reservations at chosen instants (time is a parameter), plus a property over
// generated request times that checks every window over the schedule it produced.
#include "brokers/rate_limiter.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace tandem::brokers {
namespace {

constexpr domain::TimeNs kS = 1'000'000'000;

TEST(RateLimiter, TenPerSecondQueuesTheEleventh) {
  RateLimiter limiter(RateLimits::kite_orders());
  std::vector<domain::TimeNs> at;
  for (int i = 0; i < 25; ++i) at.push_back(limiter.reserve(0));
  EXPECT_EQ(at[9], 0);
  EXPECT_EQ(at[10], kS);
  EXPECT_EQ(at[19], kS);
  EXPECT_EQ(at[20], 2 * kS);
}

TEST(RateLimiter, TwoHundredPerMinute) {
  RateLimiter limiter(RateLimits::kite_orders());
  domain::TimeNs last = 0;
  for (int i = 0; i < 201; ++i) last = limiter.reserve(0);
  EXPECT_EQ(last, 60 * kS);  // the 201st waits for the first to leave the minute
}

TEST(RateLimiter, BackoffDoublesOn429AndResetsOnSuccess) {
  RateLimiter limiter(RateLimits::dhan_orders());
  limiter.on_rate_limited(100 * kS);
  EXPECT_EQ(limiter.reserve(100 * kS), 101 * kS);
  limiter.on_rate_limited(101 * kS);
  EXPECT_EQ(limiter.reserve(101 * kS), 103 * kS);
  limiter.on_success();
  limiter.on_rate_limited(200 * kS);
  EXPECT_EQ(limiter.reserve(200 * kS), 201 * kS);
}

RC_GTEST_PROP(RateLimiterProp, NoWindowIsEverExceeded, ()) {
  const auto gaps = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, kS / 4));
  RateLimits limits{{{3, kS}, {7, 5 * kS}}};
  RateLimiter limiter(limits);
  std::vector<domain::TimeNs> sent;
  domain::TimeNs now = 0;
  for (int64_t gap : gaps) {
    now += gap;
    const domain::TimeNs t = limiter.reserve(now);
    RC_ASSERT(t >= now);
    if (!sent.empty()) RC_ASSERT(t >= sent.back());  // queued in order
    sent.push_back(t);
  }
  for (const auto& w : limits.windows) {
    for (size_t i = 0; i < sent.size(); ++i) {
      int64_t in_window = 0;
      for (size_t j = 0; j <= i; ++j) in_window += sent[j] > sent[i] - w.span_ns;
      RC_ASSERT(in_window <= w.limit);
    }
  }
}

}  // namespace
}  // namespace tandem::brokers
