// Rebuilding the core's state from a journal: the latest snapshot at or before the wanted
// record, then every record after it folded in (read with the chain checked), which equals
// folding the whole journal (DESIGN.md invariant 4). A snapshot that does not decode is not
// trusted: the state is then rebuilt from the first record.
#pragma once

#include <cstdint>

#include "copy/copy_state.h"
#include "journal/store.h"

namespace tandem::journal {

struct RestoredState {
  domain::CopyState state;
  uint64_t seq = 0;           // the last record folded in
  uint64_t snapshot_seq = 0;  // the snapshot it started from; 0 when none
};

// The state as of record `to_seq` (0 = the head).
[[nodiscard]] Result<RestoredState> restore_state(const Store& store, uint64_t to_seq = 0);

// Encodes the state as of `seq` and stores it. REQUIRES: `state` is the fold up to `seq`.
[[nodiscard]] Status save_snapshot(Store& store, const domain::CopyState& state, uint64_t seq);

}  // namespace tandem::journal
