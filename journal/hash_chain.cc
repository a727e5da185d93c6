#include "journal/hash_chain.h"

#include "domain/base/assert.h"

namespace tandem::journal {

namespace {

void put_be(uint8_t* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

Hash chain_hash(const Hash& prev, const ChainHeader& header, std::span<const uint8_t> payload) {
  thread_local crypto::Sha256 sha;
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

}  // namespace tandem::journal
