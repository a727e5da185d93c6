#include "brokers/kite/ticks.h"

#include <string>

namespace tandem::brokers::kite {

namespace {

uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}
int32_t be32s(std::span<const uint8_t> b, size_t at) { return static_cast<int32_t>(be32(b, at)); }
uint16_t be16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

// The wire integer of a price in the segment's scale, as paise.
int64_t to_paise(int64_t raw, uint8_t segment) {
  switch (segment) {
    case 3:
      return raw / 100'000;  // CDS: rupees × 10^7
    case 6:
      return raw / 100;  // BCD: rupees × 10^4
    default:
      return raw;  // rupees × 100
  }
}

}  // namespace

Result<Tick> parse_tick_packet(std::span<const uint8_t> p) {
  const size_t n = p.size();
  if (n != 8 && n != 28 && n != 32 && n != 44 && n != 184) {
    return Status::invalid_argument("kite tick packet of " + std::to_string(n) +
                                    " bytes (expected 8, 28, 32, 44 or 184)");
  }
  Tick t;
  t.instrument_token = be32(p, 0);
  t.segment = static_cast<uint8_t>(t.instrument_token & 0xff);
  auto price = [&](size_t at) { return to_paise(be32s(p, at), t.segment); };
  t.last_price_paise = price(4);
  if (n == 28 || n == 32) {  // index: ltp, high, low, open, close, change[, timestamp]
    t.high_paise = price(8);
    t.low_paise = price(12);
    t.open_paise = price(16);
    t.close_paise = price(20);
    if (n == 32) t.exchange_time_s = be32(p, 28);
    return t;
  }
  if (n >= 44) {
    t.last_quantity = be32(p, 8);
    t.average_price_paise = price(12);
    t.volume = be32(p, 16);
    t.total_buy_quantity = be32(p, 20);
    t.total_sell_quantity = be32(p, 24);
    t.open_paise = price(28);
    t.high_paise = price(32);
    t.low_paise = price(36);
    t.close_paise = price(40);
  }
  if (n == 184) {
    t.last_trade_time_s = be32(p, 44);
    t.open_interest = be32(p, 48);
    t.exchange_time_s = be32(p, 60);
    for (size_t i = 0; i < 10; ++i) {
      const size_t at = 64 + i * 12;
      DepthLevel level{be32(p, at), price(at + 4), static_cast<int32_t>(be16(p, at + 8))};
      (i < 5 ? t.bids : t.asks).push_back(level);
    }
  }
  return t;
}

Result<std::vector<Tick>> parse_tick_message(std::span<const uint8_t> m) {
  std::vector<Tick> out;
  if (m.size() < 2) return out;  // heartbeat
  const uint16_t count = be16(m, 0);
  size_t at = 2;
  for (uint16_t i = 0; i < count; ++i) {
    if (at + 2 > m.size()) {
      return Status::invalid_argument("kite tick message: packet " + std::to_string(i + 1) +
                                      " of " + std::to_string(count) + " is missing");
    }
    const uint16_t len = be16(m, at);
    at += 2;
    if (at + len > m.size()) {
      return Status::invalid_argument("kite tick message: packet " + std::to_string(i + 1) +
                                      " says " + std::to_string(len) + " bytes, " +
                                      std::to_string(m.size() - at) + " remain");
    }
    Result<Tick> tick = parse_tick_packet(m.subspan(at, len));
    if (!tick.ok()) return tick.status();
    out.push_back(std::move(tick).value());
    at += len;
  }
  return out;
}

}  // namespace tandem::brokers::kite
