// decide(): what to do for every follower when the leader's order changes (DESIGN.md, Order
// lifecycle mirroring). Pure and deterministic: the same state and event give the same
// decisions on every machine and in every replay. `state` is the state *before* `event` is
// folded in; the engine and replay both call decide(state, e) and then evolve(state, e).
//
// Returns, per follower in id order, a CopyDecision and — for place, modify and cancel — the
// FollowerOrderIntent that carries it out, with its deterministic client tag. A refusal is a
// CopyDecision with action skip and a SkipReason; it is journaled like any decision.
// An operator's FollowerFlattenRequested is decided by flatten() (flatten.h), a
// PriceSnapshot by the daily loss guard (loss_guard.h).
#pragma once

#include <vector>

#include "domain/copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

[[nodiscard]] std::vector<Event> decide(const CopyState& state, const Event& event);

}  // namespace tandem::domain
