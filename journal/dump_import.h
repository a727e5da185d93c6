// Re-imports a `journal dump` (JSON lines) into an empty journal, record for record. Each
// record's hash is recomputed from its decoded event and header and must equal the dumped
// hash, so an imported journal has exactly the recorded chain: the golden tapes of
// tests/data/tapes are text in git and still prove, by their head hash, that they are the
// journals the engine wrote.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

#include "journal/hash_chain.h"
#include "journal/store.h"

namespace tandem::journal {

struct ImportReport {
  uint64_t records = 0;
  Hash head{};
};

// Checks a dump line by line, as import_dump does before it appends: each line parsed, in
// sequence from 1, of a schema this build reads, and re-creating its recorded hash from the
// hash before it. The journal fuzz target (tests/fuzz) drives it with any bytes.
class DumpChecker {
 public:
  // The record the line holds; nullopt for a blank line. Errors name the line:
  // invalid_argument for a line that does not parse or does not follow the previous one,
  // unsupported for an unknown schema, corruption for a hash the line does not re-create.
  [[nodiscard]] Result<std::optional<AppendItem>> check(const std::string& text);
  [[nodiscard]] uint64_t records() const { return records_; }
  [[nodiscard]] Hash head() const { return prev_; }

 private:
  Hash prev_ = kGenesisHash;
  uint64_t records_ = 0;
  uint64_t line_no_ = 0;
};

// Reads every line of `dump` (blank lines skipped) into `store`, which must be empty.
// Errors name the line: invalid_argument for a line that does not parse or does not follow
// the previous one, corruption for a record whose recomputed hash differs from its own.
// Records are appended in batches only after they check, so a bad line leaves at most the
// good records before it.
[[nodiscard]] Result<ImportReport> import_dump(std::istream& dump, Store& store);

}  // namespace tandem::journal
