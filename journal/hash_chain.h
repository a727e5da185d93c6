// The journal's hash chain (DESIGN.md invariant 5): each record's hash is
// SHA-256(previous hash ‖ header ‖ payload), where header is the record's seq, recorded-at,
// trading day, schema version and event type in fixed big-endian form. The exact bytes are
// documented in docs/journal_format.md so anyone can re-verify an export without our code.
// Thread-safety: chain_hash uses one crypto::Sha256 per thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "domain/base/time.h"

namespace tandem::journal {

using Hash = crypto::Digest;
using crypto::sha256_hex;
using crypto::to_hex;
inline constexpr Hash kGenesisHash{};  // prev_hash of record 1
inline constexpr size_t kHeaderBytes = 8 + 8 + 4 + 2 + 2;

struct ChainHeader {
  uint64_t seq = 0;
  domain::TimeNs recorded_at_ns = 0;
  domain::TradingDay trading_day = 0;
  uint16_t schema_version = 0;
  uint16_t event_type = 0;
};

[[nodiscard]] Hash chain_hash(const Hash& prev, const ChainHeader& header,
                              std::span<const uint8_t> payload);

}  // namespace tandem::journal
