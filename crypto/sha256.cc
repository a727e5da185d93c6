#include "crypto/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "domain/base/assert.h"

namespace tandem::crypto {

namespace {
// Fetched once: OpenSSL 3 otherwise looks the algorithm up on every init.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  TANDEM_ASSERT(md != nullptr);
  return md;
}
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  TANDEM_ASSERT(ctx_ != nullptr);
  reset();
}
Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::reset() { TANDEM_ASSERT(EVP_DigestInit_ex2(ctx_, sha256_md(), nullptr) == 1); }

void Sha256::update(std::span<const uint8_t> bytes) {
  TANDEM_ASSERT(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) == 1);
}
void Sha256::update(std::string_view bytes) {
  TANDEM_ASSERT(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) == 1);
}

Digest Sha256::finish() {
  Digest out{};
  unsigned int len = 0;
  TANDEM_ASSERT(EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1);
  TANDEM_ASSERT(len == out.size(), len);
  reset();
  return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return to_hex(sha.finish());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace tandem::crypto
