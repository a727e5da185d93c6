// The simulator's side of Kite Connect v3 (brokers.md §1): the order forms it reads and the
// bodies it answers with, each with the fields of Kite's own (../shared/fixtures/kite), so
// that the client's parsing (brokers/kite/parse.h) and Zerodha's official client read them.
// Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "brokers/broker_types.h"
#include "brokers/kite/login.h"
#include "domain/base/status.h"

namespace tandem::brokers::kite {

struct OrderForm {
  domain::OrderTerms order;
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
                                                  const domain::OrderTerms& current);
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

// POST /session/token's answer, with every field of Kite's (generate_session.json).
[[nodiscard]] std::string session_body(const SessionGrant& grant, std::string_view api_key,
                                       domain::TimeNs login_time,
                                       const std::vector<std::string>& exchanges = kKiteExchanges);

}  // namespace tandem::brokers::kite
