// Goal (issue 28): a shard's marks are the tap's — what the tap publishes on a leader's marks
// subject reaches every shard listening, each message read back as the prices it held, and
// a message that is not marks is refused by name, never half read.
// Method: the codec round trip as a property; a real 3-node cluster (Debian's nats-server)
// with two shards' MarksFeeds and the tap's core-NATS publish.
#include "fleet/marks.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/support/nats_cluster.h"

namespace tandem::fleet {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

const d::LeaderConfigured kLeader{{"LEADER1"}, d::Broker::kite, {"scalper"}, "S"};

RC_GTEST_PROP(Marks, EveryPriceListReadsBackAsItWas, (const std::vector<int64_t>& paise)) {
  std::vector<d::InstrumentPrice> prices;
  for (size_t k = 0; k < paise.size(); ++k) {
    prices.push_back(
        {{k % 2 == 0 ? d::Exchange::nse : d::Exchange::nfo, "SYM" + std::to_string(k)}, paise[k]});
  }
  const auto back = decode_marks(encode_marks(prices, 1'795'150'800'000'000'000));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == prices);
}

// Whatever arrives on the subject is read as marks or refused, never a crash.
RC_GTEST_PROP(Marks, AnyBytesAreReadOrRefused, (const std::vector<uint8_t>& bytes)) {
  const auto read = decode_marks(bytes);
  RC_ASSERT(read.ok() || read.status().code() == StatusCode::corruption);
}

TEST(Marks, AMessageThatIsNotMarksIsRefusedByName) {
  const std::vector<uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto read = decode_marks(garbage);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::corruption);
  EXPECT_NE(read.status().message().find("not a price snapshot"), std::string::npos);
  EXPECT_EQ(marks_subject(kLeader), "tandem.marks.SCALPER");
}

// Prices published by the tap reach both shards' feeds; a feed destroyed is called no more.
TEST(Marks, WhatTheTapPublishesReachesEveryShardListening) {
  testing::NatsCluster cluster;
  struct Seen {
    std::mutex mu;
    std::vector<d::InstrumentPrice> last;
    std::atomic<int> messages{0};
  };
  Seen one, two;
  auto feed = [&](Seen& seen) {
    return std::make_unique<MarksFeed>(cluster.urls(), kLeader,
                                       [&seen](const std::vector<d::InstrumentPrice>& p) {
                                         std::lock_guard lock(seen.mu);
                                         seen.last = p;
                                         ++seen.messages;
                                       });
  };
  auto shard1 = feed(one);
  auto shard2 = feed(two);
  std::unique_ptr<JetStream> tap;
  for (int attempt = 0; attempt < 100 && !tap; ++attempt) {
    auto js = JetStream::connect(cluster.urls(), "tap", 2s);
    if (js.ok())
      tap = std::move(*js);
    else
      std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(tap);
  const std::vector<d::InstrumentPrice> prices = {
      {{d::Exchange::nse, "INFY"}, 1500'25}, {{d::Exchange::nfo, "NIFTY26N2423500PE"}, 109'65}};
  // Core NATS keeps nothing: published until both feeds have subscribed and seen one.
  for (int k = 0; k < 200 && (one.messages == 0 || two.messages == 0); ++k) {
    ASSERT_TRUE(tap->publish_now(marks_subject(kLeader), encode_marks(prices, 1)).ok());
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GT(one.messages.load(), 0);
  ASSERT_GT(two.messages.load(), 0);
  {
    std::lock_guard lock(one.mu);
    EXPECT_EQ(one.last, prices);
  }
  EXPECT_EQ(shard1->received(), one.messages.load());
  shard1.reset();
  const int after = one.messages.load();
  const int two_before = two.messages.load();
  for (int k = 0; k < 5; ++k) {
    ASSERT_TRUE(tap->publish_now(marks_subject(kLeader), encode_marks(prices, 2)).ok());
  }
  for (int k = 0; k < 100 && two.messages.load() < two_before + 5; ++k) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(two.messages.load(), two_before + 5) << "every message to the feed still listening";
  EXPECT_EQ(one.messages.load(), after) << "none to a feed destroyed";
  // Not marks on the subject: the feed takes nothing from it.
  ASSERT_TRUE(tap->publish_now(marks_subject(kLeader), std::vector<uint8_t>{1, 2, 3}).ok());
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(shard2->received(), two.messages.load());
}

}  // namespace
}  // namespace tandem::fleet
