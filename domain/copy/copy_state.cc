#include "domain/copy/copy_state.h"

#include "domain/copy/forget_ended.h"
#include "domain/copy/loss_guard.h"

namespace tandem::domain {

void apply(CopyState& s, const Event& event) {
  apply_keeping_ended(s, event);
  if (std::holds_alternative<TradingDayOpened>(event)) forget_ended_orders(s);
}

void apply_keeping_ended(CopyState& s, const Event& event) {
  if (const auto* e = std::get_if<LeaderConfigured>(&event)) {
    s.leader = e->account;
  } else if (const auto* e = std::get_if<FollowerConfigured>(&event)) {
    s.followers[e->settings.follower] = e->settings;
    // A follower's day starts when it is first seen; a change of settings keeps its day.
    if (!s.guards.contains(e->settings.follower)) {
      s.guards[e->settings.follower].opening_value_paise =
          account_value_paise(s, e->settings.account);
    }
  } else if (const auto* e = std::get_if<FollowerPaused>(&event)) {
    s.paused.insert(e->follower);
  } else if (const auto* e = std::get_if<FollowerResumed>(&event)) {
    s.paused.erase(e->follower);
  } else if (const auto* e = std::get_if<InstrumentSnapshot>(&event)) {
    s.instruments[e->instrument.key] = e->instrument;
  } else if (const auto* e = std::get_if<FundsSnapshot>(&event)) {
    s.funds_paise[e->account] = e->available_paise;
  } else if (const auto* e = std::get_if<MarketCalendarConfigured>(&event)) {
    s.calendar.holidays = {e->holidays.begin(), e->holidays.end()};
  } else if (const auto* e = std::get_if<TradingDayOpened>(&event)) {
    s.day = e->day;
    s.remainder_micro.clear();  // remainders belong to the trading day
    for (const auto& [id, f] : s.followers) {
      s.guards[id] = DayGuard{account_value_paise(s, f.account), false, {}};
    }
  } else if (const auto* e = std::get_if<LeaderOrderUpdate>(&event)) {
    if (e->filled_units > 0 && e->average_price_paise > 0) {
      s.reference_price_paise[e->instrument] = e->average_price_paise;
    }
  } else if (const auto* e = std::get_if<PriceSnapshot>(&event)) {
    for (const auto& p : e->prices) s.marks_paise[p.instrument] = p.last_price_paise;
  } else if (const auto* e = std::get_if<LossGuardTripped>(&event)) {
    DayGuard& g = s.guards[e->follower];
    g.tripped = true;
    g.action = e->action;
  } else if (const auto* e = std::get_if<CopyDecision>(&event)) {
    // A new order's rounding remainder is carried when the follower asked for it.
    const auto f = s.followers.find(e->follower);
    const bool sized_new_order =
        e->action == CopyAction::place ||
        (e->action == CopyAction::skip && e->skip_reason == SkipReason::below_one_lot);
    if (f != s.followers.end() && f->second.carry_remainder && sized_new_order) {
      s.remainder_micro[{e->follower, e->instrument}] = e->sizing.remainder_out_micro;
    }
  }
  projections::apply(s.positions, event);
  projections::apply(s.counters, event);
  projections::apply(s.mappings, event);
  projections::apply(s.orders, event);
}

}  // namespace tandem::domain
