// The FollowerOrderIntent that carries out a decision (decide() and flatten() both make them
// this one way): the deterministic client tag of (leader order, follower, ordinal), and for a
// modify or cancel the follower order it changes.
#pragma once

#include <string_view>
#include <vector>

#include "copy/copy_state.h"
#include "domain/events.h"

namespace tandem::domain {

// REQUIRES: decision.action is not skip; ordinal >= 1. `target`: the follower's copy that a
// modify or cancel changes (ignored for a place); may be null. `tag_code`: what the tag starts
// with, naming the follower's leader (tag_code_of()).
[[nodiscard]] FollowerOrderIntent intent_of(const CopyDecision& decision, OrderTerms order,
                                            const projections::FollowerCopy* target,
                                            std::string_view tag_code);

// Appends a place decision of Tandem's own (convergence, flatten) and its intent — as
// several when the quantity is above `cap_units` (the exchange's freeze quantity; 0: none),
// each at most that, under leader order ids "<id>:<k>" after the first (clamp
// freeze_quantity), so each slice has a tag of its own and is followed like any order.
// REQUIRES: decision.action is place, ordinal 1; order.quantity_units == decision.quantity_units.
void emit_places(CopyDecision decision, OrderTerms order, int64_t cap_units,
                 std::string_view tag_code, std::vector<Event>& out);

}  // namespace tandem::domain
