// Reads records in order with the hash chain checked on every one and each event decoded:
// what replay, backtest and the audit export consume (STYLE.md §4: replay/ checks the chain
// on every read). Two threads: a reader thread scans RocksDB, copies records and checks
// their links a bounded number of chunks ahead; checking each record's own hash and decoding
// it is done per chunk by whichever thread is free first; the calling thread runs `visit`.
// Records reach `visit` in sequence order, each exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "domain/base/status.h"
#include "journal/codec.h"
#include "journal/store.h"

namespace tandem::journal {

struct ReadRange {
  uint64_t from_seq = 1;
  uint64_t to_seq = 0;  // 0 = the head
};

// The records of the trading days from..to (inclusive), through the day index: the first
// and last sequence. not_found when the journal has no record of those days.
[[nodiscard]] Result<ReadRange> days_range(const Store& store, domain::TradingDay from,
                                           domain::TradingDay to);

// Told now and then (every few thousand records) how many records of how many are done: for
// progress bars on long reads.
using ReadProgress = std::function<void(uint64_t done, uint64_t total)>;

// Calls `visit` for each record of `range`, stopping early when it returns false.
// The chain is anchored at record from_seq - 1 (its own hash is checked too), or at the
// genesis hash when reading from seq 1. Returns the first corruption met, naming its seq.
[[nodiscard]] Status read_records(const Store& store, ReadRange range,
                                  const std::function<bool(Record&&)>& visit,
                                  const ReadProgress& progress = {});

// The same, with each record's stored payload bytes beside it (valid during the call): the
// canonical encoding of its event, for digests that would otherwise encode it again.
using PayloadVisitor = std::function<bool(Record&&, std::span<const uint8_t> payload)>;
[[nodiscard]] Status read_records_with_payload(const Store& store, ReadRange range,
                                               const PayloadVisitor& visit,
                                               const ReadProgress& progress = {});

}  // namespace tandem::journal
