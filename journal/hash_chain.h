// The journal's hash chain (DESIGN.md invariant 5): each record's hash is
// SHA-256(previous hash ‖ header ‖ payload), where header is the record's seq, recorded-at,
// trading day, schema version and event type in fixed big-endian form. The exact bytes are
// documented in docs/journal_format.md so anyone can re-verify an export without our code.
// Thread-safety: Sha256 is single-threaded; chain_hash uses one Sha256 per thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "domain/base/time.h"

struct evp_md_ctx_st;

namespace tandem::journal {

using Hash = std::array<uint8_t, 32>;
inline constexpr Hash kGenesisHash{};  // prev_hash of record 1
inline constexpr size_t kHeaderBytes = 8 + 8 + 4 + 2 + 2;

// Incremental SHA-256 over OpenSSL EVP, reusing one context.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset();
  void update(std::span<const uint8_t> bytes);
  void update(std::string_view bytes);
  Hash finish();

 private:
  evp_md_ctx_st* ctx_;
};

struct ChainHeader {
  uint64_t seq = 0;
  domain::TimeNs recorded_at_ns = 0;
  domain::TradingDay trading_day = 0;
  uint16_t schema_version = 0;
  uint16_t event_type = 0;
};

[[nodiscard]] Hash chain_hash(const Hash& prev, const ChainHeader& header,
                              std::span<const uint8_t> payload);

[[nodiscard]] std::string to_hex(std::span<const uint8_t> bytes);
// SHA-256 of arbitrary bytes, as lowercase hex (raw payload digests, file hashes).
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace tandem::journal
