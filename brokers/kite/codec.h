// Zerodha Kite Connect v3, wire to domain and back (brokers.md §1). Pure: bytes in, values
// out, no I/O; the REST and WebSocket sessions call these. Tested on Zerodha's own payloads
// (../shared/fixtures/kite). Order ids stay strings; unknown fields are ignored; a missing
// required field is an `invalid_argument` error naming it; unknown statuses are kept as
// `pending` with the broker's text in broker_status, so nothing acts on them.
#pragma once

#include <optional>
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

// ---- requests (form-encoded bodies) ----
// POST /orders/{variety}: tag carries our client tag; MARKET and SL-M carry
// market_protection (mandatory since April 2026; -1 lets Kite choose).
// `autoslice` asks Kite to split the order above the exchange freeze quantity.
[[nodiscard]] std::string place_order_form(const domain::OrderRequest& order,
                                           const domain::ClientTag& tag, int market_protection = -1,
                                           bool autoslice = false);
// PUT /orders/{variety}/{order_id}.
[[nodiscard]] std::string modify_order_form(const domain::OrderRequest& order,
                                            int market_protection = -1);

// ---- the server side, for the broker simulator ----
struct OrderForm {
  domain::OrderRequest order;
  domain::ClientTag tag;
  std::optional<int> market_protection;
  std::optional<int64_t> disclosed_units;  // disclosed_quantity, when the form names it
  bool autoslice = false;
};
// Decodes a place form body. Errors name the field as Kite's InputException would.
[[nodiscard]] Result<OrderForm> parse_order_form(std::string_view body);
// Decodes a modify form body over the order as it stands: Kite's modify takes any of
// quantity, price, trigger_price, order_type, validity and disclosed_quantity, and keeps
// what the body does not name.
[[nodiscard]] Result<OrderForm> parse_modify_form(std::string_view body,
                                                  const domain::OrderRequest& current);
// Kite's JSON: an order row as GET /orders has it, and the two envelopes.
[[nodiscard]] std::string orders_body(const std::vector<BrokerOrder>& orders);
[[nodiscard]] std::string order_id_body(const domain::BrokerOrderId& id);
// GET /user/margins (equity and commodity) and GET /user/margins/{segment} (the segment
// alone, as Kite answers it).
[[nodiscard]] std::string margins_body(const Funds& funds);
[[nodiscard]] std::string margin_segment_body(const Funds& funds);
// GET /user/profile, with the fields of Kite's own (profile.json).
// Every exchange Kite names; an account may have fewer enabled.
inline const std::vector<std::string> kKiteExchanges = {"NSE", "BSE", "NFO", "BFO",
                                                        "CDS", "BCD", "MCX"};
[[nodiscard]] std::string profile_body(std::string_view user_id,
                                       const std::vector<std::string>& exchanges = kKiteExchanges);
// The exchanges GET /user/profile says the account may trade on.
[[nodiscard]] Result<std::vector<std::string>> parse_profile_exchanges(std::string_view body);
// DELETE /session/token's answer (`data: true`), and GET /portfolio/holdings with none.
[[nodiscard]] std::string logout_body();
[[nodiscard]] std::string holdings_body();
[[nodiscard]] std::string placement_body(const Placement& placement);
[[nodiscard]] std::string trades_body(const std::vector<BrokerTrade>& trades);
// GET /portfolio/positions: `net` and `day` alike (the simulator's book holds one day).
[[nodiscard]] std::string positions_body(const std::vector<PositionDetail>& positions);
// GET /instruments: the 12-column CSV parse_instruments reads.
[[nodiscard]] std::string instruments_csv(const std::vector<domain::Instrument>& instruments);
[[nodiscard]] std::string error_body(std::string_view error_type, std::string_view message);
// A WebSocket text frame carrying an order update: {"type": "order", "data": <row>}, the
// row with the postback's fields: user_id (the order's placed_by), unfilled_quantity, app_id
// and the checksum over order_id, order_timestamp and the app's secret.
[[nodiscard]] std::string order_update_text(const BrokerOrder& order, std::string_view api_secret);

// ---- login (brokers.md §1.3): POST /session/token with api_key, request_token, checksum ----
struct SessionGrant {
  std::string user_id;
  std::string access_token;  // secret
};
[[nodiscard]] std::string session_token_form(std::string_view api_key,
                                             std::string_view request_token,
                                             std::string_view api_secret);
[[nodiscard]] Result<SessionGrant> parse_session(std::string_view body);
// The login URL to send the user to, and the request_token from the URL Kite redirects to
// (or the bare token, pasted alone).
[[nodiscard]] std::string login_url(std::string_view api_key,
                                    std::string_view base = "https://kite.zerodha.com");
[[nodiscard]] Result<std::string> request_token_from(std::string_view redirect_url);
// POST /session/token's answer, with every field of Kite's (generate_session.json).
[[nodiscard]] std::string session_body(const SessionGrant& grant, std::string_view api_key,
                                       domain::TimeNs login_time,
                                       const std::vector<std::string>& exchanges = kKiteExchanges);

// ---- checksums (lowercase hex SHA-256 of plain concatenations) ----
[[nodiscard]] std::string session_checksum(std::string_view api_key, std::string_view request_token,
                                           std::string_view api_secret);

// ---- vocabulary ----
[[nodiscard]] std::string_view wire(domain::Exchange e);
[[nodiscard]] std::string_view wire(domain::Side s);
[[nodiscard]] std::string_view wire(domain::OrderType t);
[[nodiscard]] std::string_view wire(domain::Product p);
[[nodiscard]] std::string_view wire(domain::Validity v);
[[nodiscard]] domain::OrderStatus status_from_wire(std::string_view status);
[[nodiscard]] std::optional<domain::Exchange> exchange_from_wire(std::string_view exchange);

}  // namespace tandem::brokers::kite
