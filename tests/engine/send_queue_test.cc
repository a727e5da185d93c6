// Goal (issue 23, throttling): behind a rate limit, one account's cancels and modifies go
// out before its exits, and its exits before its entries; within a lane, first come first served;
// at most max_started are with the broker at once; only entries expire; a stop takes entries first,
// then everything. Method: the pure queue, driven by hand, and a property over random
// pushes, starts and finishes.
#include "engine/send_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

namespace tandem::engine {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

QueuedOrder order(const std::string& tag, SendLane lane, Time queued = Time{}) {
  QueuedOrder o;
  o.intent.tag = domain::ClientTag{tag};
  o.lane = lane;
  o.queued = queued;
  return o;
}

std::string start(SendQueue& q) {
  const auto next = q.start_next();
  return next ? next->intent.tag.value : "";
}

TEST(SendQueue, ChangesThenExitsThenEntriesEachOldestFirst) {
  SendQueue q(10);
  q.push(order("e1", SendLane::entry));
  q.push(order("x1", SendLane::exit));
  q.push(order("e2", SendLane::entry));
  q.push(order("c1", SendLane::change));
  q.push(order("x2", SendLane::exit));
  q.push(order("m1", SendLane::change));
  EXPECT_EQ(start(q), "c1");
  EXPECT_EQ(start(q), "m1");
  EXPECT_EQ(start(q), "x1");
  EXPECT_EQ(start(q), "x2");
  EXPECT_EQ(start(q), "e1");
  EXPECT_EQ(start(q), "e2");
  EXPECT_EQ(start(q), "");
}

TEST(SendQueue, AtMostMaxStartedUntilOneFinishes) {
  SendQueue q(2);
  for (const char* t : {"e1", "e2", "e3"}) q.push(order(t, SendLane::entry));
  EXPECT_EQ(start(q), "e1");
  EXPECT_EQ(start(q), "e2");
  EXPECT_EQ(start(q), "") << "a third order went to the broker with two out";
  q.push(order("c1", SendLane::change));
  q.finished();
  EXPECT_EQ(start(q), "c1") << "the cancel waited behind an older entry";
  q.finished();
  EXPECT_EQ(start(q), "e3");
  EXPECT_EQ(q.started(), 2);
  EXPECT_EQ(q.waiting(), 0u);
}

TEST(SendQueue, OnlyEntriesExpire) {
  SendQueue q(1);
  const Time t0{};
  q.push(order("e1", SendLane::entry, t0));
  q.push(order("x1", SendLane::exit, t0));
  q.push(order("c1", SendLane::change, t0));
  q.push(order("e2", SendLane::entry, t0 + 5s));
  EXPECT_TRUE(q.expire(t0 + 9s, 10s).empty()) << "dropped before max_wait";
  const auto dropped = q.expire(t0 + 10s, 10s);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].intent.tag.value, "e1");
  EXPECT_EQ(q.waiting(), 3u);
  EXPECT_EQ(q.expire(t0 + 1h, 10s).size(), 1u);  // e2; the exit and the cancel stay
  EXPECT_EQ(q.waiting(), 2u);
}

TEST(SendQueue, TheNextExpiryIsTheOldestEntrysAndOneTimerIsArmedAtATime) {
  SendQueue q(1);
  const Time t0{};
  EXPECT_FALSE(q.next_expiry(10s).has_value()) << "nothing waits";
  q.push(order("x1", SendLane::exit, t0));
  EXPECT_FALSE(q.next_expiry(10s).has_value()) << "an exit never expires";
  q.push(order("e1", SendLane::entry, t0 + 1s));
  q.push(order("e2", SendLane::entry, t0 + 3s));
  EXPECT_EQ(q.next_expiry(10s), t0 + 11s);
  EXPECT_TRUE(q.arm_expiry());
  EXPECT_FALSE(q.arm_expiry()) << "a second timer armed while the first waits";
  q.expiry_fired();
  EXPECT_EQ(q.expire(t0 + 11s, 10s).size(), 1u);
  EXPECT_EQ(q.next_expiry(10s), t0 + 13s);
  EXPECT_TRUE(q.arm_expiry());
}

TEST(SendQueue, AStopTakesEntriesFirstThenEverything) {
  SendQueue q(1);
  q.push(order("e1", SendLane::entry));
  q.push(order("x1", SendLane::exit));
  q.push(order("c1", SendLane::change));
  q.push(order("e2", SendLane::entry));
  const auto entries = q.take(/*entries_only=*/true);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].intent.tag.value, "e1");
  EXPECT_EQ(entries[1].intent.tag.value, "e2");
  EXPECT_EQ(start(q), "c1");
  EXPECT_EQ(q.take(false).size(), 1u);  // x1
  EXPECT_EQ(q.waiting(), 0u);
}

// Whatever the interleaving: every order pushed comes out exactly once (started, expired or
// taken); never more than max_started out; an order starts only when no higher lane waits,
// and never before an older order of its own lane.
RC_GTEST_PROP(SendQueue, EveryOrderOnceAndInLaneOrder, ()) {
  const int max_started = *rc::gen::inRange(1, 5);
  SendQueue q(max_started);
  std::map<std::string, SendLane> pushed;
  std::map<std::string, int> out;
  std::array<std::vector<std::string>, 3> lanes;  // what waits, as the model sees it
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 5));
  int next_id = 0;
  for (const int op : ops) {
    if (op <= 1) {
      const auto lane = static_cast<SendLane>(*rc::gen::inRange(0, 3));
      const std::string tag = "t" + std::to_string(next_id++);
      pushed[tag] = lane;
      lanes[static_cast<size_t>(lane)].push_back(tag);
      q.push(order(tag, lane));
    } else if (op == 2) {
      const auto next = q.start_next();
      if (!next) continue;
      RC_ASSERT(q.started() <= max_started);
      const auto lane = static_cast<size_t>(next->lane);
      for (size_t higher = 0; higher < lane; ++higher) RC_ASSERT(lanes[higher].empty());
      RC_ASSERT(!lanes[lane].empty());
      RC_ASSERT(lanes[lane].front() == next->intent.tag.value);
      lanes[lane].erase(lanes[lane].begin());
      ++out[next->intent.tag.value];
    } else if (op == 3) {
      if (q.started() > 0) q.finished();
    } else {
      for (auto& o : q.take(*rc::gen::arbitrary<bool>())) {
        auto& lane = lanes[static_cast<size_t>(o.lane)];
        RC_ASSERT(lane.front() == o.intent.tag.value);
        lane.erase(lane.begin());
        ++out[o.intent.tag.value];
      }
    }
  }
  for (auto& o : q.take(false)) ++out[o.intent.tag.value];
  for (const auto& [tag, lane] : pushed) RC_ASSERT(out[tag] == 1);
  RC_ASSERT(out.size() == pushed.size());
}

}  // namespace
}  // namespace tandem::engine
