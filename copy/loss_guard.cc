#include "copy/loss_guard.h"

#include <algorithm>
#include <string>

#include "copy/flatten.h"

namespace tandem::domain {

namespace {

// A snapshot holds the few instruments in use: a scan, which needs no order. The last
// price of an instrument wins, as when the snapshot is folded into the marks.
const InstrumentPrice* find_price(const std::vector<InstrumentPrice>& prices,
                                  const InstrumentKey& key) {
  const auto it = std::find_if(prices.rbegin(), prices.rend(),
                               [&](const InstrumentPrice& p) { return p.instrument == key; });
  return it != prices.rend() ? &*it : nullptr;
}

// Realised P&L plus open positions at the marks, over the run of positions from `first` on
// while `in_run` holds.
template <class InRun>
int64_t value_of_run(const CopyState& s, const projections::PositionKey& first,
                     const std::vector<InstrumentPrice>& overlay, InRun in_run) {
  int64_t value = 0;
  for (auto it = s.positions.by_key.lower_bound(first);
       it != s.positions.by_key.end() && in_run(it->first); ++it) {
    const projections::Position& p = it->second;
    value += p.realized_pnl_paise;
    if (p.net_qty_units == 0) continue;
    const InstrumentPrice* fresh = find_price(overlay, it->first.instrument);
    const int64_t mark =
        fresh != nullptr ? fresh->last_price_paise : mark_price(s, it->first.instrument);
    if (mark <= 0) continue;  // no price yet: the position counts at its cost
    const int64_t at_mark = p.net_qty_units * mark;
    value += p.net_qty_units > 0 ? at_mark - p.open_cost_paise : at_mark + p.open_cost_paise;
  }
  return value;
}

}  // namespace

int64_t mark_price(const CopyState& s, const InstrumentKey& instrument) {
  if (const auto it = s.marks_paise.find(instrument); it != s.marks_paise.end()) return it->second;
  const auto ref = s.reference_price_paise.find(instrument);
  return ref == s.reference_price_paise.end() ? 0 : ref->second;
}

int64_t account_value_paise(const CopyState& s, const AccountId& account,
                            const std::vector<InstrumentPrice>& overlay) {
  // Positions are ordered by account first: this account's are one run, every leader's book
  // of it (the guard is the account's, not one leader's share).
  return value_of_run(s, projections::PositionKey{account, {}, {}, {}}, overlay,
                      [&](const projections::PositionKey& k) { return k.account == account; });
}

int64_t book_value_paise(const CopyState& s, projections::Book book,
                         const std::vector<InstrumentPrice>& overlay) {
  // ...and then by leader: a book is a run within its account's.
  return value_of_run(s, projections::PositionKey{book.account, book.leader, {}, {}}, overlay,
                      [&](const projections::PositionKey& k) {
                        return k.account == book.account && k.leader == book.leader;
                      });
}

int64_t day_pnl_paise(const CopyState& s, const FollowerSettings& f,
                      const std::vector<InstrumentPrice>& overlay) {
  const auto g = s.guards.find(f.follower);
  const int64_t opening = g == s.guards.end() ? 0 : g->second.opening_value_paise;
  return account_value_paise(s, f.account, overlay) - opening;
}

int64_t share_day_pnl_paise(const CopyState& s, const FollowerSettings& f) {
  const auto g = s.guards.find(f.follower);
  const int64_t opening = g == s.guards.end() ? 0 : g->second.share_opening_value_paise;
  return book_value_paise(s, book_of(f)) - opening;
}

DayGuard opening_guard(const CopyState& s, const FollowerSettings& f) {
  DayGuard guard;
  guard.opening_value_paise = account_value_paise(s, f.account);
  guard.share_opening_value_paise = book_value_paise(s, book_of(f));
  return guard;
}

const DayGuard* tripped_guard(const CopyState& s, const FollowerId& follower) {
  const auto g = s.guards.find(follower);
  return g != s.guards.end() && g->second.tripped ? &g->second : nullptr;
}

bool guard_refuses(const DayGuard* tripped, Side side, int64_t position_units) {
  if (tripped == nullptr) return false;
  if (tripped->action == LossGuardAction::stop) return true;
  const int64_t direction = side == Side::buy ? 1 : -1;
  return position_units * direction >= 0;  // only an order that reduces the position passes
}

std::vector<Event> loss_guard(const CopyState& s, const PriceSnapshot& prices) {
  std::vector<Event> out;
  for (const auto& [id, f] : s.followers) {
    if (!f.enabled || (f.max_daily_loss_paise <= 0 && f.daily_profit_target_paise <= 0)) continue;
    if (tripped_guard(s, id) != nullptr) continue;
    const int64_t pnl = day_pnl_paise(s, f, prices.prices);
    LossGuardTripped trip{id, GuardLimit::max_daily_loss, pnl, 0, f.loss_guard_action};
    if (f.max_daily_loss_paise > 0 && pnl <= -f.max_daily_loss_paise) {
      trip.threshold_paise = -f.max_daily_loss_paise;
    } else if (f.daily_profit_target_paise > 0 && pnl >= f.daily_profit_target_paise) {
      trip.limit = GuardLimit::profit_target;
      trip.threshold_paise = f.daily_profit_target_paise;
    } else {
      continue;
    }
    out.push_back(trip);
    switch (f.loss_guard_action) {
      case LossGuardAction::flatten: {
        // Request ids are unique per day: the guard trips at most once a day.
        const FollowerFlattenRequested request{id, "loss guard",
                                               "loss-guard-" + std::to_string(s.day)};
        std::vector<Event> closing = flatten(s, request);
        out.insert(out.end(), std::make_move_iterator(closing.begin()),
                   std::make_move_iterator(closing.end()));
        break;
      }
      case LossGuardAction::exits_only:
        settle_working(s, f, /*hurry_exits=*/false, out);
        break;
      case LossGuardAction::stop:
        break;
    }
  }
  return out;
}

}  // namespace tandem::domain
