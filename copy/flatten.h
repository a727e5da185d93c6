// flatten(): what an operator's FollowerFlattenRequested decides (pure, like decide(), which
// calls it): the follower's working copies that would add to a position cancelled, those
// that reduce one turned into market orders, then what they do not cover of every open
// position closed by a market order — so that the follower ends flat, and never past flat
// however the orders in flight fill. Each action is a CopyDecision with its FollowerOrderIntent;
// the closing orders go under leader order ids of their own,
// "flatten:<request>:<instrument>:<product>", so their tags are unique to the request and replay
// finds the same ones. Orders come in a fixed order (cancels by tag, then positions by key), the
// same on every machine.
#pragma once

#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

[[nodiscard]] std::vector<Event> flatten(const CopyState& state,
                                         const FollowerFlattenRequested& request);

// Decisions and intents for the follower's copies still working, by placing tag: those that
// would add to its position are cancelled; with `hurry_exits`, those that reduce it and are
// not market orders become market orders (a flatten), otherwise they are left working.
void settle_working(const CopyState& state, const FollowerSettings& follower, bool hurry_exits,
                    std::vector<Event>& out);

}  // namespace tandem::domain
