// Point-in-time state (`tandem state --at`): what the system knew at an instant — the fold of
// every record journaled at or before it. For disputes: "what did Tandem know when it sized
// this order?" The instant is compared with each record's recorded-at time (the engine's
// clock when it journaled the record); records are read in sequence order and the fold
// stops at the first one recorded after the instant.
#pragma once

#include <cstdint>

#include "copy/copy_state.h"
#include "domain/base/time.h"
#include "journal/store.h"

namespace tandem::replay {

struct PointInTime {
  domain::CopyState state;
  uint64_t seq = 0;                   // the last record folded in
  domain::TimeNs recorded_at_ns = 0;  // when that record was journaled
};

// not_found when the journal has no record at or before `at`.
[[nodiscard]] Result<PointInTime> state_at(const journal::Store& store, domain::TimeNs at);

}  // namespace tandem::replay
