// flatten(): what an operator's FollowerFlattenRequested decides (pure, like decide(), which
// calls it): every working copy of the follower cancelled, then every open position closed
// by a market order — so that the follower ends flat whatever its working orders would have
// done. Each action is a CopyDecision with its FollowerOrderIntent; the closing orders go
// under leader order ids of their own, "flatten:<request>:<instrument>:<product>", so their
// tags are unique to the request and replay finds the same ones. Orders come in a fixed
// order (cancels by tag, then positions by key), the same on every machine.
#pragma once

#include <vector>

#include "domain/copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

[[nodiscard]] std::vector<Event> flatten(const CopyState& state,
                                         const FollowerFlattenRequested& request);

// Cancels (decisions and intents) of the follower's copies still working, by placing tag:
// all of them, or only the entries — those that would add to the follower's position.
enum class WorkingCopies : uint8_t { all, entries };
void cancel_working(const CopyState& state, const FollowerSettings& follower, WorkingCopies which,
                    std::vector<Event>& out);

}  // namespace tandem::domain
