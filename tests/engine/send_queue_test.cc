// Goal (issue 23, throttling): behind a rate limit, one account's cancels and modifies go
// out before its exits, and its exits before its entries; within a lane, first come first served;
// at most max_started are with the broker at once; one order's changes one at a time; only
// entries expire; a stop takes entries first, then everything. Method: the pure queue, driven by
// hand, and a property over random pushes, starts and finishes.
#include "engine/send_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace tandem::engine {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

QueuedOrder order(const std::string& tag, SendLane lane, Time queued = Time{}) {
  QueuedOrder o;
  o.intent.tag = domain::ClientTag{tag};
  o.intent.target_tag = domain::ClientTag{"order-" + tag};  // changes of orders of their own
  o.lane = lane;
  o.queued = queued;
  return o;
}

QueuedOrder change_of(const std::string& tag, const std::string& target) {
  QueuedOrder o = order(tag, SendLane::change);
  o.intent.target_tag = domain::ClientTag{target};
  return o;
}

std::string start(SendQueue& q) {
  const auto next = q.start_next();
  return next ? next->intent.tag.value : "";
}

// Starts the next order and finishes it at once.
std::string start_and_finish(SendQueue& q) {
  const auto next = q.start_next();
  if (!next) return "";
  q.finished(*next);
  return next->intent.tag.value;
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
  const auto e1 = q.start_next();
  EXPECT_EQ(start(q), "e2");
  EXPECT_EQ(start(q), "") << "a third order went to the broker with two out";
  q.push(order("c1", SendLane::change));
  q.finished(*e1);
  const auto c1 = q.start_next();
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->intent.tag.value, "c1") << "the cancel waited behind an older entry";
  q.finished(*c1);
  EXPECT_EQ(start(q), "e3");
  EXPECT_EQ(q.started(), 2);
  EXPECT_EQ(q.waiting(), 0u);
}

TEST(SendQueue, OneOrdersChangesGoOneAtATimeInOrder) {
  SendQueue q(4);
  q.push(change_of("m1", "A"));
  q.push(change_of("m2", "A"));
  q.push(change_of("m3", "B"));
  q.push(change_of("c1", "A"));
  q.push(order("x1", SendLane::exit));
  const auto m1 = q.start_next();
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->intent.tag.value, "m1");
  EXPECT_EQ(start(q), "m3") << "a change of another order waited behind order A's";
  EXPECT_EQ(start(q), "x1") << "an exit waited behind changes that cannot go yet";
  EXPECT_EQ(start(q), "") << "order A's second change went while its first is out";
  q.finished(*m1);
  EXPECT_EQ(start_and_finish(q), "m2");
  EXPECT_EQ(start_and_finish(q), "c1");
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
// taken); never more than max_started out; never two changes of one order out at once; an
// order starts only when no higher lane has one that may start, and never before an older
// order of its own lane that may start (a change may not while its order has one out).
RC_GTEST_PROP(SendQueue, EveryOrderOnceAndInLaneOrder, ()) {
  const int max_started = *rc::gen::inRange(1, 5);
  SendQueue q(max_started);
  std::map<std::string, QueuedOrder> pushed;
  std::map<std::string, int> out;
  std::array<std::vector<std::string>, 3> lanes;  // what waits, as the model sees it
  std::vector<QueuedOrder> started;
  std::set<std::string> changing;  // orders with a change out
  const auto may_start = [&](const std::string& tag) {
    const QueuedOrder& o = pushed.at(tag);
    return o.lane != SendLane::change || !changing.contains(o.intent.target_tag.value);
  };
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 5));
  int next_id = 0;
  for (const int op : ops) {
    if (op <= 1) {
      const auto lane = static_cast<SendLane>(*rc::gen::inRange(0, 3));
      const std::string tag = "t" + std::to_string(next_id++);
      QueuedOrder o = order(tag, lane);
      o.intent.target_tag = domain::ClientTag{"order" + std::to_string(*rc::gen::inRange(0, 3))};
      pushed[tag] = o;
      lanes[static_cast<size_t>(lane)].push_back(tag);
      q.push(o);
    } else if (op == 2) {
      const auto next = q.start_next();
      if (!next) {
        for (const auto& lane : lanes) {
          for (const auto& tag : lane)
            RC_ASSERT(started.size() == size_t(max_started) || !may_start(tag));
        }
        continue;
      }
      RC_ASSERT(q.started() <= max_started);
      const auto lane = static_cast<size_t>(next->lane);
      for (size_t higher = 0; higher < lane; ++higher) {
        for (const auto& tag : lanes[higher]) RC_ASSERT(!may_start(tag));
      }
      const auto first = std::find_if(lanes[lane].begin(), lanes[lane].end(), may_start);
      RC_ASSERT(first != lanes[lane].end());
      RC_ASSERT(*first == next->intent.tag.value);
      lanes[lane].erase(first);
      if (next->lane == SendLane::change) changing.insert(next->intent.target_tag.value);
      started.push_back(*next);
      ++out[next->intent.tag.value];
    } else if (op == 3) {
      if (started.empty()) continue;
      const size_t k = *rc::gen::inRange<size_t>(0, started.size());
      if (started[k].lane == SendLane::change) changing.erase(started[k].intent.target_tag.value);
      q.finished(started[k]);
      started.erase(started.begin() + static_cast<long>(k));
    } else {
      for (auto& o : q.take(*rc::gen::arbitrary<bool>())) {
        auto& lane = lanes[static_cast<size_t>(o.lane)];
        RC_ASSERT(lane.front() == o.intent.tag.value);
        lane.erase(lane.begin());
        ++out[o.intent.tag.value];
      }
    }
    RC_ASSERT(q.started() == static_cast<int>(started.size()));
  }
  for (auto& o : q.take(false)) ++out[o.intent.tag.value];
  for (const auto& [tag, o] : pushed) RC_ASSERT(out[tag] == 1);
  RC_ASSERT(out.size() == pushed.size());
}

}  // namespace
}  // namespace tandem::engine
