// DhanHQ API v2, domain to wire (brokers.md §2): the order calls' JSON bodies (with
// dhanClientId) and the order-update socket's login message. Pure.
#pragma once

#include <string>
#include <string_view>

#include "domain/events.h"

namespace tandem::brokers::dhan {

struct OrderTarget {
  std::string client_id;    // dhanClientId
  std::string security_id;  // from the scrip master
  domain::Exchange exchange = domain::Exchange::nse;
};
[[nodiscard]] std::string place_order_json(const domain::OrderTerms& order,
                                           const OrderTarget& target, std::string_view tag);
// PUT /orders/{id}: `quantity` is the whole order's quantity, not what is left (v2 rule).
[[nodiscard]] std::string modify_order_json(const domain::OrderTerms& order,
                                            std::string_view client_id,
                                            const domain::BrokerOrderId& order_id);

// The order-update socket's (wss://api-order-update.dhan.co) first message.
[[nodiscard]] std::string order_update_login(std::string_view client_id, std::string_view token);

}  // namespace tandem::brokers::dhan
