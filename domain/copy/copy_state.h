// CopyState: everything decide() reads, itself a fold of the journal — the configuration and
// calendar in force, instruments, funds, reference prices, carried remainders, and the
// projections (positions, daily counters, copy mappings, order states). Because it is built
// only from journaled events, replaying the journal rebuilds exactly what the engine saw.
#pragma once

#include <map>
#include <set>
#include <utility>

#include "domain/calendar/market_calendar.h"
#include "domain/events.h"
#include "projections/copy_mappings.h"
#include "projections/daily_counters.h"
#include "projections/order_states.h"
#include "projections/positions.h"

namespace tandem::domain {

// The daily loss guard's state for one follower (loss_guard.h).
struct DayGuard {
  int64_t opening_value_paise = 0;  // its value when the day opened or it was first configured
  bool tripped = false;             // today
  LossGuardAction action = LossGuardAction::exits_only;  // in force since it tripped
  bool operator==(const DayGuard&) const = default;
};

struct CopyState {
  AccountId leader;
  std::map<FollowerId, FollowerSettings> followers;  // ordered: decisions come in id order
  std::set<FollowerId> paused;
  std::map<InstrumentKey, Instrument> instruments;
  std::map<AccountId, int64_t> funds_paise;
  MarketCalendar calendar;
  TradingDay day = 0;
  std::map<InstrumentKey, int64_t> reference_price_paise;  // the leader's latest fill price
  std::map<std::pair<FollowerId, InstrumentKey>, int64_t> remainder_micro;  // carried today
  std::map<InstrumentKey, int64_t> marks_paise;  // the latest journaled prices (PriceSnapshot)
  std::map<FollowerId, DayGuard> guards;
  // Leader orders forgotten as ended, with the day that forgot them (forget_ended.h).
  projections::IdMap<LeaderOrderId, TradingDay> ended_leader_orders;

  projections::Positions positions;
  projections::DailyCounters counters;
  projections::CopyMappings mappings;
  projections::OrderStates orders;

  bool operator==(const CopyState&) const = default;
};

// The fold, in place (replay's and the engine's hot loops); evolve() is the same as a pure
// function of the state.
void apply(CopyState& state, const Event& event);
// apply() without forget_ended_orders() as a day opens: a state that keeps every order, which
// decides exactly as apply()'s does (a property test holds the two to that).
void apply_keeping_ended(CopyState& state, const Event& event);
[[nodiscard]] inline CopyState evolve(CopyState state, const Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::domain
