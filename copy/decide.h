// step(): the one transition of the copy core (DESIGN.md, the shape). It folds an input into
// the state, decides what the input calls for, folds those decisions in too, and returns them.
// The live engine, replay --verify, the backtest, the benchmarks and the test simulators all
// run this one function, so a recorded day replays to the same decisions by construction.
// Pure and deterministic: the same state and input give the same outputs everywhere.
//
// What decides:
//  - a LeaderOrderUpdate: each follower, in id order, mirrors the leader's order for its
//    prices (place, modify, cancel; sized to the follower's share of the leader's reach,
//    target.h), then — when the leader's fills moved and no mirror acted — converges the
//    position (converge.h);
//  - a FollowerOrderUpdate: that follower's position converges (and a stop-loss decided
//    while its entry was filling is topped up); a FollowerOrderRejected decides nothing;
//  - FollowerResumed: every position of the follower converges (exits held while paused go);
//  - FollowerFlattenRequested: flatten.h; PriceSnapshot: the daily loss guard (loss_guard.h);
//  - ClockTick: late copies caught up, positions converged where a session or copy window
//    opened or a follower's settings changed (clock.h).
// Every output is a CopyDecision (a refusal is action skip with its SkipReason), followed for
// place, modify and cancel by the FollowerOrderIntent that carries it out with its
// deterministic client tag.
#pragma once

#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

using Fold = void (*)(CopyState&, const Event&);

// Folds `event`, decides, folds the decisions; returns the decisions. `fold`: apply, or
// apply_keeping_ended (a property test holds the two to the same decisions).
std::vector<Event> step(CopyState& state, const Event& event, Fold fold = apply);

// What step() would decide on `state` (which is left as it is): for tests and what-if looks.
[[nodiscard]] std::vector<Event> decide(const CopyState& state, const Event& event);

// Whether step()'s decisions include an order (a FollowerOrderIntent): an input that decides
// orders goes the copy path's way, synced before they leave.
[[nodiscard]] bool decides_orders(const std::vector<Event>& decided);

}  // namespace tandem::domain
