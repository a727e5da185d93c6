// Backups of a journal, live or not (`tandem journal backup` and `restore`): a RocksDB
// checkpoint taken through a read-only instance — which takes no lock, so the engine keeps
// writing — then the copy opened and its whole hash chain verified. A copy is a prefix of
// the journal as of the moment it was taken; a copy that does not verify is removed and
// reported, never left behind looking like a backup.
#pragma once

#include <string>

#include "domain/base/status.h"
#include "journal/verify.h"

namespace tandem::journal {

// Copies the journal in `from` to `to`, which must not exist yet. Retries a few times when
// the live writer removes a file mid-copy (a compaction). Returns the copy's verification.
// Errors: not_found / invalid_argument / corruption from opening `from`, invalid_argument
// when `to` exists, corruption when the copy does not verify (the copy is removed).
[[nodiscard]] Result<VerifyReport> copy_journal(const std::string& from, const std::string& to);

}  // namespace tandem::journal
