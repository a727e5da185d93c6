// SHA-256 over OpenSSL EVP, for the shell: the journal's hash chain, broker checksums, file
// hashes in exports. Thread-safety: a Sha256 is single-threaded; the free functions are safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace tandem::crypto {

using Digest = std::array<uint8_t, 32>;

// Incremental SHA-256 reusing one EVP context.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset();
  void update(std::span<const uint8_t> bytes);
  void update(std::string_view bytes);
  Digest finish();  // and resets

 private:
  evp_md_ctx_st* ctx_;
};

[[nodiscard]] std::string to_hex(std::span<const uint8_t> bytes);
// The bytes of a hex string (either case); nullopt when it is not hex.
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);
// Lowercase hex SHA-256 of `bytes`.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);
// Compares two strings in time independent of where they differ (for checksums, tokens).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tandem::crypto
