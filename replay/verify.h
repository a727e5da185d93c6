// Exact replay (DESIGN.md invariant 3): the journal read back with its chain checked, every
// recorded input fed through decide() again on the state folded from the records before it
// — the settings and instrument snapshots in force at that point — and every recomputed
// CopyDecision and FollowerOrderIntent compared, field for field, with the recorded one.
// The first difference stops the replay and is reported with its sequence, the event and
// the fields that differ. Each follower gets a digest of its decisions and its final
// positions, so two replays (another machine, another build) compare by one line each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/base/time.h"
#include "journal/record_reader.h"
#include "journal/store.h"

namespace tandem::replay {

struct Divergence {
  uint64_t seq = 0;                 // the first record that differs (or where one is missing)
  std::string what;                 // what differs, in words
  std::string recorded;             // the recorded event as JSON; empty when none was recorded
  std::string recomputed;           // the recomputed one; empty when none was recomputed
  std::vector<std::string> fields;  // top-level fields that differ
};

struct FollowerDigest {
  std::string follower;
  uint64_t decisions = 0;
  std::string sha256;  // of its decisions and intents in order, then its final positions
};

struct ReplayReport {
  uint64_t first_seq = 0, last_seq = 0;  // the records verified
  uint64_t inputs = 0;                   // leader updates fed through decide()
  uint64_t outputs = 0;                  // decisions and intents compared
  std::optional<Divergence> divergence;
  // The journal's head when it is an input whose decisions are not appended yet: the engine
  // died between the input's sync and their append (DESIGN.md invariant 1), and its next
  // start decides them again (engine/lost_outputs.h). 0 otherwise. Not a divergence.
  uint64_t undecided_head = 0;
  std::vector<FollowerDigest> digests;  // by follower id
};

// Verifies the trading days from..to (inclusive); the state before `from` is folded from
// the records before it. not_found when the journal has no record of those days.
[[nodiscard]] Result<ReplayReport> verify_days(const journal::Store& store, domain::TradingDay from,
                                               domain::TradingDay to,
                                               const journal::ReadProgress& progress = {});

}  // namespace tandem::replay
