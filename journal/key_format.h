// RocksDB keys. Sequence keys are 8-byte big-endian so that byte order is append order
// (docs/journal_format.md); day keys are the YYYYMMDD trading day, 4-byte big-endian.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::journal {

inline std::string encode_u64_key(uint64_t v) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return key;
}

inline std::optional<uint64_t> decode_u64_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : key) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

inline std::string encode_day_key(uint32_t day) {
  std::string key(4, '\0');
  for (int i = 3; i >= 0; --i) {
    key[i] = static_cast<char>(day & 0xff);
    day >>= 8;
  }
  return key;
}

inline std::optional<uint32_t> decode_day_key(std::string_view key) {
  if (key.size() != 4) return std::nullopt;
  uint32_t v = 0;
  for (char c : key) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

}  // namespace tandem::journal
