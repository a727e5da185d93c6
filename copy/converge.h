// Convergence (DESIGN.md invariant 8; docs/domain.md "Convergence"): after every leader
// report and every change to a follower order, the follower's position in the instrument and
// product is compared with its target, counting what its orders in flight will still do, and
// a market order closes what they will not. Mirrors of the leader's working orders give the
// prices; convergence makes sure the position ends where the leader's does (a reversal's
// second leg, a change reported together with a final status, an exit held back while a
// cancel was in flight, a lot that rounding left behind).
//
// While the leader has orders working in the position, its target may still move between
// the targets of "every working buy fills" and "every working sell fills"; the follower is
// converged only when it is outside that range (a mirror that fills before the leader's order
// is not undone), and then to the target of the leader's filled position.
//
// An order in flight may fill anywhere from nothing to all of it, whatever the leader's
// did (a mirror can fill before or after its leader order, a cancel in flight may lose the
// race), so the gap is closed only as far as no outcome of them overshoots the target; the
// rest waits for their broker's answers, which are inputs and converge again.
//
// Exits — the part of an order that brings the position toward zero — are never refused by
// an entry limit; only a disabled or paused follower and a closed market hold them, and they
// go when a later input finds the hold lifted (FollowerResumed converges every position).
#pragma once

#include <cstdint>
#include <vector>

#include "copy/copy_state.h"
#include "copy/target.h"
#include "domain/events.h"

namespace tandem::domain {

// What holds every order of the follower, exits included: disabled, paused, market closed.
[[nodiscard]] SkipReason hold_reason(const CopyState& state, const FollowerSettings& follower,
                                     Exchange exchange, TimeNs at);

// What refuses an order's entry part (the part that opens or adds): the copy window, the
// daily trade count, the daily loss guard.
[[nodiscard]] SkipReason entry_refusal(const CopyState& state, const FollowerSettings& follower,
                                       TimeNs at);

// The part of a `qty_units` order on `side` that brings a position of `position_units`
// toward zero (the rest opens or adds).
[[nodiscard]] int64_t exit_part(Side side, int64_t qty_units, int64_t position_units);

// Where the follower's position can go with its orders in flight: all its working sells
// filled and none of its buys, or the other way round.
struct Projected {
  int64_t low_units = 0;
  int64_t high_units = 0;
};
[[nodiscard]] Projected project(const CopyState& state, const FollowerSettings& follower,
                                const InstrumentKey& instrument, Product product);

// Converges one position of one follower: raises the follower's working exits that cover
// less than it now holds (`top_up`), then places what closes the gap to the target, or a
// skip naming what refused it. Appends to `out`; nothing when on target. `stale`: the input
// is a late report the follower's staleness limit refuses, so nothing opens or adds on it.
void converge(const CopyState& state, const FollowerSettings& follower,
              const InstrumentKey& instrument, Product product, TimeNs at, bool top_up,
              std::vector<Event>& out, bool stale = false);

// Every position of the follower that has a target or a holding: its own and the leader's
// instruments, in key order (FollowerResumed converges them all).
[[nodiscard]] std::vector<std::pair<InstrumentKey, Product>> positions_of(
    const CopyState& state, const FollowerSettings& follower);

}  // namespace tandem::domain
