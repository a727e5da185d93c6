// Goal: positions carry average price and realised P&L exactly in paise through buys,
// partial exits and reversals.
#include "projections/positions.h"

#include <gtest/gtest.h>

namespace tandem::projections {
namespace {

TEST(Positions, BuysAverageAndSellsRealise) {
  Position p;
  p = apply_fill(p, 100, 100 * 200'00);  // buy 100 @ ₹200
  p = apply_fill(p, 100, 100 * 220'00);  // buy 100 @ ₹220 → avg ₹210
  EXPECT_EQ(p.net_qty_units, 200);
  EXPECT_EQ(p.average_price_paise(), 210'00);
  p = apply_fill(p, -50, 50 * 230'00);  // sell 50 @ ₹230: +₹20 × 50
  EXPECT_EQ(p.realized_pnl_paise, 50 * 20'00);
  EXPECT_EQ(p.net_qty_units, 150);
  EXPECT_EQ(p.average_price_paise(), 210'00);
}

TEST(Positions, ReversalRealisesTheClosedPartAndOpensTheRest) {
  Position p = apply_fill(Position{}, 100, 100 * 100'00);  // long 100 @ ₹100
  p = apply_fill(p, -150, 150 * 90'00);                    // sell 150 @ ₹90
  EXPECT_EQ(p.realized_pnl_paise, -100 * 10'00);
  EXPECT_EQ(p.net_qty_units, -50);
  EXPECT_EQ(p.average_price_paise(), 90'00);
  p = apply_fill(p, 50, 50 * 80'00);  // cover 50 @ ₹80: +₹10 × 50
  EXPECT_EQ(p.net_qty_units, 0);
  EXPECT_EQ(p.realized_pnl_paise, -100 * 10'00 + 50 * 10'00);
  EXPECT_EQ(p.open_cost_paise, 0);
}

TEST(Positions, DuplicatedFillReportsCountOnce) {
  Positions s;
  s = evolve(std::move(s), domain::LeaderConfigured{{"leader"}, domain::Broker::kite, {}, {}});
  domain::LeaderOrderUpdate u;
  u.order_id = {"1"};
  u.instrument = {domain::Exchange::nse, "INFY"};
  u.quantity_units = 10;
  u.filled_units = 10;
  u.average_price_paise = 1500'00;
  u.status = domain::OrderStatus::complete;
  s = evolve(std::move(s), u);
  s = evolve(std::move(s), u);
  u.filled_units = 4;  // a late partial report
  s = evolve(std::move(s), u);
  EXPECT_EQ(s.net({{"leader"}, {}}, u.instrument, u.product), 10);
}

}  // namespace
}  // namespace tandem::projections
