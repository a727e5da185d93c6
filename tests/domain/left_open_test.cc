// Goal: left_open() names exactly the followers holding a position where the leader is flat
// with nothing of theirs working there: an exit skipped by the daily trade limit, an entry
// that filled after the leader's exit found nothing to sell; not a follower whose exit is
// still working, not one in step with the leader, not while the leader holds.
// Method: CopySim drives decide()/apply() through each history.
#include "domain/copy/left_open.h"

#include <gtest/gtest.h>

#include "domain/copy/client_tag.h"
#include "tests/support/copy_sim.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kSimPricePaise;
using testing::leader_order;
using testing::sim_follower;
using testing::sim_option;

const InstrumentKey kOption = sim_option().key;

TEST(LeftOpen, AnExitSkippedByTheDailyTradeLimitLeavesTheFollowerOpen) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.max_daily_trades = 1;
  sim.setup({f, sim_follower("b")});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  EXPECT_TRUE(left_open(sim.state(), kOption).empty());  // leader holds
  const auto exits = decisions_of(
      sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75)));
  ASSERT_EQ(exits.size(), 2u);
  EXPECT_EQ(exits[0].skip_reason, SkipReason::daily_trade_limit);
  // b exited with the leader; a still holds the 75.
  EXPECT_EQ(left_open(sim.state(), kOption),
            (std::vector<LeftOpen>{{{"a"}, Product::intraday, 75}}));
}

TEST(LeftOpen, AFollowerWhoseExitIsStillWorkingIsNotNamedUntilItEnds) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  sim.broker_step();  // the entry fills
  sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75));
  sim.broker_step(/*fill_places=*/false);  // the exit is at the broker, unfilled
  EXPECT_TRUE(left_open(sim.state(), kOption).empty());
  // The broker cancels it unfilled: now nothing will close the 75.
  const ClientTag exit_tag = client_tag({"L2"}, {"a"}, 1);
  const auto* copy = sim.state().mappings.find(LeaderOrderId{"L2"}, FollowerId{"a"});
  ASSERT_NE(copy, nullptr);
  sim.apply(FollowerOrderUpdate{
      exit_tag, {"a"}, copy->broker_order_id, OrderStatus::cancelled, 0, 0, 0, 75});
  EXPECT_EQ(left_open(sim.state(), kOption),
            (std::vector<LeftOpen>{{{"a"}, Product::intraday, 75}}));
}

TEST(LeftOpen, AnEntryThatFillsAfterTheLeadersExitIsNamed) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup({sim_follower("a")});
  auto entry = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  entry.order_type = OrderType::limit;
  entry.price_paise = kSimPricePaise;
  sim.apply(entry);
  sim.broker_step(/*fill_places=*/false);  // the copy works at the broker
  entry.status = OrderStatus::complete;
  entry.filled_units = 75;
  entry.average_price_paise = kSimPricePaise;
  sim.apply(entry);  // the leader's fills; the follower's does not yet
  const auto exit = decisions_of(
      sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75)));
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_EQ(exit[0].skip_reason, SkipReason::no_position_to_exit);
  EXPECT_TRUE(left_open(sim.state(), kOption).empty());  // still working
  const ClientTag tag = client_tag({"L1"}, {"a"}, 1);
  const auto* copy = sim.state().mappings.find(LeaderOrderId{"L1"}, FollowerId{"a"});
  ASSERT_NE(copy, nullptr);
  sim.apply(FollowerOrderUpdate{
      tag, {"a"}, copy->broker_order_id, OrderStatus::complete, 75, kSimPricePaise, 0, 75});
  EXPECT_EQ(left_open(sim.state(), kOption),
            (std::vector<LeftOpen>{{{"a"}, Product::intraday, 75}}));
}

}  // namespace
}  // namespace tandem::domain
