// The daily loss guard (pure, like decide(), which calls it on every PriceSnapshot): a
// follower's P&L for the day is its realised P&L plus its open positions marked at the
// latest journaled prices, less the same value when the day opened. When it falls to the
// maximum daily loss, or rises to the profit target, the guard trips once for the day: a
// LossGuardTripped, then what its action orders at once — flatten cancels every working
// copy and closes every position at market (flatten.h); exits_only cancels the working
// copies that would add to a position; stop sends nothing. decide() then refuses new
// orders by the action until the next TradingDayOpened.
#pragma once

#include <cstdint>
#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

// The price an open position is marked at: the latest journaled price (PriceSnapshot), else
// the leader's latest fill, else 0 (unknown: the position counts at its own cost).
[[nodiscard]] int64_t mark_price(const CopyState& state, const InstrumentKey& instrument);

// The account's realised P&L plus its open positions at the marks, in paise. `overlay` are
// newer prices than the state's (the snapshot being decided).
[[nodiscard]] int64_t account_value_paise(const CopyState& state, const AccountId& account,
                                          const std::vector<InstrumentPrice>& overlay = {});

// One book's realised P&L plus its open positions at the marks: a share of the account.
[[nodiscard]] int64_t book_value_paise(const CopyState& state, projections::Book book,
                                       const std::vector<InstrumentPrice>& overlay = {});

// The follower's P&L for the day at the marks (with `overlay` over them): its account's, over
// every leader's share, which is what its loss guard trips on.
[[nodiscard]] int64_t day_pnl_paise(const CopyState& state, const FollowerSettings& follower,
                                    const std::vector<InstrumentPrice>& overlay = {});
// The P&L for the day of the follower's share alone: its leader's book. The shares of an
// account sum to its day_pnl_paise from the day's opening on; with one leader they are equal.
[[nodiscard]] int64_t share_day_pnl_paise(const CopyState& state, const FollowerSettings& follower);

// A guard that has not tripped, opening at the account's and the share's values now.
[[nodiscard]] DayGuard opening_guard(const CopyState& state, const FollowerSettings& follower);

// The follower's guard once it has tripped today, else null (decide() looks it up once per
// order).
[[nodiscard]] const DayGuard* tripped_guard(const CopyState& state, const FollowerId& follower);

// True when a tripped guard refuses a new order of `side` in a position of `position_units`:
// every order under `stop`; any that does not reduce it otherwise. False for null.
[[nodiscard]] bool guard_refuses(const DayGuard* tripped, Side side, int64_t position_units);

// What the guard decides on a new snapshot of prices, followers in id order.
[[nodiscard]] std::vector<Event> loss_guard(const CopyState& state, const PriceSnapshot& prices);

}  // namespace tandem::domain
