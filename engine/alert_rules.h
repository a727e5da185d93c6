// The alert rules that look at time or at many facts rather than at one (DESIGN.md;
// docs/operations.md), apart from the engine: it tells them what happened, and asks, when
// it has a moment, which alerts are due. Each rule raises its alert once until what it
// watches changes:
//  - leader_disconnected: the leader's stream down longer than `leader_down_after`
//    (reconnects are normal);
//  - order_errors: over 5% of the last 5 minutes' follower answers rejected (at least 20
//    of them), at most once per 5 minutes;
//  - token_expiring: from 05:30 IST while Kite accounts are in use, once a day (Kite's
//    tokens die at 06:00);
//  - position_drift: a follower settled away from its target in an instrument (copy/drift.h),
//    looked at once the leader update's orders have had time to land, once until it is on
//    target again.
// Time comes in as arguments: the engine's injected steady clock (steady_clock.h) and, for
// the IST rule, the engine clock. Thread-safety: the engine's thread only.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "copy/copy_state.h"
#include "engine/steady_clock.h"

namespace tandem::engine {

struct DueAlert {
  std::string kind;
  std::string text;
  std::string key;  // the alert dispatcher's dedupe key; empty: the kind
};

class AlertRules {
 public:
  AlertRules(std::chrono::milliseconds leader_down_after, bool uses_kite)
      : leader_down_after_(leader_down_after), uses_kite_(uses_kite) {}

  void leader_connection(bool connected, SteadyTime now);
  void answered(bool rejected, SteadyTime now);
  // A leader update or a follower report in `instrument`: its drift is looked at once
  // things have settled.
  void watch_drift(const domain::InstrumentKey& instrument, SteadyTime now);

  // The time rules' alerts due now.
  [[nodiscard]] std::vector<DueAlert> check(SteadyTime now, domain::TimeNs at);
  // The drift rule's alerts due now (it reads every follower's positions: call it when the
  // engine is quiet, off the copy path).
  [[nodiscard]] std::vector<DueAlert> check_drift(const domain::CopyState& state, SteadyTime now);

  // Long enough for the orders of one leader update and their first reports to be in the state.
  static constexpr std::chrono::milliseconds kSettle{500};

 private:
  std::chrono::milliseconds leader_down_after_;
  bool uses_kite_;
  std::optional<SteadyTime> leader_down_since_;
  bool leader_down_alerted_ = false;
  std::deque<std::pair<SteadyTime, int>> outcomes_;  // 1 = rejected
  int64_t rejected_in_window_ = 0;
  std::optional<SteadyTime> errors_alerted_at_;
  domain::TradingDay token_alert_day_ = 0;
  std::set<domain::InstrumentKey> drift_watched_;  // to look at once drift_due_ passes
  SteadyTime drift_due_{};
  std::map<domain::InstrumentKey, std::set<std::pair<domain::FollowerId, domain::Product>>>
      drift_alerted_;
};

}  // namespace tandem::engine
