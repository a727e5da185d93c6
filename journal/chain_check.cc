#include "journal/chain_check.h"

#include <string>

namespace tandem::journal {

namespace {
std::string where(uint64_t seq) { return "record " + std::to_string(seq) + ": "; }
}  // namespace

Status ChainChecker::check(const Envelope& envelope) {
  TANDEM_RETURN_IF_ERROR(check_sequence(envelope.header.seq));
  TANDEM_RETURN_IF_ERROR(check_contents(envelope));
  return check_link(envelope);
}

Status ChainChecker::check_sequence(uint64_t seq) const {
  if (last_seq_ == 0 || seq == last_seq_ + 1) return Status();
  return Status::corruption(where(seq) + "follows record " + std::to_string(last_seq_) +
                            " (records are missing or out of order)");
}

Status ChainChecker::check_contents(const Envelope& envelope) {
  if (envelope.hash_matches()) return Status();
  return Status::corruption(where(envelope.header.seq) +
                            "hash does not match the record's contents (edited)");
}

Status ChainChecker::check_link(const Envelope& envelope) {
  const uint64_t seq = envelope.header.seq;
  TANDEM_RETURN_IF_ERROR(check_sequence(seq));
  if (prev_.has_value() && envelope.prev_hash != *prev_) {
    // An edited record usually breaks its link too; name the edit, as `check` would.
    TANDEM_RETURN_IF_ERROR(check_contents(envelope));
    return Status::corruption(where(seq) + "prev_hash does not match the hash of record " +
                              std::to_string(seq - 1) + " (chain broken)");
  }
  prev_ = envelope.hash;
  last_seq_ = seq;
  return Status();
}

}  // namespace tandem::journal
