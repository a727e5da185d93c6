// An order found at the broker under a tag the journal lost (FollowerOrderFound): folded as
// its intent, ack and report would have been, so its fills count and its copy is mirrored.
#include <gtest/gtest.h>

#include "tests/support/copy_sim.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kSimTenAm;
using testing::leader_order;
using testing::sim_follower;
using testing::sim_option;

FollowerOrderFound found_limit(const std::string& leader_order_id, int64_t qty, int64_t filled,
                               OrderStatus status) {
  FollowerOrderFound f;
  f.follower = {"a"};
  f.tag = {"T1"};
  f.leader_order_id = {leader_order_id};
  f.ordinal = 1;
  f.broker_order_id = {"B9"};
  f.order = {sim_option().key,
             Side::buy,
             OrderType::limit,
             Product::intraday,
             Validity::day,
             qty,
             99'00,
             0};
  f.status = status;
  f.filled_units = filled;
  f.average_price_paise = filled > 0 ? 99'00 : 0;
  f.exchange_time_ns = kSimTenAm;
  return f;
}

TEST(FollowerOrderFound, CountsItsFillsAndWhatStillWorksAndDecidesNothing) {
  CopySim sim{/*auto_fill=*/false};
  sim.setup({sim_follower("a")});
  ASSERT_EQ(sim.state().counters.placed_today({"a"}), 0);
  EXPECT_TRUE(sim.apply(found_limit("L1", 150, 75, OrderStatus::open)).empty());
  EXPECT_EQ(sim.position("a", sim_option().key), 75);
  EXPECT_EQ(sim.state().counters.placed_today({"a"}), 1);  // it counts against max_daily_trades
  EXPECT_EQ(
      sim.state().positions.working({{"a"}, {}}, sim_option().key, Product::intraday, Side::buy),
      75);
  // Its later reports fold like any order's.
  sim.apply(FollowerOrderUpdate{
      {"T1"}, {"a"}, {"B9"}, OrderStatus::complete, 150, 99'00, kSimTenAm + 1, 150});
  EXPECT_EQ(sim.position("a", sim_option().key), 150);
  // Found again (a second start before anything else was journaled): nothing changes.
  const CopyState before = sim.state();
  sim.apply(found_limit("L1", 150, 75, OrderStatus::open));
  EXPECT_EQ(sim.state().positions, before.positions);
  EXPECT_EQ(sim.state().counters.placed_today({"a"}), before.counters.placed_today({"a"}));
}

TEST(FollowerOrderFound, TheLeaderOrderItCopiedIsMirroredFromItNotPlacedAgain) {
  CopySim sim{/*auto_fill=*/false};
  sim.setup({sim_follower("a", SizingPolicy::multiplier, 2 * kPpm)});
  sim.apply(found_limit("L1", 150, 0, OrderStatus::open));
  LeaderOrderUpdate u = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  u.order_type = OrderType::limit;
  u.price_paise = 99'00;
  const auto first = decisions_of(sim.apply(u));
  for (const auto& d : first) EXPECT_NE(d.action, CopyAction::place);
  // The leader cancels: the found copy is cancelled, under its own tag.
  u.status = OrderStatus::cancelled;
  const auto out = sim.apply(u);
  const auto decided = decisions_of(out);
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].action, CopyAction::cancel);
  const auto* cancel = std::get_if<FollowerOrderIntent>(&out.back());
  ASSERT_NE(cancel, nullptr);
  EXPECT_EQ(cancel->target_tag, ClientTag{"T1"});
  EXPECT_EQ(cancel->target_order_id, BrokerOrderId{"B9"});
}

}  // namespace
}  // namespace tandem::domain
