// What every broker adapter returns, in domain terms (DESIGN.md, Brokers): orders, fills,
// funds, and errors classified by what the engine should do about them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"
#include "domain/events.h"
#include "domain/orders/order_failure.h"
#include "domain/orders/order_report.h"

namespace tandem::net {
class SendGate;  // net/send_gate.h
}  // namespace tandem::net

namespace tandem::brokers {

struct BrokerError {
  domain::OrderFailure error_class = domain::OrderFailure::broker_down;
  std::string type;  // the broker's own name for it: Kite error_type, Dhan errorCode
  std::string message;
  int http_status = 0;
  bool operator==(const BrokerError&) const = default;
};

// One order as a broker reports it (order book row, order history entry, WebSocket update,
// postback): its terms as they stand (domain/orders/order_terms.h: what a modify starts
// from), and what the broker says of it. Ids stay strings: Kite's are up to 19 digits.
struct BrokerOrder : domain::OrderTerms {
  domain::BrokerOrderId order_id;
  std::string exchange_order_id;
  domain::OrderStatus status = domain::OrderStatus::pending;
  std::string broker_status;  // as sent, e.g. "MODIFY VALIDATION PENDING"
  std::string status_message;
  uint32_t instrument_token = 0;
  std::string variety;
  int64_t filled_units = 0;
  int64_t pending_units = 0;
  int64_t cancelled_units = 0;
  int64_t average_price_paise = 0;
  std::string tag;                      // our client tag when we placed it
  std::string placed_by;                // the user id that placed it (Kite's placed_by)
  int64_t disclosed_units = 0;          // the quantity shown to the market (0: all)
  int market_protection = 0;            // as placed (Kite; -1: the broker's choice)
  bool modified = false;                // changed since it was placed (Kite's modified)
  domain::TimeNs order_time_ns = 0;     // when the broker took it (UTC ns)
  domain::TimeNs exchange_time_ns = 0;  // when the exchange last touched it; 0 if never
  // Hex SHA-256 of the bytes it was read from, as received (the codec takes it): the
  // WebSocket message, or the whole REST answer or postback. Empty for an order made here.
  std::string raw_digest;
  bool operator==(const BrokerOrder&) const = default;
};

struct BrokerTrade {
  std::string trade_id;
  domain::BrokerOrderId order_id;
  domain::InstrumentKey instrument;
  domain::Side side = domain::Side::buy;
  domain::Product product = domain::Product::intraday;
  int64_t quantity_units = 0;
  int64_t price_paise = 0;
  domain::TimeNs fill_time_ns = 0;
  uint32_t instrument_token = 0;     // Kite's; 0 when unknown
  std::string exchange_order_id;     // empty when unknown
  domain::TimeNs order_time_ns = 0;  // when the broker took the order; 0 when unknown
  bool operator==(const BrokerTrade&) const = default;
};

// A position with the day's trading behind it, as a broker's position book shows it (Kite's
// buy_*, sell_* and pnl; Dhan's buyQty, dayBuyValue, realizedProfit): the net position, what
// was bought and sold, and the price its P&L is marked at.
struct PositionDetail {
  domain::BrokerPosition net;
  uint32_t instrument_token = 0;  // Kite's; 0 when unknown
  int64_t bought_units = 0;
  int64_t bought_value_paise = 0;  // the sum of units × price of the buys
  int64_t sold_units = 0;
  int64_t sold_value_paise = 0;
  int64_t last_price_paise = 0;  // the mark; 0 when there is none

  int64_t average_buy_paise() const;   // 0 when nothing was bought
  int64_t average_sell_paise() const;  // 0 when nothing was sold
  // What the closed units made: min(bought, sold) × (average sell − average buy).
  int64_t realised_paise() const;
  // Everything at the mark: sold value − bought value + net units × mark.
  int64_t pnl_paise() const;
  bool operator==(const PositionDetail&) const = default;
};

// What an account's broker says about the account itself, for `tandem check`: the segments
// it may trade, when its token stops working, and the static IPs its order calls must come
// from. Each is empty when the broker does not say; `registered_ips` is nullopt when the
// broker has no call that tells.
struct AccountFacts {
  std::vector<std::string> segments;  // as the broker names them (Kite: NFO; Dhan: Derivative)
  std::string token_valid_until;      // as the broker writes it
  std::optional<std::vector<std::string>> registered_ips;
  bool operator==(const AccountFacts&) const = default;
};

struct Funds {
  int64_t available_paise = 0;  // what sizing may use
  bool operator==(const Funds&) const = default;
};

struct PlaceOptions {
  // The exchange's freeze quantity for the instrument (0: none). Above it the order is
  // sliced by the broker (Kite `autoslice`, Dhan /orders/slicing), never refused.
  int64_t freeze_quantity_units = 0;
  // A derivative whose freeze quantity nobody told us (a stock's, not in our table): the
  // broker's own slicing is asked for whatever the size, so the exchange never refuses it.
  bool freeze_unknown = false;
  // Called once the order has left for the broker: its request written to the broker's
  // socket (on every attempt), or taken by a paper book. For measuring, never for deciding.
  std::function<void()> on_sent;
  // When set, nothing of the order may leave before the gate opens (write-ahead: its intent
  // is still being journaled). A gateway whose place() waits at it says so
  // (Gateway::holds_at_gate); for any other the caller waits before calling.
  std::shared_ptr<net::SendGate> gate;
};

// A placed order. With slicing, `order_id` is the parent the broker named and `slices`
// the child orders it placed (their updates carry the same tag); a child the broker
// refused is in `slice_errors`, the rest stand.
struct Placement {
  domain::BrokerOrderId order_id;
  std::vector<domain::BrokerOrderId> slices;
  std::vector<BrokerError> slice_errors;
};

// A broker error as a Status whose code carries its class: rate_limited, unauthenticated,
// rejected, invalid_argument (input), disconnected (network: outcome unknown), unavailable.
[[nodiscard]] Status to_status(const BrokerError& e, std::string_view broker);

// Every order read from one frame (a REST answer listing them) carries that frame's digest.
void stamp_frame(std::vector<BrokerOrder>& orders, std::string_view frame);

// The leader update the engine journals for a broker order seen at `received_time_ns`, with
// the digest of the bytes it came in; `recovered`: found by a gap fill, not pushed live.
[[nodiscard]] domain::LeaderOrderUpdate to_leader_update(const BrokerOrder& order,
                                                         domain::TimeNs received_time_ns,
                                                         bool recovered = false);
// A follower's order as the domain has it (domain/orders/order_report.h).
[[nodiscard]] domain::FollowerOrderReport to_follower_report(const BrokerOrder& order,
                                                             const domain::FollowerId& follower);

}  // namespace tandem::brokers
