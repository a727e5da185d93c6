// Goal (DESIGN.md invariant 1, issue 26): the engine syncs an input, lets the orders it
// decided go, and only then appends the decisions and intents. Killed -9 exactly in between,
// 30 times, it loses nothing and duplicates nothing: each restart decides the lost outputs
// again (the same tags), finds at the broker those whose orders reached it, sends the rest,
// and the follower ends holding what an uninterrupted run holds.
// Method: the real `tandem sim` and `tandem run` processes. Each run is started with
// TANDEM_CRASH_AFTER_INPUT_SYNC=1:MS (engine/crash_point.h), so it kills itself with SIGKILL
// MS (0 to 3, seeded) milliseconds after the first input that decides orders is synced and
// its orders are let go; the test then places a leader order at the simulator (LEADER1,
// BUY or SELL at market) for it to die on. A last run without the kill settles the day.
// The books are read at the simulator over HTTPS: FOLLOW1 (ratio 2) must hold twice what
// LEADER1 holds, with no tag twice, and every intent in the journal acknowledged or
// rejected. The journal replays (replay --verify's core) with no divergence.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <random>

#include "journal/record_reader.h"
#include "replay/verify.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/live_day.h"

namespace tandem::engine::input_crash_test {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

constexpr int kKills = 30;
constexpr uint32_t kSeed = 20261206;

int64_t net_of(const std::vector<brokers::BrokerOrder>& book) {
  int64_t net = 0;
  for (const auto& o : book) net += o.side == d::Side::buy ? o.filled_units : -o.filled_units;
  return net;
}

TEST(InputCrash,
     KilledThirtyTimesBetweenAnInputsSyncAndItsDecisionsTheFollowerHoldsTwiceTheLeader) {
  testing::TempDir dir;
  testing::LiveDay day(dir, {"10:00:00.000 price NSE:INFY 1500.00\n", "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const std::vector<std::string> run_args = day.run_args();
  std::mt19937 rng(kSeed);
  SCOPED_TRACE("seed=" + std::to_string(kSeed));
  std::uniform_int_distribution<int> pause_ms(0, 3), units(1, 9);

  d::OrderTerms order;
  order.instrument = {d::Exchange::nse, "INFY"};
  order.order_type = d::OrderType::market;
  int placed = 0;
  auto place_leader_order = [&] {
    order.side = placed % 3 == 2 ? d::Side::sell : d::Side::buy;
    order.quantity_units = units(rng);
    auto p = day.place(order, d::ClientTag{"hand" + std::to_string(placed++)}, true);
    ASSERT_TRUE(p.ok()) << p.status().to_string();
  };

  int killed = 0;
  for (int k = 0; k < kKills; ++k) {
    const std::string crash = "TANDEM_CRASH_AFTER_INPUT_SYNC=1:" + std::to_string(pause_ms(rng));
    testing::Process engine(TANDEM_BIN, run_args, dir.path("run.out"), dir.path(), {crash});
    // A restart may die on its own start (a lost input decided again, then a catch-up that
    // sends orders); otherwise it dies on the leader order placed once it runs.
    const int started = testing::count_text(dir.path("run.out"), "event=engine_started");
    std::optional<int> ended;
    bool ordered = false;
    for (auto end = std::chrono::steady_clock::now() + 40s;
         !ended && std::chrono::steady_clock::now() < end;) {
      ended = engine.wait_for(20ms);
      if (!ended && !ordered &&
          testing::count_text(dir.path("run.out"), "event=engine_started") > started) {
        place_leader_order();
        ordered = true;
      }
    }
    ASSERT_TRUE(ended.has_value()) << "run " << k << " did not reach its crash point\n"
                                   << testing::read_file(dir.path("run.out"));
    EXPECT_EQ(*ended, 128 + SIGKILL) << testing::read_file(dir.path("run.out"));
    killed += *ended == 128 + SIGKILL;
  }
  EXPECT_EQ(killed, kKills);

  // The last run settles the day: the follower holds twice the leader.
  testing::Process last(TANDEM_BIN, run_args, dir.path("run.out"), dir.path());
  const int before = testing::count_text(dir.path("run.out"), "event=engine_started");
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s, before + 1));
  const int64_t leader = net_of(day.follower_book(/*leader=*/true));
  int64_t follower = 0;
  for (int i = 0; i < 100 && follower != 2 * leader; ++i) {
    std::this_thread::sleep_for(100ms);
    follower = net_of(day.follower_book());
  }
  std::this_thread::sleep_for(1s);  // anything still in flight lands before the stop
  last.signal(SIGINT);
  ASSERT_EQ(last.wait(), 0) << testing::read_file(dir.path("run.out"));
  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();

  std::cout << "seed=" << kSeed << " leader orders " << placed << ", leader holds " << leader
            << ", follower orders " << book.size() << ", runs that decided an input again "
            << testing::count_text(dir.path("run.out"), "event=decisions_recovered") << "\n";
  EXPECT_GE(placed, kKills / 2) << "most runs died on a leader order, not only on start";
  EXPECT_NE(leader, 0);
  EXPECT_EQ(net_of(book), 2 * leader) << "FOLLOW1 holds what an uninterrupted run holds";
  EXPECT_GE(testing::count_text(dir.path("run.out"), "event=decisions_recovered"), kKills)
      << "every kill left an input's decisions to decide again";

  // No tag twice at the broker; every order there was journaled as an intent; every intent
  // ended acknowledged or rejected.
  auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::map<std::string, int> resolved;  // tag → acks + rejections
  std::set<std::string> intents;
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    if (auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) intents.insert(i->tag.value);
    if (auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) ++resolved[a->tag.value];
    if (auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) ++resolved[j->tag.value];
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  testing::expect_each_tag_once_and_journaled(book, intents);
  for (const auto& tag : intents) EXPECT_TRUE(resolved.contains(tag)) << "unresolved " << tag;

  // The journal reads as one uninterrupted run's: every decision recomputes.
  auto days = store->days();
  ASSERT_TRUE(days.ok() && !days->empty());
  auto report = replay::verify_days(*store, days->begin()->first, days->rbegin()->first);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_FALSE(report->divergence) << report->divergence->what << " at " << report->divergence->seq;
}

}  // namespace
}  // namespace tandem::engine::input_crash_test
