// drift(): the positions where a follower has settled away from its target (DESIGN.md
// invariant 8). Settled: nothing works for the pair — no order of the follower's in the
// instrument and product, none of the leader's there. Convergence leaves a settled follower
// off target only when something refused to close the gap, and the reason is what a dry run
// of convergence names (daily trade limit, loss guard, paused, market closed, …); `none`
// means an order that would close it was refused by the broker (a refused convergence order
// is not placed again) and the operator must act. Pure, like decide(); the engine raises
// one position_drift alert for each, once, until the pair is on target again.
#pragma once

#include <cstdint>
#include <vector>

#include "copy/copy_state.h"

namespace tandem::domain {

struct Drift {
  FollowerId follower;
  Product product = Product::intraday;
  int64_t net_units = 0;
  int64_t target_units = 0;
  SkipReason reason = SkipReason::none;
  bool operator==(const Drift&) const = default;
};

// Every settled follower position in `instrument` that is not on target, in follower then
// product order.
[[nodiscard]] std::vector<Drift> drift(const CopyState& state, const InstrumentKey& instrument);

}  // namespace tandem::domain
