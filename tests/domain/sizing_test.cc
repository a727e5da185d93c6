// Goal: each sizing policy gives the quantities of the two seed copiers' worked examples,
// rounds to whole lots as DESIGN.md says, and names the reason when it cannot size.
// Method: size_quantity() on hand-picked inputs; every expected number is derived in a comment.
#include "domain/sizing/sizing.h"

#include <gtest/gtest.h>

namespace tandem::domain {
namespace {

FollowerSettings follower(SizingPolicy policy, int64_t ratio_ppm = kPpm) {
  FollowerSettings f;
  f.follower = {"f"};
  f.account = {"f"};
  f.sizing = policy;
  f.ratio_ppm = ratio_ppm;
  return f;
}

SizingRequest request(int64_t leader_qty, int64_t lot = 1) {
  SizingRequest r;
  r.leader_qty_units = leader_qty;
  r.lot_size_units = lot;
  return r;
}

TEST(Sizing, MultiplierScalesTheLeaderQuantity) {
  // Zerodha seed: FOLLOWER_1_MULTIPLIER=2 copies 10 shares as 20.
  const Sized s = size_quantity(follower(SizingPolicy::multiplier, 2 * kPpm), request(10));
  EXPECT_EQ(s.skip, SkipReason::none);
  EXPECT_EQ(s.inputs.raw_qty_micro, 20 * kMicro);
  EXPECT_EQ(s.inputs.rounded_qty_units, 20);
}

TEST(Sizing, FixedRatioHalvesOneHundred) {
  // Dhan seed: COPY_RATIO=0.5, leader 100 → 50.
  const Sized s = size_quantity(follower(SizingPolicy::fixed_ratio, kPpm / 2), request(100));
  EXPECT_EQ(s.inputs.rounded_qty_units, 50);
  EXPECT_EQ(s.inputs.ratio_ppm, 500'000);
}

TEST(Sizing, CapitalProportionalFollowsTheCapitalRatio) {
  // Dhan seed: leader ₹10,00,000, follower ₹5,00,000, leader 100 → 50.
  SizingRequest r = request(100);
  r.leader_capital_paise = 10'00'000'00;
  r.follower_capital_paise = 5'00'000'00;
  const Sized s = size_quantity(follower(SizingPolicy::capital_proportional), r);
  EXPECT_EQ(s.inputs.rounded_qty_units, 50);
  EXPECT_EQ(s.inputs.leader_capital_paise, 10'00'000'00);
  EXPECT_EQ(s.inputs.follower_capital_paise, 5'00'000'00);
}

TEST(Sizing, CapitalProportionalWithoutFundsIsSkippedByName) {
  SizingRequest r = request(100);
  r.follower_capital_paise = 5'00'000'00;  // no leader funds snapshot yet
  EXPECT_EQ(size_quantity(follower(SizingPolicy::capital_proportional), r).skip,
            SkipReason::no_capital_snapshot);
}

TEST(Sizing, RiskBasedTenPercentOfFiveLakhAtPremiumHundredLotFiftyIsTenLots) {
  // Dhan seed: 10% × ₹5,00,000 = ₹50,000; one lot costs ₹100 × 50 = ₹5,000 → 10 lots.
  FollowerSettings f = follower(SizingPolicy::risk_based);
  f.max_position_pct_bp = 1000;
  SizingRequest r = request(75, 50);  // the leader's own quantity does not matter here
  r.follower_capital_paise = 5'00'000'00;
  r.premium_paise = 100'00;
  const Sized s = size_quantity(f, r);
  EXPECT_EQ(s.skip, SkipReason::none);
  EXPECT_EQ(s.inputs.rounded_qty_units, 10 * 50);
}

TEST(Sizing, RiskBasedWithoutAPriceIsSkippedByName) {
  FollowerSettings f = follower(SizingPolicy::risk_based);
  f.max_position_pct_bp = 1000;
  SizingRequest r = request(75, 50);
  r.follower_capital_paise = 5'00'000'00;
  EXPECT_EQ(size_quantity(f, r).skip, SkipReason::no_reference_price);
}

TEST(Sizing, CapitalProportionalRoundsDownToWholeLots) {
  // 150 units (2 lots of 75) × 0.7 = 105 units = 1.4 lots → 1 lot.
  SizingRequest r = request(150, 75);
  r.leader_capital_paise = 10'000'00;
  r.follower_capital_paise = 7'000'00;
  const Sized s = size_quantity(follower(SizingPolicy::capital_proportional), r);
  EXPECT_EQ(s.inputs.raw_qty_micro, 105 * kMicro);
  EXPECT_EQ(s.inputs.rounded_qty_units, 75);
  EXPECT_EQ(s.inputs.remainder_out_micro, 30 * kMicro);
}

TEST(Sizing, BelowOneLotIsSkippedLikeTheDhanSeedsZeroQuantity) {
  // 75 units × 0.5 = 37.5 units, less than one lot of 75.
  const Sized s = size_quantity(follower(SizingPolicy::fixed_ratio, kPpm / 2), request(75, 75));
  EXPECT_EQ(s.skip, SkipReason::below_one_lot);
  EXPECT_EQ(s.inputs.rounded_qty_units, 0);
}

TEST(Sizing, EquitiesRoundToWholeShares) {
  // 7 shares × 0.5 = 3.5 → 3.
  const Sized s = size_quantity(follower(SizingPolicy::fixed_ratio, kPpm / 2), request(7));
  EXPECT_EQ(s.inputs.rounded_qty_units, 3);
}

TEST(Sizing, CarriedRemainderTurnsThreeSmallCopiesIntoThreeLots) {
  // A 0.33 follower of three 3-lot (150-unit) buys, lot 50: each is 49.5 units = 0.99 lots.
  FollowerSettings f = follower(SizingPolicy::fixed_ratio, 330'000);
  f.carry_remainder = true;
  int64_t remainder = 0, total = 0;
  for (int i = 0; i < 3; ++i) {
    SizingRequest r = request(150, 50);
    r.remainder_in_micro = remainder;
    const Sized s = size_quantity(f, r);
    ASSERT_EQ(s.skip, SkipReason::none);
    total += s.inputs.rounded_qty_units;
    remainder = s.inputs.remainder_out_micro;
  }
  EXPECT_EQ(total, 3 * 50);          // 3 lots, not 0
  EXPECT_EQ(remainder, -1'500'000);  // 148.5 units owed − 150 placed
}

TEST(Sizing, WithoutCarryTheSameDayEndsAtZero) {
  FollowerSettings f = follower(SizingPolicy::fixed_ratio, 330'000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(size_quantity(f, request(150, 50)).skip, SkipReason::below_one_lot);
  }
}

TEST(Sizing, SellsCarryANegativeRemainder) {
  FollowerSettings f = follower(SizingPolicy::fixed_ratio, 330'000);
  f.carry_remainder = true;
  SizingRequest r = request(150, 50);
  r.direction = -1;
  const Sized s = size_quantity(f, r);
  EXPECT_EQ(s.inputs.rounded_qty_units, 50);
  EXPECT_EQ(s.inputs.remainder_out_micro, 500'000);  // −49.5 − (−50) = +0.5 units
}

}  // namespace
}  // namespace tandem::domain
