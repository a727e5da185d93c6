#include "engine/operator_view.h"

#include <algorithm>

#include "copy/loss_guard.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

void LatencyHistogram::add(double ms) {
  const auto* bound = std::lower_bound(kLatencyBucketsMs.begin(), kLatencyBucketsMs.end(), ms);
  if (bound != kLatencyBucketsMs.end())
    ++buckets[static_cast<size_t>(bound - kLatencyBucketsMs.begin())];
  ++count;
  sum_ms += ms;
}

std::vector<FollowerRow> follower_rows(const d::CopyState& state,
                                       const std::map<std::string, std::string>& stopped) {
  std::vector<FollowerRow> rows;
  rows.reserve(state.followers.size());
  // Each row's book: its account and the leader its share copies (a follower of several
  // leaders has a row per share, each with that leader's positions).
  std::map<std::pair<std::string, std::string>, FollowerRow*> by_book;
  for (const auto& [id, f] : state.followers) {
    FollowerRow row;
    row.id = id.value;
    row.account = f.account.value;
    row.broker = std::string(d::to_string(f.broker));
    row.enabled = f.enabled;
    row.paused = state.paused.contains(id);
    if (const auto it = stopped.find(id.value); it != stopped.end()) row.stopped = it->second;
    const auto today = state.counters.today(id);
    row.orders_today = today.orders_placed;
    row.rejected_today = today.orders_rejected;
    for (const auto& [reason, n] : today.skipped) {
      row.skipped_today += n;
      row.skipped_today_by_reason[std::string(d::to_string(reason))] = n;
    }
    row.turnover_today_paise = today.turnover_paise;
    if (const auto funds = state.funds_paise.find(f.account); funds != state.funds_paise.end()) {
      row.funds_paise = funds->second;
    }
    row.leader = f.leader.value;
    if (const auto shares = state.account_followers.find(f.account);
        shares != state.account_followers.end()) {
      row.account_shares = static_cast<int64_t>(shares->second.size());
    }
    row.day_pnl_paise = d::day_pnl_paise(state, f);
    row.share_pnl_paise = d::share_day_pnl_paise(state, f);
    row.max_daily_loss_paise = f.max_daily_loss_paise;
    row.daily_profit_target_paise = f.daily_profit_target_paise;
    if (const d::DayGuard* g = d::tripped_guard(state, id)) {
      row.guard = std::string(d::to_string(g->action));
    }
    rows.push_back(std::move(row));
  }
  for (auto& row : rows) {
    by_book[{row.account, state.followers.at(d::FollowerId{row.id}).leader.value}] = &row;
  }
  // One pass over every position; each lands on its share's row.
  for (const auto& [key, p] : state.positions.by_key) {
    const auto it = by_book.find({key.account.value, key.leader.value});
    if (it == by_book.end()) continue;
    if (p.net_qty_units == 0 && p.realized_pnl_paise == 0) continue;
    it->second->positions.push_back(
        {d::to_text(key.instrument), std::string(d::to_string(key.product)), p.net_qty_units,
         p.average_price_paise(), p.realized_pnl_paise, d::mark_price(state, key.instrument)});
  }
  return rows;
}

}  // namespace tandem::engine
