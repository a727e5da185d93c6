// Kite's binary market-data frames (brokers.md §1.10): big-endian; a 2-byte packet count,
// then per packet a 2-byte length and the packet. Packets are 8 (ltp), 28/32 (index),
// 44 (quote) or 184 (full) bytes. A 1-byte message is a heartbeat. Prices arrive as
// integers: paise for most segments, other scales for currency (CDS, BCD).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"

namespace tandem::brokers::kite {

struct DepthLevel {
  int64_t quantity = 0;
  int64_t price_paise = 0;
  int32_t orders = 0;
  bool operator==(const DepthLevel&) const = default;
};

struct Tick {
  uint32_t instrument_token = 0;
  uint8_t segment = 0;  // instrument_token & 0xff: 1 NSE, 2 NFO, 3 CDS, 4 BSE, … 9 indices
  int64_t last_price_paise = 0;
  int64_t last_quantity = 0;
  int64_t average_price_paise = 0;
  int64_t volume = 0;
  int64_t total_buy_quantity = 0;
  int64_t total_sell_quantity = 0;
  int64_t open_paise = 0, high_paise = 0, low_paise = 0, close_paise = 0;
  int64_t last_trade_time_s = 0;       // full mode
  int64_t open_interest = 0;           // full mode
  int64_t exchange_time_s = 0;         // full mode and index full
  std::vector<DepthLevel> bids, asks;  // full mode: five each
  bool operator==(const Tick&) const = default;
};

// Decodes one binary WebSocket message; a heartbeat (shorter than 2 bytes) gives no ticks.
// A packet of an unknown size, or lengths that overrun the message, is invalid_argument.
[[nodiscard]] Result<std::vector<Tick>> parse_tick_message(std::span<const uint8_t> message);

// Decodes one bare packet (no count or length prefix), as the .packet fixtures store it.
[[nodiscard]] Result<Tick> parse_tick_packet(std::span<const uint8_t> packet);

// The inverse of parse_tick_packet for a packet of `size` bytes (8, 28, 32, 44 or 184): the
// simulator's ticker. Fields the size does not carry are not written.
[[nodiscard]] std::string encode_tick_packet(const Tick& tick, size_t size);
// One binary message of packets, as the ticker sends them.
[[nodiscard]] std::string encode_tick_message(const std::vector<std::string>& packets);

// The ticker's modes and the client's messages (brokers.md §1.10).
enum class TickMode : uint8_t { ltp, quote, full };
[[nodiscard]] std::string_view to_string(TickMode mode);
[[nodiscard]] size_t packet_size(TickMode mode);  // of a tradable instrument: 8, 44, 184
[[nodiscard]] std::string subscribe_message(const std::vector<uint32_t>& tokens);
[[nodiscard]] std::string mode_message(TickMode mode, const std::vector<uint32_t>& tokens);

struct TickerRequest {
  enum class Action : uint8_t { subscribe, unsubscribe, mode };
  Action action = Action::subscribe;
  TickMode mode = TickMode::quote;  // for Action::mode
  std::vector<uint32_t> tokens;
};
// A client's text message to the ticker: invalid_argument when it is none of the three.
[[nodiscard]] Result<TickerRequest> parse_ticker_request(std::string_view text);

}  // namespace tandem::brokers::kite
