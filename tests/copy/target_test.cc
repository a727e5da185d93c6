// Goal: the targets of docs/domain.md ("Targets"), each worked example computed by the core:
// every policy, lots toward zero and to the nearest with carry, caps, reverse, the basis kept
// while the leader's position is open, and a flat target for a flat leader.
// Method: CopySim folds leader fills (followers with no broker fills of their own), then
// target_of() is read.
#include <gtest/gtest.h>

#include "copy/target.h"
#include "tests/support/copy_sim.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::leader_order;
using testing::sim_equity;
using testing::sim_follower;
using testing::sim_option;

const InstrumentKey kOption = sim_option().key;
const InstrumentKey kEquity = sim_equity().key;
int ids = 0;

// The leader trades `qty` (signed) at market, filled at `price`.
void leader_fills(CopySim& sim, const Instrument& i, int64_t qty, int64_t price = 100'00) {
  LeaderOrderUpdate u =
      leader_order("T" + std::to_string(ids++), i, qty > 0 ? Side::buy : Side::sell,
                   qty > 0 ? qty : -qty, OrderStatus::complete, qty > 0 ? qty : -qty);
  u.average_price_paise = price;
  sim.apply(u);
}

int64_t target(const CopySim& sim, const std::string& follower, const InstrumentKey& i) {
  return target_of(sim.state(), sim.state().followers.at({follower}), i, Product::intraday).units;
}

TEST(Target, MultiplierAndFixedRatioScaleTheLeadersNet) {
  CopySim sim;
  sim.setup({sim_follower("m", SizingPolicy::multiplier, 2 * kPpm),
             sim_follower("r", SizingPolicy::fixed_ratio, kPpm / 2)});
  leader_fills(sim, sim_equity(), 10);
  EXPECT_EQ(target(sim, "m", kEquity), 20);
  EXPECT_EQ(target(sim, "r", kEquity), 5);
  leader_fills(sim, sim_equity(), -10);
  EXPECT_EQ(target(sim, "m", kEquity), 0);  // a flat leader, a flat target
}

TEST(Target, CapitalProportionalKeepsTheCapitalsThePositionOpenedWith) {
  CopySim sim;
  sim.setup({sim_follower("c", SizingPolicy::capital_proportional)}, 5'00'000'00);
  sim.apply(FundsSnapshot{{"leader"}, 10'00'000'00});
  leader_fills(sim, sim_equity(), 100);
  EXPECT_EQ(target(sim, "c", kEquity), 50);
  sim.apply(FundsSnapshot{{"c"}, 1'00'000'00});  // margin in use: funds fall during the day
  EXPECT_EQ(target(sim, "c", kEquity), 50);
  leader_fills(sim, sim_equity(), -100);
  leader_fills(sim, sim_equity(), 100);  // a new position opens with today's capitals
  EXPECT_EQ(target(sim, "c", kEquity), 10);
}

TEST(Target, RiskBasedNeverExceedsTheBudgetAndFollowsTheLeadersExits) {
  FollowerSettings f = sim_follower("k", SizingPolicy::risk_based);
  f.max_position_pct_bp = 1000;  // 10% of ₹5,00,000 = ₹50,000
  CopySim sim;
  sim.setup({f}, 5'00'000'00);
  Instrument lot50 = sim_option();
  lot50.lot_size_units = 50;
  sim.apply(InstrumentSnapshot{lot50});
  leader_fills(sim, lot50, 100, 100'00);  // one lot at ₹100 × 50 = ₹5,000 → 10 lots
  EXPECT_EQ(target(sim, "k", kOption), 500);
  leader_fills(sim, lot50, 100, 120'00);  // adds: still the budget
  EXPECT_EQ(target(sim, "k", kOption), 500);
  leader_fills(sim, lot50, -50);  // 150 of a 200 peak: 7 lots
  EXPECT_EQ(target(sim, "k", kOption), 350);
  leader_fills(sim, lot50, -150);
  EXPECT_EQ(target(sim, "k", kOption), 0);
}

TEST(Target, LotsRoundTowardZeroOrToTheNearestWithCarry) {
  FollowerSettings down = sim_follower("down", SizingPolicy::fixed_ratio, 330'000);
  FollowerSettings near = down;
  near.follower = {"near"};
  near.account = {"near"};
  near.carry_remainder = true;
  CopySim sim;
  sim.setup({down, near});
  Instrument lot50 = sim_option();
  lot50.lot_size_units = 50;
  sim.apply(InstrumentSnapshot{lot50});
  const int64_t toward_zero[] = {0, 50, 100}, nearest[] = {50, 100, 150};
  for (int k = 0; k < 3; ++k) {
    leader_fills(sim, lot50, 150);  // 49.5, 99, 148.5 units
    EXPECT_EQ(target(sim, "down", kOption), toward_zero[k]) << k;
    EXPECT_EQ(target(sim, "near", kOption), nearest[k]) << k;
  }
}

TEST(Target, HalfALotLeftIsNoLot) {
  CopySim sim;
  sim.setup({sim_follower("h", SizingPolicy::fixed_ratio, kPpm / 2)});
  leader_fills(sim, sim_option(), 150);  // 2 lots × 0.5: 1 lot
  EXPECT_EQ(target(sim, "h", kOption), 75);
  leader_fills(sim, sim_option(), -75);  // half a lot: none, the lot goes with the first half
  EXPECT_EQ(target(sim, "h", kOption), 0);
}

TEST(Target, TheMaximumPositionCapsAndReverseMirrors) {
  FollowerSettings f = sim_follower("x", SizingPolicy::multiplier, 2 * kPpm);
  f.max_position_units = 100;
  f.reverse = true;
  CopySim sim;
  sim.setup({f});
  leader_fills(sim, sim_option(), 150);  // 300, capped to 75 (whole lots under 100), reversed
  const Target t =
      target_of(sim.state(), sim.state().followers.at({"x"}), kOption, Product::intraday);
  EXPECT_EQ(t.units, -75);
  EXPECT_EQ(t.why, SkipReason::max_position_reached);
}

TEST(Target, AnInstrumentTheFollowerDoesNotTradeHasNoTarget) {
  FollowerSettings f = sim_follower("n");
  f.deny_underlyings = {"NIFTY"};
  CopySim sim;
  sim.setup({f});
  leader_fills(sim, sim_option(), 150);
  const Target t =
      target_of(sim.state(), sim.state().followers.at({"n"}), kOption, Product::intraday);
  EXPECT_EQ(t.units, 0);
  EXPECT_EQ(t.why, SkipReason::instrument_not_allowed);
}

}  // namespace
}  // namespace tandem::domain
