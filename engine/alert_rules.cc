#include "engine/alert_rules.h"

#include <fmt/format.h>

#include "copy/drift.h"
#include "domain/base/time.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

std::string reason_text(d::SkipReason reason) {
  if (reason == d::SkipReason::none) {
    return "an order that would close it was refused by the broker; close it at the broker";
  }
  return "held by " + std::string(d::to_string(reason));
}

}  // namespace

void AlertRules::leader_connection(bool connected, SteadyTime now) {
  if (connected) {
    leader_down_since_.reset();
    leader_down_alerted_ = false;
  } else if (!leader_down_since_) {
    leader_down_since_ = now;
  }
}

void AlertRules::answered(bool rejected, SteadyTime now) {
  outcomes_.emplace_back(now, rejected ? 1 : 0);
  rejected_in_window_ += rejected ? 1 : 0;
}

void AlertRules::watch_drift(const d::InstrumentKey& instrument, SteadyTime now) {
  if (drift_watched_.empty()) drift_due_ = now + kSettle;
  drift_watched_.insert(instrument);
}

std::vector<DueAlert> AlertRules::check(SteadyTime now, d::TimeNs at) {
  std::vector<DueAlert> due;
  if (leader_down_since_ && !leader_down_alerted_ &&
      now - *leader_down_since_ >= leader_down_after_) {
    leader_down_alerted_ = true;
    const auto down = std::chrono::duration_cast<std::chrono::seconds>(now - *leader_down_since_);
    due.push_back({"leader_disconnected",
                   "the leader's order stream has been down for " + std::to_string(down.count()) +
                       " s; orders it places meanwhile are recovered from its order book on "
                       "reconnect",
                   {}});
  }
  while (!outcomes_.empty() && now - outcomes_.front().first > std::chrono::minutes(5)) {
    rejected_in_window_ -= outcomes_.front().second;
    outcomes_.pop_front();
  }
  const auto answered = static_cast<int64_t>(outcomes_.size());
  if (answered >= 20 && rejected_in_window_ * 20 > answered &&
      (!errors_alerted_at_ || now - *errors_alerted_at_ > std::chrono::minutes(5))) {
    errors_alerted_at_ = now;
    due.push_back({"order_errors",
                   std::to_string(rejected_in_window_) + " of the last " +
                       std::to_string(answered) +
                       " follower orders were rejected (over 5% in 5 minutes)",
                   {}});
  }
  const int minute = d::ist_minute_of_day(at);
  const d::TradingDay today = d::ist_trading_day(at);
  if (uses_kite_ && minute >= 5 * 60 + 30 && minute < 6 * 60 && token_alert_day_ != today) {
    token_alert_day_ = today;
    due.push_back(
        {"token_expiring",
         "Kite access tokens expire at 06:00 IST: run tandem login for each Kite account, then "
         "systemctl reload tandem (SIGHUP: the new tokens, no restart)",
         "token_expiring:" + std::to_string(today)});
  }
  return due;
}

std::vector<DueAlert> AlertRules::check_drift(const d::CopyState& state, SteadyTime now) {
  std::vector<DueAlert> due;
  if (drift_watched_.empty() || now < drift_due_) return due;
  for (const d::InstrumentKey& instrument : drift_watched_) {
    std::set<std::pair<d::FollowerId, d::Product>> off;
    const auto& alerted = drift_alerted_[instrument];
    for (const d::Drift& o : d::drift(state, instrument)) {
      off.emplace(o.follower, o.product);
      if (alerted.contains({o.follower, o.product})) continue;
      const std::string where =
          d::to_text(instrument) + " (" + std::string(d::to_string(o.product)) + ")";
      due.push_back({"position_drift",
                     fmt::format("{} holds {} {} where its target is {} (gap {}): {}",
                                 o.follower.value, o.net_units, where, o.target_units,
                                 o.target_units - o.net_units, reason_text(o.reason)),
                     "position_drift:" + o.follower.value + ":" + where});
    }
    if (off.empty()) {
      drift_alerted_.erase(instrument);
    } else {
      drift_alerted_[instrument] = std::move(off);
    }
  }
  drift_watched_.clear();
  return due;
}

}  // namespace tandem::engine
