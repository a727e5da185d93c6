// A scripted trading day for the simulator: a text file of timed steps — leader orders
// placed, modified and cancelled on an account as its owner would on Kite web, reference
// prices, and faults — so the whole engine can be driven end to end without a broker.
//
//   # time (IST, from the start of the day)  step  arguments
//   09:15:00      price   NSE:INFY 1500.00
//   09:15:01.250  place   L1 a BUY NSE:INFY 10 MARKET MIS
//   09:15:02      place   L1 b SELL NSE:INFY 5 LIMIT MIS 1510.00
//   09:15:03      place   L1 c SELL NSE:INFY 5 SL MIS 1490.00 1495.00   (price, trigger)
//   09:16:00      modify  L1 b 5 LIMIT 1505.00
//   09:17:00      cancel  L1 b
//   09:18:00      drop    L1          (its WebSocket connections are dropped)
//   09:18:30      expire  F2          (its access token dies)
//
// `a`, `b` name the orders within the script, for later modify and cancel. Steps must be in
// time order. Pure: parse_leader_script reads text, errors name the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"
#include "domain/events.h"

namespace tandem::brokers::sim {

struct ScriptStep {
  enum class Kind : uint8_t { price, place, modify, cancel, drop, expire };
  Kind kind = Kind::price;
  domain::TimeNs at_ns = 0;  // since midnight IST
  std::string account;       // place, modify, cancel, drop, expire
  std::string name;          // the script's name for the order: place, modify, cancel
  domain::OrderTerms order;  // place, modify (instrument and price for `price`)
  int line = 0;
};

[[nodiscard]] Result<std::vector<ScriptStep>> parse_leader_script(std::string_view text);

}  // namespace tandem::brokers::sim
