#include "projections/order_states.h"

#include <algorithm>

#include "domain/base/assert.h"

namespace tandem::projections {

namespace d = ::tandem::domain;

int status_rank(d::OrderStatus status) {
  if (d::is_final(status)) return 2;
  return status == d::OrderStatus::pending ? 0 : 1;
}

OrderState merge(const OrderState& known, const OrderState& update) {
  TANDEM_ASSERT(update.filled_units >= 0, update.filled_units);
  TANDEM_ASSERT(update.filled_units <= update.quantity_units, update.filled_units,
                update.quantity_units);
  const int known_rank = status_rank(known.status);
  const int update_rank = status_rank(update.status);
  if (known_rank == 2) return known;  // the first final report is the order's end
  if (update_rank == 2) return update;
  if (update_rank < known_rank) {
    OrderState out = known;  // a late report of an earlier stage: keep only fills it adds
    if (update.filled_units > out.filled_units) {
      out.filled_units = update.filled_units;
      out.average_price_paise = update.average_price_paise;
    }
    return out;
  }
  OrderState out = update;
  if (known.filled_units > out.filled_units) {  // fills never shrink
    out.filled_units = known.filled_units;
    out.average_price_paise = known.average_price_paise;
  }
  return out;
}

void apply(OrderStates& s, const d::Event& event) {
  if (const auto* e = std::get_if<d::LeaderOrderUpdate>(&event)) {
    OrderState update{e->status,       e->quantity_units,
                      e->filled_units, e->average_price_paise,
                      e->price_paise,  e->trigger_price_paise};
    auto it = s.leader.find(e->order_id);
    if (it == s.leader.end()) {
      update.first_seen_recovered = e->recovered;
      if (status_rank(update.status) == 2) update.final_time_ns = e->exchange_time_ns;
      s.leader.emplace(e->order_id, update);
    } else {
      // Seen only pending before (not yet an order to copy), it counts as first seen now.
      const bool recovered =
          it->second.first_seen_recovered || (status_rank(it->second.status) == 0 && e->recovered);
      const bool was_final = status_rank(it->second.status) == 2;
      const d::TimeNs final_time = it->second.final_time_ns;
      it->second = merge(it->second, update);
      it->second.first_seen_recovered = recovered;
      it->second.final_time_ns = was_final                             ? final_time
                                 : status_rank(it->second.status) == 2 ? e->exchange_time_ns
                                                                       : 0;
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderIntent>(&event)) {
    if (e->action == d::CopyAction::place) {
      s.follower.emplace(e->tag,
                         OrderState{d::OrderStatus::pending, e->order.quantity_units, 0, 0,
                                    e->order.price_paise, e->order.trigger_price_paise, false});
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderRejected>(&event)) {
    auto it = s.follower.find(e->tag);
    if (it != s.follower.end() && status_rank(it->second.status) < 2) {
      it->second.status = d::OrderStatus::rejected;
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderUpdate>(&event)) {
    auto it = s.follower.find(e->tag);
    if (it != s.follower.end()) {
      OrderState update = it->second;
      update.status = e->status;
      update.filled_units = e->filled_units;
      update.average_price_paise = e->average_price_paise;
      if (e->quantity_units > 0) update.quantity_units = e->quantity_units;
      update.quantity_units = std::max(update.quantity_units, e->filled_units);
      it->second = merge(it->second, update);
    }
  }
}

}  // namespace tandem::projections
