// DhanHQ API v2, wire to domain (brokers.md §2): REST answers and the order-update socket's
// messages. Pure: bytes in, values out. Tested on every file of ../shared/fixtures/dhan.
// Bodies are bare JSON (no envelope); orders name instruments by exchange segment and
// securityId, translated through a SecurityMap (an unknown security keeps its trading
// symbol, or "dhan:<securityId>" when Dhan sent none). Our client tag travels as
// `correlationId`. Unknown keys are ignored; a missing required key is an `invalid_argument`
// naming it; unknown statuses stay `pending` with Dhan's text. Each order read keeps the
// SHA-256 of the frame it came in (raw_digest).
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

// ---- the live order update socket (wss://api-order-update.dhan.co) ----
// One text message: an order update for `order_alert`, nullopt for any other Type.
[[nodiscard]] Result<std::optional<BrokerOrder>> parse_order_update(std::string_view text,
                                                                    const SecurityMap& securities);

}  // namespace tandem::brokers::dhan
