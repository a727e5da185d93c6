#include "brokers/kite/ticks.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <string>

#include "domain/base/assert.h"

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

namespace tandem::brokers::kite {

namespace {

void put32(std::string& out, size_t at, uint32_t v) {
  out[at] = static_cast<char>(v >> 24);
  out[at + 1] = static_cast<char>(v >> 16);
  out[at + 2] = static_cast<char>(v >> 8);
  out[at + 3] = static_cast<char>(v);
}
void put16(std::string& out, size_t at, uint16_t v) {
  out[at] = static_cast<char>(v >> 8);
  out[at + 1] = static_cast<char>(v);
}

// Paise as the wire integer of the segment's scale (the inverse of to_paise).
uint32_t from_paise(int64_t paise, uint8_t segment) {
  const int64_t scale = segment == 3 ? 100'000 : segment == 6 ? 100 : 1;
  return static_cast<uint32_t>(static_cast<int32_t>(paise * scale));
}

constexpr std::array<std::string_view, 3> kModes = {"ltp", "quote", "full"};

std::string tokens_json(const std::vector<uint32_t>& tokens) {
  boost::json::array a;
  for (uint32_t t : tokens) a.emplace_back(t);
  return boost::json::serialize(a);
}

}  // namespace

std::string encode_tick_packet(const Tick& t, size_t n) {
  TANDEM_REQUIRE(n == 8 || n == 28 || n == 32 || n == 44 || n == 184, n);
  std::string p(n, '\0');
  const uint8_t segment = static_cast<uint8_t>(t.instrument_token & 0xff);
  auto price = [&](size_t at, int64_t paise) { put32(p, at, from_paise(paise, segment)); };
  put32(p, 0, t.instrument_token);
  price(4, t.last_price_paise);
  if (n == 28 || n == 32) {
    price(8, t.high_paise);
    price(12, t.low_paise);
    price(16, t.open_paise);
    price(20, t.close_paise);
    if (n == 32) put32(p, 28, static_cast<uint32_t>(t.exchange_time_s));
    return p;
  }
  if (n >= 44) {
    put32(p, 8, static_cast<uint32_t>(t.last_quantity));
    price(12, t.average_price_paise);
    put32(p, 16, static_cast<uint32_t>(t.volume));
    put32(p, 20, static_cast<uint32_t>(t.total_buy_quantity));
    put32(p, 24, static_cast<uint32_t>(t.total_sell_quantity));
    price(28, t.open_paise);
    price(32, t.high_paise);
    price(36, t.low_paise);
    price(40, t.close_paise);
  }
  if (n == 184) {
    put32(p, 44, static_cast<uint32_t>(t.last_trade_time_s));
    put32(p, 48, static_cast<uint32_t>(t.open_interest));
    put32(p, 60, static_cast<uint32_t>(t.exchange_time_s));
    for (size_t i = 0; i < 10; ++i) {
      const std::vector<DepthLevel>& side = i < 5 ? t.bids : t.asks;
      const size_t k = i % 5;
      if (k >= side.size()) continue;
      const size_t at = 64 + i * 12;
      put32(p, at, static_cast<uint32_t>(side[k].quantity));
      price(at + 4, side[k].price_paise);
      put16(p, at + 8, static_cast<uint16_t>(side[k].orders));
    }
  }
  return p;
}

std::string encode_tick_message(const std::vector<std::string>& packets) {
  TANDEM_REQUIRE(packets.size() <= 0xffff, packets.size());
  std::string out(2, '\0');
  put16(out, 0, static_cast<uint16_t>(packets.size()));
  for (const std::string& packet : packets) {
    std::string length(2, '\0');
    put16(length, 0, static_cast<uint16_t>(packet.size()));
    out += length;
    out += packet;
  }
  return out;
}

std::string_view to_string(TickMode mode) { return kModes[static_cast<size_t>(mode)]; }

size_t packet_size(TickMode mode) {
  switch (mode) {
    case TickMode::ltp:
      return 8;
    case TickMode::quote:
      return 44;
    case TickMode::full:
      return 184;
  }
  return 8;
}

std::string subscribe_message(const std::vector<uint32_t>& tokens) {
  return R"({"a":"subscribe","v":)" + tokens_json(tokens) + "}";
}

std::string mode_message(TickMode mode, const std::vector<uint32_t>& tokens) {
  return R"({"a":"mode","v":[")" + std::string(to_string(mode)) + "\"," + tokens_json(tokens) +
         "]}";
}

Result<TickerRequest> parse_ticker_request(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  const auto bad = [&](std::string_view why) {
    return Status::invalid_argument("kite ticker request: " + std::string(why));
  };
  if (ec || !v.is_object()) return bad("not a JSON object");
  const auto* a = v.as_object().if_contains("a");
  const auto* value = v.as_object().if_contains("v");
  if (a == nullptr || !a->is_string() || value == nullptr || !value->is_array()) {
    return bad("needs \"a\" (a string) and \"v\" (an array)");
  }
  TickerRequest out;
  const boost::json::array* tokens = &value->as_array();
  if (*a == "mode") {
    const auto& args = value->as_array();
    if (args.size() != 2 || !args[0].is_string() || !args[1].is_array()) {
      return bad("mode needs [\"ltp\"|\"quote\"|\"full\", [tokens]]");
    }
    const auto it = std::find(kModes.begin(), kModes.end(), std::string_view(args[0].as_string()));
    if (it == kModes.end()) return bad("unknown mode " + std::string(args[0].as_string()));
    out.action = TickerRequest::Action::mode;
    out.mode = static_cast<TickMode>(it - kModes.begin());
    tokens = &args[1].as_array();
  } else if (*a == "subscribe") {
    out.action = TickerRequest::Action::subscribe;
  } else if (*a == "unsubscribe") {
    out.action = TickerRequest::Action::unsubscribe;
  } else {
    return bad("unknown action " + std::string(a->as_string()));
  }
  for (const auto& t : *tokens) {
    if (!t.is_int64() || t.as_int64() < 0 || t.as_int64() > 0xffffffffLL) {
      return bad("tokens must be unsigned 32-bit integers");
    }
    out.tokens.push_back(static_cast<uint32_t>(t.as_int64()));
  }
  return out;
}

}  // namespace tandem::brokers::kite
