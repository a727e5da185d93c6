// The FollowerOrderIntent that carries out a decision (decide() and flatten() both make them
// this one way): the deterministic client tag of (leader order, follower, ordinal), and for a
// modify or cancel the follower order it changes.
#pragma once

#include "domain/copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

// REQUIRES: decision.action is not skip; ordinal >= 1. `target`: the follower's copy that a
// modify or cancel changes (ignored for a place); may be null.
[[nodiscard]] FollowerOrderIntent intent_of(const CopyDecision& decision, OrderRequest order,
                                            const projections::FollowerCopy* target);

}  // namespace tandem::domain
