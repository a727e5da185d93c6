// Goal: leader orders placed while the leader's stream is down are recovered from its order
// book once the stream is back, journaled as recovered, and handled by each follower's
// late-event policy exactly once: `skip` drops them as stale, `copy` mirrors them (a
// working limit order too), `converge` buys at market what the leader executed — and the
// leader's limit order that fills later, live, is caught up then.
// Method: the simulator refuses the leader's sockets for 3 s (Faults::streams_down) while the
// leader trades over REST; the follower's staleness limit is 2 s. One engine run per
// policy; the follower's book at the simulator and the journal are checked. The outage also
// raises (and journals) one leader_disconnected alert.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/support/engine_rig.h"

namespace tandem::engine {
namespace {

using namespace rig;

struct LateOutcome {
  std::vector<brokers::BrokerOrder> book;  // FOLLOW1's orders at the simulator
  std::map<std::string, std::vector<d::CopyDecision>> by_leader_order;  // FOLLOW1's decisions
  int recovered_updates = 0;
  std::vector<std::string> alerts;  // AlertRaised kinds, in order
};

LateOutcome run_with(d::LateEvents policy) {
  Rig rig;
  d::FollowerSettings f =
      follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, d::kPpm);
  f.staleness_limit_ms = 2000;  // Kite's exchange times are whole seconds
  f.late_events = policy;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {f};
  setup.leader_down_alert_after = 1s;  // the outage below lasts 3 s
  auto place = [&](const d::OrderTerms& o) {
    return rig.on_brokers([&] { return rig.sim->kite().place_as_owner("LEADER1", o); });
  };
  auto store = with_engine(rig, setup, {{f.follower, rig.follow1.get()}}, [&](Engine& engine) {
    ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::market, 2)).ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 1; }, 5s));
    const int64_t live_updates = engine.stats().leader_updates;

    // The leader's stream goes down for a stretch; the leader trades meanwhile.
    brokers::sim::Faults down;
    down.streams_down = true;
    ASSERT_TRUE(rig.on_brokers([&] {
                     Status s = rig.sim->kite().set_faults("LEADER1", down);
                     return s.ok() ? rig.sim->kite().drop_websockets("LEADER1") : s;
                   })
                    .ok());
    ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::market, 5)).ok());
    ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::limit, 4, 1400'00)).ok());
    ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::market, 3)).ok());
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(engine.stats().leader_updates, live_updates);  // nothing came live

    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().set_faults("LEADER1", brokers::sim::Faults{});
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().leader_updates >= live_updates + 3; }, 10s))
        << describe(engine.stats());
    ASSERT_TRUE(wait_for([&] { return engine.stats().in_flight == 0; }, 5s));
    // Back live: the price falls through the leader's limit, which fills now.
    const int64_t before_fill = engine.stats().leader_updates;
    rig.on_brokers([&] {
      rig.sim->kite().set_price(kInfy, 1390'00);
      return 0;
    });
    ASSERT_TRUE(wait_for([&] { return engine.stats().leader_updates > before_fill; }, 5s));
    ASSERT_TRUE(wait_for([&] { return engine.stats().in_flight == 0; }, 5s));
    std::this_thread::sleep_for(300ms);  // fills and late reports settle
  });
  LateOutcome out;
  if (!store) return out;
  out.book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
      out.recovered_updates += u->recovered;
    }
    if (const auto* c = std::get_if<d::CopyDecision>(&r.event)) {
      out.by_leader_order[c->leader_order_id.value].push_back(*c);
    }
    if (const auto* a = std::get_if<d::AlertRaised>(&r.event)) out.alerts.push_back(a->kind);
  }
  return out;
}

// (quantity, type) of each follower order, sorted: orders sent for consecutive leader
// updates go out in parallel, so their arrival order at the broker is not fixed.
std::vector<std::pair<int64_t, d::OrderType>> orders(const LateOutcome& o) {
  std::vector<std::pair<int64_t, d::OrderType>> out;
  for (const auto& b : o.book) out.emplace_back(b.quantity_units, b.order_type);
  std::sort(out.begin(), out.end());
  return out;
}

int count(const LateOutcome& o, d::CopyAction action, d::SkipReason reason = d::SkipReason::none) {
  int n = 0;
  for (const auto& [id, decisions] : o.by_leader_order) {
    for (const auto& c : decisions) n += c.action == action && c.skip_reason == reason;
  }
  return n;
}

// Every tag at the simulator once: nothing was sent twice.
void expect_tags_once(const LateOutcome& o) {
  std::set<std::string> tags;
  for (const auto& b : o.book) EXPECT_TRUE(tags.insert(b.tag).second) << b.tag;
}

TEST(EngineLateEvents, SkipDropsRecoveredOrdersOlderThanTheStalenessLimit) {
  const LateOutcome o = run_with(d::LateEvents::skip);
  EXPECT_GE(o.recovered_updates, 3);
  using P = std::pair<int64_t, d::OrderType>;
  // The stale limit order is not mirrored; when it fills live, the follower's position
  // catches up with the leader's at market (convergence, DESIGN.md invariant 8).
  EXPECT_EQ(orders(o), (std::vector<P>{{2, d::OrderType::market}, {12, d::OrderType::market}}));
  EXPECT_EQ(count(o, d::CopyAction::skip, d::SkipReason::stale_event), 3);  // once each
  // The outage outlasted the alert threshold: one leader_disconnected alert, journaled.
  EXPECT_EQ(std::count(o.alerts.begin(), o.alerts.end(), "leader_disconnected"), 1);
}

TEST(EngineLateEvents, CopyMirrorsEveryRecoveredOrderOnce) {
  const LateOutcome o = run_with(d::LateEvents::copy);
  EXPECT_GE(o.recovered_updates, 3);
  using P = std::pair<int64_t, d::OrderType>;
  EXPECT_EQ(orders(o), (std::vector<P>{{2, d::OrderType::market},
                                       {3, d::OrderType::market},
                                       {4, d::OrderType::limit},
                                       {5, d::OrderType::market}}));
  for (const auto& b : o.book) {  // the limit copy filled with the leader's
    if (b.order_type == d::OrderType::limit) {
      EXPECT_EQ(b.status, d::OrderStatus::complete);
    }
  }
  EXPECT_EQ(count(o, d::CopyAction::place), 4);
  expect_tags_once(o);
}

TEST(EngineLateEvents, ConvergeBuysWhatTheLeaderExecutedAndCatchesUpLaterFills) {
  const LateOutcome o = run_with(d::LateEvents::converge);
  EXPECT_GE(o.recovered_updates, 3);
  using P = std::pair<int64_t, d::OrderType>;
  // The recovered market orders at market; the working limit not mirrored, its later fill
  // bought at market.
  EXPECT_EQ(orders(o), (std::vector<P>{{2, d::OrderType::market},
                                       {3, d::OrderType::market},
                                       {4, d::OrderType::market},
                                       {5, d::OrderType::market}}));
  EXPECT_EQ(count(o, d::CopyAction::place), 4);
  expect_tags_once(o);
  int64_t held = 0;
  for (const auto& b : o.book) held += b.filled_units;
  EXPECT_EQ(held, 14);  // the leader's 2 + 5 + 4 + 3
}

}  // namespace
}  // namespace tandem::engine
