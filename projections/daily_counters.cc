#include "projections/daily_counters.h"

namespace tandem::projections {

namespace d = ::tandem::domain;

DayCounters DailyCounters::today(const d::FollowerId& follower) const {
  const auto it = by_follower_day.find({follower, day});
  return it == by_follower_day.end() ? DayCounters{} : it->second;
}

int64_t DailyCounters::placed_today(const d::FollowerId& follower) const {
  const auto it = by_follower_day.find({follower, day});
  return it == by_follower_day.end() ? 0 : it->second.orders_placed;
}

void apply(DailyCounters& s, const d::Event& event) {
  if (const auto* e = std::get_if<d::TradingDayOpened>(&event)) {
    s.day = e->day;
  } else if (const auto* e = std::get_if<d::CopyDecision>(&event)) {
    DayCounters& c = s.by_follower_day[{e->follower, s.day}];
    if (e->action == d::CopyAction::place) ++c.orders_placed;
    if (e->action == d::CopyAction::skip) ++c.skipped[e->skip_reason];
  } else if (const auto* e = std::get_if<d::FollowerOrderIntent>(&event)) {
    if (e->action == d::CopyAction::place) s.placed[e->tag] = {e->follower, OrderFill{}};
  } else if (const auto* e = std::get_if<d::FollowerOrderRejected>(&event)) {
    const auto it = s.placed.find(e->tag);
    if (it != s.placed.end()) ++s.by_follower_day[{it->second.first, s.day}].orders_rejected;
  } else if (const auto* e = std::get_if<d::FollowerOrderUpdate>(&event)) {
    const auto it = s.placed.find(e->tag);
    if (it != s.placed.end()) {
      if (auto delta = record_fill(it->second.second, e->filled_units, e->average_price_paise)) {
        s.by_follower_day[{it->second.first, s.day}].turnover_paise += delta->cost_paise;
      }
    }
  }
}

}  // namespace tandem::projections
