// Goal: every risk check refuses exactly what it names, and the quantity limits clamp as
// DESIGN.md says (exits never open; positions and order values stay inside their limits).
#include "domain/risk/risk_checks.h"

#include <gtest/gtest.h>

namespace tandem::domain {
namespace {

constexpr TimeNs kTenAm = 1'795'146'300'000'000'000 + 45LL * 60 * 1'000'000'000;  // 10:00 IST

Instrument nifty_option() {
  Instrument i;
  i.key = {Exchange::nfo, "NIFTY26N2423500CE"};
  i.underlying = "NIFTY";
  i.segment = Segment::derivatives;
  i.lot_size_units = 75;
  return i;
}

TEST(Risk, AllowAndDenyListsBySymbolUnderlyingAndSegment) {
  FollowerSettings f;
  EXPECT_TRUE(instrument_allowed(f, nifty_option()));
  f.allow_underlyings = {"BANKNIFTY"};
  EXPECT_FALSE(instrument_allowed(f, nifty_option()));
  f.allow_underlyings = {"NIFTY"};
  f.deny_symbols = {"NIFTY26N2423500CE"};
  EXPECT_FALSE(instrument_allowed(f, nifty_option()));
  f.deny_symbols.clear();
  f.deny_segments = {Segment::derivatives};
  EXPECT_FALSE(instrument_allowed(f, nifty_option()));
}

TEST(Risk, DisallowedProductIsSkippedOrSubstituted) {
  FollowerSettings f;
  f.allow_products = {Product::intraday};
  EXPECT_EQ(follower_product(f, Product::intraday), Product::intraday);
  EXPECT_EQ(follower_product(f, Product::carry_forward), std::nullopt);
  f.disallowed_product = DisallowedProductAction::use_intraday;
  EXPECT_EQ(follower_product(f, Product::carry_forward), Product::intraday);
  f.disallowed_product = DisallowedProductAction::use_delivery;
  EXPECT_EQ(follower_product(f, Product::carry_forward), std::nullopt);  // not allowed either
}

TEST(Risk, CopyWindowAndStaleness) {
  FollowerSettings f;
  EXPECT_TRUE(in_copy_window(f, kTenAm));
  f.copy_window_start_min = 10 * 60 + 30;
  f.copy_window_end_min = 15 * 60;
  EXPECT_FALSE(in_copy_window(f, kTenAm));
  EXPECT_FALSE(is_stale(f, kTenAm, kTenAm + 5'000'000'000));
  f.staleness_limit_ms = 2000;
  EXPECT_TRUE(is_stale(f, kTenAm, kTenAm + 2'000'000'001));
  EXPECT_FALSE(is_stale(f, kTenAm, kTenAm + 2'000'000'000));
}

TEST(Risk, PriceGuardInBasisPoints) {
  FollowerSettings f;
  f.price_guard_bp = 100;  // 1%
  EXPECT_FALSE(outside_price_guard(f, 101'00, 100'00));
  EXPECT_TRUE(outside_price_guard(f, 101'01, 100'00));
  EXPECT_TRUE(outside_price_guard(f, 98'99, 100'00));
}

TEST(Risk, ExitIsClampedToTheFollowersPosition) {
  FollowerSettings f;
  const Limited l = apply_limits(f, {150, 75, -1, true, 75, 0, 0, 100});
  EXPECT_EQ(l.qty_units, 75);
  EXPECT_EQ(l.clamp, Clamp::exit_position);
}

TEST(Risk, ExitsAlreadyWorkingLeaveLessToExit) {
  // Long 150 with a sell of 75 still working: only 75 more may be sold, whatever happens to
  // a working buy (it may be cancelled).
  FollowerSettings f;
  const Limited l = apply_limits(f, {150, 75, -1, true, 150, 75, 75, 100});
  EXPECT_EQ(l.qty_units, 75);
  EXPECT_EQ(apply_limits(f, {75, 75, -1, true, 150, 150, 0, 100}).skip,
            SkipReason::no_position_to_exit);
}

TEST(Risk, ExitWithoutPositionIsSkipped) {
  FollowerSettings f;
  EXPECT_EQ(apply_limits(f, {75, 75, -1, true, 0, 0, 0, 100}).skip,
            SkipReason::no_position_to_exit);
  // A long exit when the follower is short (e.g. it reverses) opens nothing either.
  EXPECT_EQ(apply_limits(f, {75, 75, -1, true, -75, 0, 0, 100}).skip,
            SkipReason::no_position_to_exit);
}

TEST(Risk, MaxPositionCountsWorkingOrders) {
  // Zerodha seed FOLLOWER_X_MAX_POSITION: 225 units; 75 filled and 75 working leave 75.
  FollowerSettings f;
  f.max_position_units = 225;
  const Limited l = apply_limits(f, {150, 75, 1, false, 75, 75, 0, 100});
  EXPECT_EQ(l.qty_units, 75);
  EXPECT_EQ(l.clamp, Clamp::max_position);
  // A working sell does not make room: it may never fill.
  EXPECT_EQ(apply_limits(f, {75, 75, 1, false, 150, 75, 75, 100}).skip,
            SkipReason::max_position_reached);
}

TEST(Risk, MaxOrderValueClampsToWholeLots) {
  FollowerSettings f;
  f.max_order_value_paise = 20'000'00;  // ₹20,000 at ₹100 = 200 units = 2 lots of 75 (150)
  const Limited l = apply_limits(f, {300, 75, 1, false, 0, 0, 0, 100'00});
  EXPECT_EQ(l.qty_units, 150);
  EXPECT_EQ(l.clamp, Clamp::max_order_value);
  f.max_order_value_paise = 5'000'00;  // less than one lot
  EXPECT_EQ(apply_limits(f, {75, 75, 1, false, 0, 0, 0, 100'00}).skip, SkipReason::max_order_value);
}

}  // namespace
}  // namespace tandem::domain
