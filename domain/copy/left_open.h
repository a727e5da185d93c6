// left_open(): the followers holding a position where the leader holds none, with nothing
// of theirs still working there. Copying keeps a follower in step with the leader, so such a
// position is one an exit did not close: skipped by a limit (the daily trade count, below
// one lot), clamped while the follower's own stop-loss was being cancelled (docs/domain.md,
// "Known gap"), or never copied because the follower's entry filled after the leader had
// already exited. Pure, like decide(); the engine raises an alert for each (exit_left_open)
// so that the operator can close it at the broker.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/copy/copy_state.h"

namespace tandem::domain {

struct LeftOpen {
  FollowerId follower;
  Product product = Product::intraday;
  int64_t net_units = 0;  // > 0 long, < 0 short
  bool operator==(const LeftOpen&) const = default;
};

// Every follower left open in `instrument` while the leader is flat in it (in every
// product): each product the follower holds, in follower then product order. A follower with
// any order of its own working in the instrument is not named: that order may close it.
[[nodiscard]] std::vector<LeftOpen> left_open(const CopyState& state,
                                              const InstrumentKey& instrument);

}  // namespace tandem::domain
