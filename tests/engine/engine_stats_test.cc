// Goal: the engine's latency samples stay bounded however long it runs, and what they keep
// is the latest samples in arrival order.
// Method: add_latency_sample past its bound, checking the bound and the kept suffix.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/engine.h"

namespace tandem::engine {
namespace {

TEST(LatencySamples, KeepAllUpToTheBound) {
  std::vector<int64_t> samples;
  for (int64_t i = 0; i < 1000; ++i) add_latency_sample(samples, i);
  ASSERT_EQ(samples.size(), 1000u);
  EXPECT_EQ(samples.front(), 0);
  EXPECT_EQ(samples.back(), 999);
}

TEST(LatencySamples, PastTheBoundKeepTheLatestInOrder) {
  std::vector<int64_t> samples;
  const int64_t total = 3 * static_cast<int64_t>(kMaxLatencySamples) + 7;
  size_t largest = 0;
  for (int64_t i = 0; i < total; ++i) {
    add_latency_sample(samples, i);
    largest = std::max(largest, samples.size());
  }
  EXPECT_LE(largest, kMaxLatencySamples);
  ASSERT_GE(samples.size(), kMaxLatencySamples / 2);
  EXPECT_EQ(samples.back(), total - 1);
  for (size_t i = 1; i < samples.size(); ++i) {
    ASSERT_EQ(samples[i], samples[i - 1] + 1) << "a gap or reordering at " << i;
  }
}

}  // namespace
}  // namespace tandem::engine
