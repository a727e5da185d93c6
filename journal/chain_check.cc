#include "journal/chain_check.h"

#include <string>

namespace tandem::journal {

Status ChainChecker::check(const Envelope& envelope) {
  const uint64_t seq = envelope.header.seq;
  auto where = [seq] { return "record " + std::to_string(seq) + ": "; };  // on failure only
  if (last_seq_ != 0 && seq != last_seq_ + 1) {
    return Status::corruption(where() + "follows record " + std::to_string(last_seq_) +
                              " (records are missing or out of order)");
  }
  if (!envelope.hash_matches()) {
    return Status::corruption(where() + "hash does not match the record's contents (edited)");
  }
  if (prev_.has_value() && envelope.prev_hash != *prev_) {
    return Status::corruption(where() + "prev_hash does not match the hash of record " +
                              std::to_string(seq - 1) + " (chain broken)");
  }
  prev_ = envelope.hash;
  last_seq_ = seq;
  return Status();
}

}  // namespace tandem::journal
