// The simulator's side of DhanHQ v2 (brokers.md §2): the order requests it reads and the
// bodies and order-update messages it answers with, each with the fields of Dhan's own
// (../shared/fixtures/dhan), so that the client's parsing (brokers/dhan/parse.h) and Dhan's
// official client read them. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "brokers/broker_types.h"
#include "brokers/dhan/scrip_master.h"

namespace tandem::brokers::dhan {

struct OrderRequestBody {
  std::string client_id;
  std::string correlation_id;
  std::string security_id;
  domain::Exchange exchange = domain::Exchange::nse;
  domain::OrderTerms order;        // its instrument is left empty: the caller maps security_id
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

}  // namespace tandem::brokers::dhan
