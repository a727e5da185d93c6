// Recovery of an input's decisions lost to a crash (DESIGN.md invariant 1). The engine syncs
// an input before the orders it decides leave, and appends the decisions and intents right
// after, without a sync of their own. A crash in between leaves the input as the journal's
// last record with nothing after it. step() is deterministic, so deciding that input again
// on the state before it gives the same decisions and the same client tags the dead run
// sent; they are appended, and the journal reads as an uninterrupted run's. The engine's
// start then looks for those tags at the brokers (invariant 3) before sending any of them.
#pragma once

#include <cstddef>

#include "journal/state_restore.h"

namespace tandem::engine {

struct RecoveredState {
  journal::RestoredState restored;  // the state at the head, the recovered decisions folded in
  size_t decided_again = 0;         // decisions and intents appended by the recovery
};

// The state at the journal's head, after appending (synced) what its last input decides if
// those decisions are missing. Errors: the journal's, on reading or appending.
[[nodiscard]] Result<RecoveredState> restore_deciding_lost_outputs(journal::Store& store);

}  // namespace tandem::engine
