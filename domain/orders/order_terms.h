// An order's terms: what is asked of the exchange, the same in every place an order is spoken
// of — a follower order the core decides (FollowerOrderIntent::order), the leader's order as
// its stream reports it (LeaderOrderUpdate), an order in a broker's book (brokers::BrokerOrder).
// The last two are OrderTerms with what the broker says of the order beside them (its id, its
// status, what has filled), so that their terms are one value: `const OrderTerms& t = update;`.
#pragma once

#include <cstdint>

#include "domain/instruments/instrument.h"
#include "domain/orders/order_types.h"

namespace tandem::domain {

struct OrderTerms {
  InstrumentKey instrument;
  Side side = Side::buy;
  OrderType order_type = OrderType::market;
  Product product = Product::intraday;
  Validity validity = Validity::day;
  int64_t quantity_units = 0;
  int64_t price_paise = 0;          // limit price; 0 for market orders
  int64_t trigger_price_paise = 0;  // stop-loss trigger; 0 otherwise
  bool operator==(const OrderTerms&) const = default;
};

}  // namespace tandem::domain
