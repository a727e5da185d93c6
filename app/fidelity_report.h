// The demo's closing check of DESIGN.md invariant 8: every follower position as its broker
// reports it (the simulator's own book; the journal's fold for paper followers, whose broker
// is Tandem's paper book) against its target from the leader's filled position. A position
// off target is either held by a named refusal (drift.h names it) or counted as off.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "copy/copy_state.h"

namespace tandem::app {

struct FidelityRow {
  std::string follower;
  std::string position;  // "NSE:INFY (intraday)"
  int64_t held_units = 0;
  int64_t target_units = 0;
  std::string held_by;  // the refusal that keeps it off target; empty when on target or off
  bool on_target() const { return held_units == target_units; }
};

struct Fidelity {
  std::vector<FidelityRow> rows;  // every follower position with a holding or a target
  int on_target = 0;
  int held = 0;  // off target, with the refusal named
  int off = 0;   // off target with nothing to explain it
};

// `broker`: each account's positions from its broker; a follower whose account is missing
// is read from the state (a paper follower).
[[nodiscard]] Fidelity check_fidelity(
    const domain::CopyState& state,
    const std::map<domain::AccountId, std::vector<domain::BrokerPosition>>& broker);

void print_fidelity(const Fidelity& fidelity);

}  // namespace tandem::app
