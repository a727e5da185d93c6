#include "copy/intent_of.h"

#include <algorithm>
#include <string>

#include "domain/base/assert.h"
#include "domain/copy/client_tag.h"

namespace tandem::domain {

FollowerOrderIntent intent_of(const CopyDecision& d, OrderTerms order,
                              const projections::FollowerCopy* target, std::string_view tag_code) {
  TANDEM_ASSERT(d.action != CopyAction::skip);
  TANDEM_ASSERT(d.ordinal >= 1, d.ordinal);
  FollowerOrderIntent intent;
  intent.tag = client_tag(d.leader_order_id, d.follower, d.ordinal, tag_code);
  intent.follower = d.follower;
  intent.leader_order_id = d.leader_order_id;
  intent.action = d.action;
  intent.ordinal = d.ordinal;
  intent.order = std::move(order);
  if (target != nullptr && d.action != CopyAction::place) {
    intent.target_order_id = target->broker_order_id;
    intent.target_tag = target->placed_tag;
  }
  return intent;
}

void emit_places(CopyDecision d, OrderTerms order, int64_t cap, std::string_view tag_code,
                 std::vector<Event>& out) {
  TANDEM_REQUIRE(d.action == CopyAction::place && d.ordinal == 1, d.ordinal);
  TANDEM_REQUIRE(order.quantity_units == d.quantity_units, order.quantity_units, d.quantity_units);
  const LeaderOrderId first = d.leader_order_id;
  int64_t left = d.quantity_units;
  for (int part = 0; left > 0; ++part) {
    const int64_t qty = cap > 0 ? std::min(left, cap) : left;
    left -= qty;
    CopyDecision slice = d;
    if (part > 0) slice.leader_order_id = LeaderOrderId{first.value + ":" + std::to_string(part)};
    if (qty < d.quantity_units && slice.clamp == Clamp::none) slice.clamp = Clamp::freeze_quantity;
    slice.quantity_units = qty;
    slice.sizing.final_qty_units = qty;
    order.quantity_units = qty;
    FollowerOrderIntent intent = intent_of(slice, order, nullptr, tag_code);
    out.emplace_back(std::move(slice));
    out.emplace_back(std::move(intent));
  }
}

}  // namespace tandem::domain
