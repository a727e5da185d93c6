// Goal: as a trading day opens, a leader order that ended with every copy ended leaves every
// order- and tag-keyed index and is remembered by id only; a stale report of it then decides
// nothing (unremembered, it would look like a new order seen complete, and be placed again);
// an order still working anywhere, the leader's or a copy, is kept; positions stay. A
// flatten's own closing orders leave once filled; a remembered id is dropped as the next day
// opens, so the set holds one day's orders, not the journal's.
// Method: CopySim drives decide()/apply() through a day and into the next.
#include "copy/forget_ended.h"

#include <gtest/gtest.h>

#include "copy/decide.h"
#include "domain/copy/client_tag.h"
#include "tests/support/copy_sim.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kSimDay;
using testing::kSimPricePaise;
using testing::leader_order;
using testing::sim_equity;
using testing::sim_follower;
using testing::sim_option;

constexpr TradingDay kNextDay = 20261123;  // the Monday after kSimDay

TEST(ForgetEnded, AnOrderThatEndedWithItsCopiesIsForgottenAndItsStaleReportPlacesNothing) {
  CopySim sim;  // the broker fills every copy at once
  sim.setup({sim_follower("a")});
  const auto open = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  const auto complete = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75);
  ASSERT_EQ(decisions_of(sim.apply(open)).size(), 1u);
  sim.apply(complete);
  const ClientTag tag = client_tag({"L1"}, {"a"}, 1);
  ASSERT_TRUE(sim.state().mappings.by_tag.contains(tag));
  // Within the day nothing is forgotten, even once everything has ended.
  EXPECT_TRUE(sim.state().ended_leader_orders.empty());

  sim.apply(TradingDayOpened{kNextDay});
  const CopyState& s = sim.state();
  EXPECT_EQ(s.ended_leader_orders.at(LeaderOrderId{"L1"}), kNextDay);
  EXPECT_FALSE(s.orders.leader.contains(LeaderOrderId{"L1"}));
  EXPECT_FALSE(s.positions.leader_fills.contains(LeaderOrderId{"L1"}));
  EXPECT_EQ(s.mappings.copies_of(LeaderOrderId{"L1"}), nullptr);
  EXPECT_FALSE(s.mappings.by_tag.contains(tag));
  EXPECT_FALSE(s.orders.follower.contains(tag));
  EXPECT_FALSE(s.positions.follower_orders.contains(tag));
  EXPECT_FALSE(s.counters.placed.contains(tag));
  EXPECT_EQ(sim.position("a", sim_option().key), 75);  // what it holds is not forgotten

  EXPECT_TRUE(decide(s, complete).empty());
  EXPECT_TRUE(decide(s, open).empty());
  // Kept state decides the same way; a forgotten order is not taken for a new one.
  CopyState keeping;
  for (const Event& e : sim.journal()) apply_keeping_ended(keeping, e);
  EXPECT_TRUE(decide(keeping, complete).empty());
  EXPECT_FALSE(keeping.orders.leader.empty());
}

TEST(ForgetEnded, AnOrderWorkingAnywhereIsKept) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup({sim_follower("a")});
  // L1: the leader's order filled, the copy still open at its broker.
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open));
  sim.broker_step(/*fill_places=*/false);
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  // L2: the leader's order still working.
  sim.apply(leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::open));
  sim.broker_step(/*fill_places=*/false);

  sim.apply(TradingDayOpened{kNextDay});
  const CopyState& s = sim.state();
  EXPECT_TRUE(s.ended_leader_orders.empty());
  EXPECT_NE(s.mappings.find(LeaderOrderId{"L1"}, FollowerId{"a"}), nullptr);
  EXPECT_NE(s.mappings.find(LeaderOrderId{"L2"}, FollowerId{"a"}), nullptr);
  EXPECT_TRUE(s.orders.leader.contains(LeaderOrderId{"L2"}));
  EXPECT_TRUE(s.mappings.by_tag.contains(client_tag({"L1"}, {"a"}, 1)));
  // L2 is still mirrored: the leader's modify reaches the copy.
  auto modified = leader_order("L2", sim_option(), Side::buy, 150, OrderStatus::open);
  modified.exchange_time_ns += 3 * 86'400'000'000'000;  // Monday
  const auto d = decisions_of(sim.apply(modified));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].action, CopyAction::modify);
}

TEST(ForgetEnded, AnOrderSkippedByEveryFollowerIsForgottenOnceEnded) {
  CopySim sim;
  FollowerSettings off = sim_follower("a");
  off.enabled = false;
  sim.setup({off});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  ASSERT_EQ(sim.state().mappings.copies_of(LeaderOrderId{"L1"}), nullptr);
  sim.apply(TradingDayOpened{kNextDay});
  EXPECT_TRUE(sim.state().ended_leader_orders.contains(LeaderOrderId{"L1"}));
  EXPECT_FALSE(sim.state().orders.leader.contains(LeaderOrderId{"L1"}));
}

TEST(ForgetEnded, AFlattensClosingOrdersLeaveOnceFilledAndTheirWorkingOnesStay) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  sim.apply(leader_order("L2", sim_equity(), Side::buy, 10, OrderStatus::complete, 10));
  sim.broker_step();
  ASSERT_EQ(sim.position("a", sim_option().key), 75);
  const auto closing = decisions_of(sim.apply(FollowerFlattenRequested{{"a"}, "alice", "r1"}));
  ASSERT_EQ(closing.size(), 2u);
  // One closing order fills, the other is still working at its broker as the day ends.
  std::vector<ClientTag> tags;
  for (const auto& [tag, owner] : sim.state().mappings.by_tag) {
    if (owner.leader_order_id.value.starts_with("flatten:r1:")) tags.push_back(tag);
  }
  ASSERT_EQ(tags.size(), 2u);
  sim.broker_step(/*fill_places=*/false);
  const ClientTag filled = tags[0];
  const ClientTag working = tags[1];
  const LeaderOrderId filled_id = sim.state().mappings.by_tag.at(filled).leader_order_id;
  const LeaderOrderId working_id = sim.state().mappings.by_tag.at(working).leader_order_id;
  const auto* copy = sim.state().mappings.find(filled_id, FollowerId{"a"});
  ASSERT_NE(copy, nullptr);
  const int64_t units = copy->order.quantity_units;
  sim.apply(FollowerOrderUpdate{filled,
                                {"a"},
                                copy->broker_order_id,
                                OrderStatus::complete,
                                units,
                                kSimPricePaise,
                                0,
                                units});

  sim.apply(TradingDayOpened{kNextDay});
  const CopyState& s = sim.state();
  EXPECT_EQ(s.mappings.copies_of(filled_id), nullptr);
  EXPECT_FALSE(s.mappings.by_tag.contains(filled));
  EXPECT_FALSE(s.orders.follower.contains(filled));
  EXPECT_FALSE(s.positions.follower_orders.contains(filled));
  EXPECT_FALSE(s.counters.placed.contains(filled));
  EXPECT_FALSE(s.ended_leader_orders.contains(filled_id));  // no leader report can name it
  EXPECT_NE(s.mappings.copies_of(working_id), nullptr);
  EXPECT_TRUE(s.mappings.by_tag.contains(working));
  EXPECT_TRUE(s.positions.follower_orders.contains(working));
  // Both leader orders ended with their copies: the two ids are remembered.
  EXPECT_EQ(s.ended_leader_orders.size(), 2u);
}

TEST(ForgetEnded, ARememberedIdIsDroppedAtTheNextOpening) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  const auto l1 = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75);
  sim.apply(l1);
  sim.apply(TradingDayOpened{kNextDay});  // L1 forgotten, remembered for this day
  EXPECT_TRUE(decide(sim.state(), l1).empty());
  sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75));
  sim.apply(TradingDayOpened{kNextDay + 1});  // L2 forgotten; L1 dropped
  EXPECT_FALSE(sim.state().ended_leader_orders.contains(LeaderOrderId{"L1"}));
  EXPECT_EQ(sim.state().ended_leader_orders.at(LeaderOrderId{"L2"}), kNextDay + 1);
  sim.apply(TradingDayOpened{kNextDay + 2});  // nothing ended: the set empties
  EXPECT_TRUE(sim.state().ended_leader_orders.empty());
}

}  // namespace
}  // namespace tandem::domain
