// One follower's state as data (JSON): effective settings, paused, funds, today's counters,
// positions and open copies. The one description of "what Tandem knew" that `tandem state`
// prints as a table or as JSON (and that the dashboard can serve). Amounts are paise
// integers, with a text form beside them for people.
#pragma once

#include <boost/json.hpp>

#include "copy/copy_state.h"

namespace tandem::replay {

// REQUIRES: `follower` is configured in `state`.
[[nodiscard]] boost::json::object follower_state_json(const domain::CopyState& state,
                                                      const domain::FollowerId& follower);

}  // namespace tandem::replay
