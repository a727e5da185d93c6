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
//    exit owed; outside_copy_window, an entry), so each of them converges;
//  - new settings: a follower whose settings changed (a restart with a new config) converges
//    every position, since its targets moved. At the first tick after, not at once: the
//    engine journals its settings before it reads the brokers' books, and the positions
//    must be those the books say;
//  - orders not sent: a follower with an order the engine stopped before sending (journaled
//    as rejected "unsent") converges every position at the first tick of the next run, so
//    a cancel or an exit left in the queue is decided again rather than forgotten;
//  - orders found: an order at a follower's broker that no decision placed (an orphan of a
//    lost journal tail, a second order under one of our tags) converges that follower's
//    positions at the next tick, since its fills moved them.
#pragma once

#include <set>
#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

// Whether a ClockTick at `at` would decide anything on `state`.
[[nodiscard]] bool tick_due(const CopyState& state, TimeNs at);

// What a ClockTick at `at` decides. `state` has the tick folded in; `from` and `converge_all`:
// state.ticked_ns and state.converge_all before the fold. Appends to `out`.
void on_tick(const CopyState& state, TimeNs from, const std::set<FollowerId>& converge_all,
             TimeNs at, std::vector<Event>& out);

}  // namespace tandem::domain
