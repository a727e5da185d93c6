// The journal's record codec: domain events to canonical Cap'n Proto bytes and back, and
// the envelope that carries them (journal/schema/envelope.capnp, docs/journal_format.md).
// Decoding never throws: bad bytes become a `corruption` Status naming the sequence, and a
// record from a newer schema becomes `unsupported` (STYLE.md §3). Reads are bounded by
// explicit ReaderOptions. Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"
#include "domain/events.h"
#include "journal/hash_chain.h"

namespace tandem::journal {

// Version of the schema this binary writes. Readers accept any version up to their own
// (fields are only ever added) and refuse newer ones.
// 2: LateEvents in FollowerSettings, FollowerFlattenRequested (docs/journal_format.md).
// 3: the daily loss guard: its FollowerSettings fields, PriceSnapshot, LossGuardTripped.
// 4: position targets: SizingInputs.targetUnits, SkipReason atTarget and flattened, Clamp
//    entryLimit and freezeQuantity; decisions now follow follower order reports too
//    (docs/journal_format.md).
// 5: time as an input: ClockTick, FollowerSettings.catchUpMs, Clamp catchUp; orders found at
//    the broker under tags the journal lost: FollowerOrderFound.
// 6: a loss guard's flatten holds the follower's targets at zero, as an operator's flatten does
//    (no field changed: decisions after such a trip differ from schema 5's).
// 7: many leaders: LeaderConfigured.name and tagCode, LeaderOrderUpdate.leader,
//    FollowerSettings.leader (an older tandem would fold every leader into one).
// 8: a fleet shard's leader updates carry the tap stream's sequence (LeaderOrderUpdate.feedSeq),
//    by which a redelivered message is decided once.
inline constexpr uint16_t kSchemaVersion = 8;
// The oldest schema whose decisions today's core recomputes: older days were decided by the
// order-mirroring core, which `replay --verify` names instead of reporting divergences.
inline constexpr uint16_t kFirstTargetingSchema = 4;
// The oldest schema whose loss-guard flatten today's core folds the same way: a day with a
// flatten trip recorded before it is named by `replay --verify` too.
inline constexpr uint16_t kFirstGuardHoldSchema = 6;
inline constexpr size_t kMaxRecordBytes = 4u << 20;

struct Record {
  uint64_t seq = 0;
  domain::TimeNs recorded_at_ns = 0;
  domain::TradingDay trading_day = 0;
  uint16_t schema_version = kSchemaVersion;
  domain::Event event;
  Hash prev_hash{};
  Hash hash{};
  bool operator==(const Record&) const = default;
};

// Bytes kept in 8-byte words: Cap'n Proto reads aligned memory only.
struct WordBytes {
  std::vector<uint64_t> words;
  size_t size = 0;
  std::span<const uint8_t> bytes() const {
    return {reinterpret_cast<const uint8_t*>(words.data()), size};
  }
};

// Canonical payload of an event (capnp::canonicalize): equal events give equal bytes.
[[nodiscard]] WordBytes encode_payload(const domain::Event& event);
[[nodiscard]] Result<domain::Event> decode_payload(domain::EventType type,
                                                   std::span<const uint8_t> payload, uint64_t seq);

// The RocksDB value of one record. REQUIRES: header.schema_version == kSchemaVersion and a
// known event type (asserted: we never write what we could not read back).
[[nodiscard]] std::string encode_envelope(const ChainHeader& header,
                                          std::span<const uint8_t> payload, const Hash& prev,
                                          const Hash& hash);

// A decoded envelope whose payload is still bytes: all `verify` needs. It owns an aligned
// copy of the stored value, and the payload is a word-aligned range inside it, so decoding
// a record allocates nothing once the buffer has grown (scan reuses one Envelope).
struct Envelope {
  ChainHeader header;
  Hash prev_hash{};
  Hash hash{};
  WordBytes value;            // the stored bytes, aligned
  size_t payload_offset = 0;  // within `value`; a multiple of 8
  size_t payload_size = 0;

  std::span<const uint8_t> payload() const {
    return value.bytes().subspan(payload_offset, payload_size);
  }
  // True when `hash` is SHA-256(prev_hash ‖ header ‖ payload).
  [[nodiscard]] bool hash_matches() const;
};

// Decodes the value stored under sequence key `key_seq` into `out` (reusing its buffer);
// checks its shape, that it holds that sequence, and its schema version. Does not check
// the hash.
[[nodiscard]] Status decode_envelope(uint64_t key_seq, std::string_view value, Envelope& out);
[[nodiscard]] Result<Envelope> decode_envelope(uint64_t key_seq, std::string_view value);
// An envelope that arrived outside the store (a record published to the fleet's stream):
// the same checks, its sequence taken as it names it.
[[nodiscard]] Result<Envelope> decode_sent_envelope(std::string_view value);
// Envelope plus payload, with the record's own hash checked.
[[nodiscard]] Result<Record> decode_record(uint64_t key_seq, std::string_view value);
// The record of an envelope, its hash checked first unless the caller's ChainChecker has
// done so (a reader must not compute every SHA-256 twice).
enum class HashCheck : uint8_t { check, already_done };
[[nodiscard]] Result<Record> to_record(const Envelope& envelope, HashCheck hash = HashCheck::check);
// The same into `out`, reusing its storage, the hash not checked: for readers that keep a
// buffer of records. On error `out` is left as it was.
[[nodiscard]] Status decode_into(const Envelope& envelope, Record& out);

// One event as JSON, every field (for reports: replay's differences).
[[nodiscard]] Result<std::string> event_to_json(const domain::Event& event);

// The inverse of event_to_json for an event of wire id `type`; invalid_argument naming what
// does not fit.
[[nodiscard]] Result<domain::Event> event_from_json(domain::EventType type, std::string_view json);
// "LeaderOrderUpdate" → its wire id; invalid_argument for a name no event has.
[[nodiscard]] Result<domain::EventType> event_type_named(std::string_view name);

// One JSON object with every envelope field and every event field (for `journal dump`).
[[nodiscard]] Result<std::string> envelope_to_json(const Envelope& envelope);

}  // namespace tandem::journal
