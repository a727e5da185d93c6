// DhanHQ API v2, wire to domain and back (brokers.md §2). Pure: bytes in, values out. Tested
// on every file of ../shared/fixtures/dhan. Bodies are bare JSON (no envelope); orders name
// instruments by exchange segment and securityId, translated through a SecurityMap (an
// unknown security keeps its trading symbol, or "dhan:<securityId>" when Dhan sent none).
// Our client tag travels as `correlationId`. Unknown keys are ignored; a missing required
// key is an `invalid_argument` naming it; unknown statuses stay `pending` with Dhan's text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "brokers/broker_types.h"
#include "brokers/dhan/scrip_master.h"

namespace tandem::brokers::dhan {

// ---- responses ----
[[nodiscard]] Result<std::vector<BrokerOrder>> parse_orders(std::string_view body,
                                                            const SecurityMap& securities);
[[nodiscard]] Result<BrokerOrder> parse_order(std::string_view body, const SecurityMap& securities);
[[nodiscard]] Result<std::vector<BrokerTrade>> parse_trades(std::string_view body,
                                                            const SecurityMap& securities);
[[nodiscard]] Result<std::vector<domain::BrokerPosition>> parse_positions(
    std::string_view body, const SecurityMap& securities);

struct Holding {
  std::string security_id;
  std::string tradingsymbol;
  std::string isin;
  int64_t total_units = 0;
  int64_t available_units = 0;
  int64_t average_cost_paise = 0;
  bool operator==(const Holding&) const = default;
};
[[nodiscard]] Result<std::vector<Holding>> parse_holdings(std::string_view body);
// GET /fundlimit: `availabelBalance` (Dhan's spelling) is what sizing may use.
[[nodiscard]] Result<Funds> parse_fund_limit(std::string_view body);

// POST /orders, PUT and DELETE /orders/{id}: {"orderId", "orderStatus"}.
struct OrderAck {
  domain::BrokerOrderId order_id;
  domain::OrderStatus status = domain::OrderStatus::pending;
  std::string broker_status;
};
[[nodiscard]] Result<OrderAck> parse_order_ack(std::string_view body);
// POST /orders/slicing: an array of acks; the first names the order.
[[nodiscard]] Result<Placement> parse_slices(std::string_view body);

// A failed call: classified by `errorCode` (DH-9xx), whatever the HTTP status and whatever
// `errorType` is spelt; HTTP 429 is rate_limited too.
[[nodiscard]] BrokerError parse_error(int http_status, std::string_view body);

// GET /profile: the account and when its token stops working (as Dhan writes it).
struct Profile {
  std::string client_id;
  std::string token_validity;         // "dd/MM/yyyy HH:mm", as Dhan writes it
  std::vector<std::string> segments;  // activeSegment: "Equity, Derivative, …" split
};
[[nodiscard]] Result<Profile> parse_profile(std::string_view body);
// GET /v2/ip/getIP: the primary and secondary static IPs that are set (none, one or two).
[[nodiscard]] Result<std::vector<std::string>> parse_registered_ips(std::string_view body);

// The API key flow (brokers.md §2.3): generate-consent gives a consentAppId; after the
// browser login, consumeApp-consent gives the account's access token.
[[nodiscard]] Result<std::string> parse_consent_id(std::string_view body);
struct ConsumedConsent {
  std::string client_id;
  std::string access_token;  // never logged
  std::string expiry_time;   // as Dhan writes it
};
[[nodiscard]] Result<ConsumedConsent> parse_consumed_consent(std::string_view body);
// The browser step: where the user logs in, and the tokenId from the address Dhan sends the
// browser back to (or the bare tokenId, pasted alone).
[[nodiscard]] std::string consent_login_url(std::string_view auth_base,
                                            std::string_view consent_id);
[[nodiscard]] Result<std::string> token_id_from(std::string_view redirect_url);

// ---- requests (JSON with dhanClientId) ----
struct OrderTarget {
  std::string client_id;    // dhanClientId
  std::string security_id;  // from the scrip master
  domain::Exchange exchange = domain::Exchange::nse;
};
[[nodiscard]] std::string place_order_json(const domain::OrderRequest& order,
                                           const OrderTarget& target, std::string_view tag);
// PUT /orders/{id}: `quantity` is the whole order's quantity, not what is left (v2 rule).
[[nodiscard]] std::string modify_order_json(const domain::OrderRequest& order,
                                            std::string_view client_id,
                                            const domain::BrokerOrderId& order_id);

// ---- the live order update socket (wss://api-order-update.dhan.co) ----
[[nodiscard]] std::string order_update_login(std::string_view client_id, std::string_view token);
// One text message: an order update for `order_alert`, nullopt for any other Type.
[[nodiscard]] Result<std::optional<BrokerOrder>> parse_order_update(std::string_view text,
                                                                    const SecurityMap& securities);

// ---- the server side, for the broker simulator ----
struct OrderRequestBody {
  std::string client_id;
  std::string correlation_id;
  std::string security_id;
  domain::Exchange exchange = domain::Exchange::nse;
  domain::OrderRequest order;      // its instrument is left empty: the caller maps security_id
  domain::BrokerOrderId order_id;  // modify only
  bool after_market = false;       // afterMarketOrder: held until the open (place only)
  std::string amo_time;            // PRE_OPEN, OPEN, OPEN_30, OPEN_60; empty when not sent
};
[[nodiscard]] Result<OrderRequestBody> parse_place_json(std::string_view body);
[[nodiscard]] Result<OrderRequestBody> parse_modify_json(std::string_view body);
// Order rows, as GET /orders has them; `security_of` gives each order's securityId.
[[nodiscard]] std::string orders_body(const std::vector<BrokerOrder>& orders,
                                      const SecurityMap& securities, std::string_view client_id);
[[nodiscard]] std::string order_body(const BrokerOrder& order, const SecurityMap& securities,
                                     std::string_view client_id);
[[nodiscard]] std::string order_ack_body(const domain::BrokerOrderId& id, std::string_view status);
// GET /v2/trades (and /trades/{order-id}): every field of Dhan's row; each trade's order
// (from `orders`, by id) gives its type, times and exchange order id.
[[nodiscard]] std::string trades_body(const std::vector<BrokerTrade>& trades,
                                      const std::vector<BrokerOrder>& orders,
                                      const SecurityMap& securities, std::string_view client_id);
// GET /v2/positions: every field of Dhan's row, from one day's trading.
[[nodiscard]] std::string positions_body(const std::vector<PositionDetail>& positions,
                                         const SecurityMap& securities, std::string_view client_id);
[[nodiscard]] std::string fund_limit_body(std::string_view client_id, const Funds& funds);
[[nodiscard]] std::string error_body(std::string_view code, std::string_view message);
[[nodiscard]] std::string order_update_text(const BrokerOrder& order, const SecurityMap& securities,
                                            std::string_view client_id);

// ---- vocabulary ----
[[nodiscard]] domain::OrderStatus status_from_wire(std::string_view status);  // any case
[[nodiscard]] std::string_view status_wire(domain::OrderStatus status, int64_t filled_units);

}  // namespace tandem::brokers::dhan
