// Backtest / what-if (`tandem backtest`): the recorded leader events, funds and instrument
// snapshots of some days, run through decide() again with other follower settings, the
// follower orders filled by the paper broker. Where a simulated order is exactly the one
// that was recorded (same client tag, same order), the recorded broker answers — ack,
// rejection, fills — are used instead, at the point of the journal where they arrived; so
// a backtest with the recorded settings reproduces the recorded decisions exactly, and a
// changed setting changes only what it touches. Everything else fills on paper: market
// orders at the leader's fill price moved against them by the follower's slippage, limit
// orders when the leader's fill price reaches them.
//
// Operator pauses and settings changes recorded during the days are not applied: the
// backtest runs the given settings throughout.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/accounts/follower_settings.h"
#include "domain/base/time.h"
#include "journal/record_reader.h"
#include "journal/store.h"

namespace tandem::replay {

struct BacktestFollower {
  domain::FollowerSettings settings;
  int64_t paper_capital_paise = 0;  // its funds when the journal has no snapshot of them
  int64_t slippage_bp = 0;          // paper fills this much worse than the leader's
};

struct BacktestRequest {
  domain::TradingDay from = 0, to = 0;
  std::vector<BacktestFollower> followers;
};

// One follower's outcome, simulated or as recorded.
struct Outcome {
  int64_t placed = 0, modified = 0, cancelled = 0, rejected = 0;
  std::map<std::string, int64_t> skips;  // by reason
  int64_t filled_units = 0;
  int64_t turnover_paise = 0;
  int64_t realized_pnl_paise = 0;
  int64_t pnl_paise = 0;  // realised plus open positions marked at the leader's last price
  std::map<std::string, int64_t> final_positions;  // "NFO:SYMBOL/product" → net units
  bool operator==(const Outcome&) const = default;
};

struct Sample {
  domain::TimeNs at = 0;
  int64_t exposure_paise = 0;  // open positions at the marks (loss_guard.h), gross
  int64_t pnl_paise = 0;
};

struct FollowerBacktest {
  std::string follower;
  bool recorded = false;  // the journal has this follower: `actual` is what really happened
  Outcome simulated, actual;
  std::vector<Sample> simulated_series, actual_series;  // at every leader event
  int64_t decisions_equal = 0;      // simulated decisions equal to the recorded ones
  int64_t decisions_different = 0;  // simulated decisions with no equal recorded one
  int64_t paper_orders = 0;         // simulated orders the recorded answers did not cover
  // What the backtest's day went through, for the charts: its loss guard tripping, an
  // operator's pause, resume or flatten.
  std::vector<std::pair<domain::TimeNs, std::string>> events;
};

struct BacktestReport {
  domain::TradingDay from = 0, to = 0;
  uint64_t first_seq = 0, last_seq = 0;
  int64_t leader_updates = 0;
  std::vector<FollowerBacktest> followers;  // in the request's order
  std::vector<int64_t> ack_latency_ns;      // recorded: intent journaled → ack journaled
};

// The largest fall of P&L from an earlier peak (≥ 0, paise): what a follower had to sit
// through. The largest exposure of the series: the peak capital its positions used.
[[nodiscard]] int64_t max_drawdown_paise(const std::vector<Sample>& series);
[[nodiscard]] int64_t peak_exposure_paise(const std::vector<Sample>& series);

[[nodiscard]] Result<BacktestReport> backtest(const journal::Store& store,
                                              const BacktestRequest& request,
                                              const journal::ReadProgress& progress = {});

}  // namespace tandem::replay
