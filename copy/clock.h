// Time as an input (docs/domain.md, "Time"): what a ClockTick decides. The core reads no
// clock; the engine journals a ClockTick when tick_due() says one would decide something, and
// step() decides on it like on any other input, so a day replays to the same decisions.
//
// Two things are due with time alone:
//  - catch-up: a copy of a leader limit or stop that has not filled catch_up_ms after the
//    leader's order did (the leader's price was touched and the follower's was not) is
//    cancelled (clamp catch_up); once the broker confirms, convergence brings what the
//    position still lacks at market;
//  - an opening: a market session or a follower's copy window that opened since the last
//    tick lifts the refusal that held the follower's positions there (market_closed, an
//    exit owed; outside_copy_window, an entry), so each of them converges.
#pragma once

#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

// Whether a ClockTick at `at` would decide anything on `state`.
[[nodiscard]] bool tick_due(const CopyState& state, TimeNs at);

// What a ClockTick at `at` decides. `state` has the tick folded in; `from`: the previous
// tick's time (state.ticked_ns before the fold). Appends to `out`.
void on_tick(const CopyState& state, TimeNs from, TimeNs at, std::vector<Event>& out);

}  // namespace tandem::domain
