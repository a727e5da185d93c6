#include "journal/hash_chain.h"

#include <openssl/evp.h>

#include "domain/base/assert.h"

namespace tandem::journal {

namespace {
// Fetched once: OpenSSL 3 otherwise looks the algorithm up on every init.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  TANDEM_ASSERT(md != nullptr);
  return md;
}

void put_be(uint8_t* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
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

Hash Sha256::finish() {
  Hash out{};
  unsigned int len = 0;
  TANDEM_ASSERT(EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1);
  TANDEM_ASSERT(len == out.size(), len);
  reset();
  return out;
}

Hash chain_hash(const Hash& prev, const ChainHeader& header, std::span<const uint8_t> payload) {
  thread_local Sha256 sha;
  std::array<uint8_t, kHeaderBytes> h{};
  put_be(h.data(), header.seq, 8);
  put_be(h.data() + 8, static_cast<uint64_t>(header.recorded_at_ns), 8);
  put_be(h.data() + 16, header.trading_day, 4);
  put_be(h.data() + 20, header.schema_version, 2);
  put_be(h.data() + 22, header.event_type, 2);
  sha.update(prev);
  sha.update(h);
  sha.update(payload);
  return sha.finish();
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
  const Hash h = sha.finish();
  return to_hex(h);
}

}  // namespace tandem::journal
