// Checks records one after another as they are read: each record's own hash, the link to
// the record before it, and that sequences follow without a gap (DESIGN.md invariant 5).
// `verify`, the open-time tail check and every replay read share this one checker.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/base/status.h"
#include "journal/codec.h"
#include "journal/hash_chain.h"

namespace tandem::journal {

class ChainChecker {
 public:
  // `prev` is the hash of the record before the first one checked; nullopt when that record
  // is not read (a window at the tail), in which case only the first record's own hash is
  // checked. Reading from seq 1 passes kGenesisHash.
  explicit ChainChecker(std::optional<Hash> prev) : prev_(prev) {}

  // corruption naming the record's sequence when it does not chain.
  Status check(const Envelope& envelope);

  // The same check in two halves, for readers that hash records on another thread:
  // check_link follows the sequence and the stored hashes (cheap, in order) and leaves each
  // record's own hash to check_contents, which may run later and in any order. Every record
  // must pass both; the first failure in sequence order is the one `check` would report.
  Status check_link(const Envelope& envelope);
  static Status check_contents(const Envelope& envelope);

  uint64_t last_seq() const { return last_seq_; }
  const std::optional<Hash>& last_hash() const { return prev_; }

 private:
  Status check_sequence(uint64_t seq) const;

  std::optional<Hash> prev_;
  uint64_t last_seq_ = 0;
};

}  // namespace tandem::journal
