// Daily counters per (follower, trading day): orders placed, orders rejected, skips by
// reason, and turnover from fills. The day is the one opened by the latest TradingDayOpened,
// so counters start from zero on each new day with no "reset at market open" step.
#pragma once

#include <map>
#include <utility>

#include "domain/events.h"
#include "projections/fills.h"
#include "projections/id_map.h"

namespace tandem::projections {

struct DayCounters {
  int64_t orders_placed = 0;    // place decisions (the trades MAX_DAILY_TRADES counts)
  int64_t orders_rejected = 0;  // placements the broker refused
  std::map<domain::SkipReason, int64_t> skipped;
  int64_t turnover_paise = 0;  // value of the follower's fills
  bool operator==(const DayCounters&) const = default;
};

struct DailyCounters {
  domain::TradingDay day = 0;
  std::map<std::pair<domain::FollowerId, domain::TradingDay>, DayCounters> by_follower_day;
  IdMap<domain::ClientTag, std::pair<domain::FollowerId, OrderFill>> placed;  // by tag

  // Today's counters of a follower (zeros when it has none).
  [[nodiscard]] DayCounters today(const domain::FollowerId& follower) const;
  // Today's place decisions of a follower, without copying its counters (the core's entry
  // limit asks on every decision).
  [[nodiscard]] int64_t placed_today(const domain::FollowerId& follower) const;
  bool operator==(const DailyCounters&) const = default;
};

// The fold, in place (replay's hot loop); evolve() is the same as a pure function.
void apply(DailyCounters& state, const domain::Event& event);
[[nodiscard]] inline DailyCounters evolve(DailyCounters state, const domain::Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::projections
