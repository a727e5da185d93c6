// Full verification of a journal: every record decodes, every hash chains from the genesis
// hash to the head in meta, sequences have no gap, and the day index agrees with the log.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "domain/base/status.h"
#include "journal/store.h"

namespace tandem::journal {

struct VerifyReport {
  uint64_t records_checked = 0;  // records that verified, from seq 1
  Head head;                     // as recorded in meta
  std::optional<uint64_t> first_bad_seq;
  Status status;  // ok, or what is wrong at first_bad_seq
  bool ok() const { return status.ok(); }
};

// Walks the whole journal. `progress` (optional) is called every `progress_every` records.
[[nodiscard]] VerifyReport verify_journal(const Store& store,
                                          const std::function<void(uint64_t)>& progress = {},
                                          uint64_t progress_every = 100000);

}  // namespace tandem::journal
