// Goal: a backtest with the recorded settings reproduces the recorded decisions and outcome
// exactly (the recorded broker answers are used where the order is the same); changed
// settings change the outcome, and a new follower trades on paper at the leader's prices
// plus its slippage.
// Method: CopySim days journaled through the real store; backtests over them.
#include "replay/backtest.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::replay {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;

std::vector<d::FollowerSettings> recorded_followers() {
  auto tight = testing::sim_follower("b", d::SizingPolicy::fixed_ratio, d::kPpm / 2);
  tight.max_position_units = 75;
  return {testing::sim_follower("a", d::SizingPolicy::multiplier, 2 * d::kPpm), tight};
}

std::unique_ptr<journal::Store> a_day(const std::string& dir) {
  testing::CopySim sim;
  sim.setup(recorded_followers());
  const auto option = testing::sim_option();
  auto buy = testing::leader_order("L1", option, d::Side::buy, 300, d::OrderStatus::complete, 300);
  buy.average_price_paise = 100'00;
  auto sell =
      testing::leader_order("L2", option, d::Side::sell, 300, d::OrderStatus::complete, 300);
  sell.average_price_paise = 120'00;
  sim.apply(buy);
  sim.apply(sell);
  auto store = testing::open_store(dir);
  std::vector<journal::AppendItem> items;
  int64_t at = testing::kSimTenAm;
  for (const auto& e : sim.journal()) items.push_back(testing::item(e, kSimDay, at += 1'000'000));
  EXPECT_TRUE(store->append(items).ok());
  return store;
}

BacktestRequest with(const std::vector<d::FollowerSettings>& followers, int64_t slippage_bp = 0) {
  BacktestRequest r;
  r.from = r.to = kSimDay;
  for (const auto& f : followers) r.followers.push_back({f, 10'00'000'00, slippage_bp});
  return r;
}

TEST(Backtest, TheRecordedSettingsReproduceTheRecordedDay) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto report = backtest(*store, with(recorded_followers()));
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->leader_updates, 2);
  ASSERT_EQ(report->followers.size(), 2u);
  for (const auto& f : report->followers) {
    SCOPED_TRACE(f.follower);
    EXPECT_TRUE(f.recorded);
    EXPECT_GT(f.decisions_equal, 0);
    EXPECT_EQ(f.decisions_different, 0);
    EXPECT_EQ(f.paper_orders, 0);
    EXPECT_EQ(f.simulated, f.actual);
    EXPECT_EQ(f.simulated_series.size(), 2u);
    EXPECT_EQ(f.simulated_series.back().pnl_paise, f.actual_series.back().pnl_paise);
  }
  // CopySim's broker filled a's 600 bought and 600 sold at ₹100: flat, as recorded.
  EXPECT_EQ(report->followers[0].actual.realized_pnl_paise, 0);
  EXPECT_EQ(report->followers[0].actual.filled_units, 1200);
}

TEST(Backtest, OtherSettingsTradeOnPaperWithSlippage) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto a = testing::sim_follower("a", d::SizingPolicy::multiplier, d::kPpm);      // 1x, not 2x
  auto c = testing::sim_follower("c", d::SizingPolicy::multiplier, 3 * d::kPpm);  // new
  auto report = backtest(*store, with({a, c}, 100));  // 1% slippage on paper
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  const auto& ra = report->followers[0];
  EXPECT_TRUE(ra.recorded);
  EXPECT_GT(ra.decisions_different, 0);
  EXPECT_EQ(ra.paper_orders, 2);
  // 300 bought at 101, sold at 118.80: 300 × 17.80.
  EXPECT_EQ(ra.simulated.realized_pnl_paise, 300 * 17'80);
  EXPECT_NE(ra.simulated, ra.actual);
  const auto& rc = report->followers[1];
  EXPECT_FALSE(rc.recorded);
  EXPECT_TRUE(rc.actual_series.empty());
  EXPECT_EQ(rc.simulated.placed, 2);
  EXPECT_EQ(rc.simulated.realized_pnl_paise, 900 * 17'80);
}

TEST(Backtest, ADayNotInTheJournalIsNotFound) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto request = with(recorded_followers());
  request.from = request.to = kSimDay + 1;
  EXPECT_EQ(backtest(*store, request).status().code(), StatusCode::not_found);
}

// The report's comparison columns: the largest fall from an earlier peak (the day starting at
// 0), and the largest exposure — against the definitions computed the slow way.
RC_GTEST_PROP(BacktestProp, DrawdownIsTheLargestFallFromAnEarlierPeak, ()) {
  const auto pnls =
      *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(-10'000'00, 10'000'00));
  std::vector<Sample> series;
  for (size_t i = 0; i < pnls.size(); ++i) {
    series.push_back({static_cast<d::TimeNs>(i), (pnls[i] < 0 ? -pnls[i] : pnls[i]) * 3, pnls[i]});
  }
  int64_t worst = 0, widest = 0;
  for (size_t j = 0; j < pnls.size(); ++j) {
    worst = std::max(worst, 0 - pnls[j]);  // from the day's start at 0
    for (size_t i = 0; i < j; ++i) worst = std::max(worst, pnls[i] - pnls[j]);
    widest = std::max(widest, series[j].exposure_paise);
  }
  RC_ASSERT(max_drawdown_paise(series) == worst);
  RC_ASSERT(peak_exposure_paise(series) == widest);
}

}  // namespace
}  // namespace tandem::replay
