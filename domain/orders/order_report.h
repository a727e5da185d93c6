// A follower's order as its broker reports it (its order stream, or its book read at start),
// in the domain's terms: its terms (order_terms.h), the tag it was placed under, and where it
// stands. The adapter makes it (brokers::to_follower_report); the engine never reads the
// wire's types for a follower's order. It is not journaled as such: the engine journals it
// as a FollowerOrderUpdate under its tag, or as a FollowerOrderFound when it is a second
// order under one of our tags or one under a tag the journal lost.
#pragma once

#include <cstdint>
#include <string>

#include "domain/base/ids.h"
#include "domain/base/time.h"
#include "domain/orders/order_terms.h"

namespace tandem::domain {

struct FollowerOrderReport : OrderTerms {
  FollowerId follower;
  std::string tag;  // the client tag it was placed under; empty for an order placed by hand
  BrokerOrderId order_id;
  OrderStatus status = OrderStatus::pending;
  int64_t filled_units = 0;
  int64_t average_price_paise = 0;
  TimeNs order_time_ns = 0;     // when the broker took it
  TimeNs exchange_time_ns = 0;  // when the exchange last touched it; 0 if never
  bool operator==(const FollowerOrderReport&) const = default;
};

}  // namespace tandem::domain
