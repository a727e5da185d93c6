// Re-imports a `journal dump` (JSON lines) into an empty journal, record for record. Each
// record's hash is recomputed from its decoded event and header and must equal the dumped
// hash, so an imported journal has exactly the recorded chain: the golden tapes of
// tests/data/tapes are text in git and still prove, by their head hash, that they are the
// journals the engine wrote.
#pragma once

#include <cstdint>
#include <istream>

#include "journal/hash_chain.h"
#include "journal/store.h"

namespace tandem::journal {

struct ImportReport {
  uint64_t records = 0;
  Hash head{};
};

// Reads every line of `dump` (blank lines skipped) into `store`, which must be empty.
// Errors name the line: invalid_argument for a line that does not parse or does not follow
// the previous one, corruption for a record whose recomputed hash differs from its own.
// Records are appended in batches only after they check, so a bad line leaves at most the
// good records before it.
[[nodiscard]] Result<ImportReport> import_dump(std::istream& dump, Store& store);

}  // namespace tandem::journal
