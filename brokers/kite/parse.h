// Kite Connect v3, wire to domain (brokers.md §1): REST answers, WebSocket text frames and
// postbacks. Pure: bytes in, values out, no I/O; the REST and WebSocket sessions call these.
// Tested on Zerodha's own payloads (../shared/fixtures/kite). Order ids stay strings; unknown
// fields are ignored; a missing required field is an `invalid_argument` error naming it;
// unknown statuses are kept as `pending` with the broker's text in broker_status, so nothing
// acts on them. Each order read keeps the SHA-256 of the frame it came in (raw_digest).
#pragma once

#include <boost/json/value.hpp>

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "brokers/broker_types.h"
#include "domain/base/status.h"

namespace tandem::brokers::kite {

// ---- responses (the {"status": "success", "data": ...} envelope) ----
[[nodiscard]] Result<std::vector<BrokerOrder>> parse_orders(
    std::string_view body);  // GET /orders, /orders/{id}
[[nodiscard]] Result<std::vector<BrokerTrade>> parse_trades(
    std::string_view body);  // GET /trades, /orders/{id}/trades
[[nodiscard]] Result<std::vector<domain::BrokerPosition>> parse_positions(
    std::string_view body);                                        // net
[[nodiscard]] Result<Funds> parse_margins(std::string_view body);  // GET /user/margins (equity)
[[nodiscard]] Result<domain::BrokerOrderId> parse_order_id(
    std::string_view body);  // place/modify/cancel
// POST /orders/{variety}: a plain {"order_id"}, or with autoslice the parent and its children,
// each an order id or an error (fixture autoslice_response.json).
[[nodiscard]] Result<Placement> parse_placement(std::string_view body);
[[nodiscard]] Result<std::vector<domain::Instrument>> parse_instruments(std::string_view csv);
// The exchanges GET /user/profile says the account may trade on.
[[nodiscard]] Result<std::vector<std::string>> parse_profile_exchanges(std::string_view body);

// A failed call, from its HTTP status and body; switches on error_type, not the status
// (brokers.md §1.8). HTTP 429 is rate_limited whatever the body says.
[[nodiscard]] BrokerError parse_error(int http_status, std::string_view body);

// ---- WebSocket text frames (order updates arrive as text, ticks as binary) ----
struct WsError {
  std::string message;
};
struct WsMessage {
  std::string message;
};
using WsText = std::variant<BrokerOrder, WsError, WsMessage>;
[[nodiscard]] Result<WsText> parse_ws_text(std::string_view text);

// ---- postbacks: the checksum is verified before anything is trusted ----
[[nodiscard]] Result<BrokerOrder> parse_postback(std::string_view body,
                                                 std::string_view api_secret);

// The `data` of a success envelope, or the error it carries (login.cc reads sessions with it).
[[nodiscard]] Result<boost::json::value> data_of(std::string_view body, std::string_view what);

}  // namespace tandem::brokers::kite
