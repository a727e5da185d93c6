// The state of every leader and follower order, as brokers report it. Broker updates arrive
// duplicated and out of order (a WebSocket replay, a gap fill from the order book), so a
// merge keeps what is most advanced: an order never goes back from final to open, nor from
// open to pending, and its filled quantity never shrinks. A final report is authoritative:
// whatever order the reports came in, the final state equals the final report.
#pragma once

#include <map>

#include "domain/events.h"
#include "projections/id_map.h"

namespace tandem::projections {

struct OrderState {
  domain::OrderStatus status = domain::OrderStatus::pending;
  int64_t quantity_units = 0;
  int64_t filled_units = 0;
  int64_t average_price_paise = 0;
  int64_t price_paise = 0;
  int64_t trigger_price_paise = 0;
  // Leader orders: first seen working or done through a recovery (the order book read after
  // a gap), not on the live stream; the late-event policy applies to it.
  bool first_seen_recovered = false;
  // Leader orders: the exchange time of the first report that showed it final (0 while it
  // works): when a copy that has not filled starts to be late (FollowerSettings::catch_up_ms).
  domain::TimeNs final_time_ns = 0;
  bool operator==(const OrderState&) const = default;
};

// 0 pending, 1 working (open, trigger pending), 2 final.
[[nodiscard]] int status_rank(domain::OrderStatus status);

// What is known after `update`, given what was known.
[[nodiscard]] OrderState merge(const OrderState& known, const OrderState& update);

struct OrderStates {
  IdMap<domain::LeaderOrderId, OrderState> leader;
  IdMap<domain::ClientTag, OrderState> follower;  // by the tag of the placing intent
  bool operator==(const OrderStates&) const = default;
};

// The fold, in place (replay's hot loop); evolve() is the same as a pure function.
void apply(OrderStates& state, const domain::Event& event);
[[nodiscard]] inline OrderStates evolve(OrderStates state, const domain::Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::projections
