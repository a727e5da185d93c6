#include "copy/flatten.h"

#include <algorithm>
#include <string>

#include "copy/intent_of.h"
#include "copy/target.h"

namespace tandem::domain {

namespace {

using projections::status_rank;

// A decision and its intent, as decide() journals them.
void emit(std::vector<Event>& out, CopyDecision decision, const OrderTerms& order,
          const projections::FollowerCopy* target, std::string_view tag_code) {
  FollowerOrderIntent intent = intent_of(decision, order, target, tag_code);
  out.push_back(std::move(decision));
  out.push_back(std::move(intent));
}

}  // namespace

void settle_working(const CopyState& s, const FollowerSettings& f, bool hurry_exits,
                    std::vector<Event>& out) {
  std::vector<std::pair<const LeaderOrderId*, const projections::FollowerCopy*>> working;
  for (const auto& [leader, copies] : s.mappings.by_leader) {
    const auto it = copies.find(f.follower);
    if (it == copies.end()) continue;
    const projections::FollowerCopy& copy = it->second;
    if (copy.placed_tag.empty() || copy.cancel_sent || status_rank(copy.status) == 2) continue;
    working.emplace_back(&leader, &copy);
  }
  std::sort(working.begin(), working.end(), [](const auto& a, const auto& b) {
    return a.second->placed_tag < b.second->placed_tag;
  });
  for (const auto& [leader, copy] : working) {
    const int64_t held = s.positions.net(book_of(f), copy->order.instrument, copy->order.product);
    const bool exit = held * (copy->order.side == Side::buy ? 1 : -1) < 0;
    if (exit && (!hurry_exits || copy->order.order_type == OrderType::market)) continue;
    CopyDecision d;
    d.leader_order_id = *leader;
    d.follower = f.follower;
    d.instrument = copy->order.instrument;
    d.side = copy->order.side;
    d.action = exit ? CopyAction::modify : CopyAction::cancel;
    d.ordinal = copy->next_ordinal;
    OrderTerms order = copy->order;
    if (exit) {
      order.order_type = OrderType::market;
      order.price_paise = 0;
      order.trigger_price_paise = 0;
      d.quantity_units = order.quantity_units;
    }
    emit(out, std::move(d), order, copy, tag_code_of(s, f));
  }
}

std::vector<Event> flatten(const CopyState& s, const FollowerFlattenRequested& request) {
  std::vector<Event> out;
  const auto settings = s.followers.find(request.follower);
  if (settings == s.followers.end()) return out;
  const FollowerSettings& f = settings->second;
  settle_working(s, f, /*hurry_exits=*/true, out);
  for (const auto& [key, position] : s.positions.by_key) {  // ordered by key
    // Its book only: a follower of several leaders is flattened one leader at a time.
    if (key.account != f.account || key.leader != f.leader || position.net_qty_units == 0) {
      continue;
    }
    const int64_t net = position.net_qty_units;
    // Exits already working close their part (now at market); the rest is closed here, so
    // that however they fill the position ends at zero, never past it.
    const Side closing = net > 0 ? Side::sell : Side::buy;
    const int64_t covered = s.positions.working(book_of(f), key.instrument, key.product, closing);
    const int64_t open = (net > 0 ? net : -net) - covered;
    if (open <= 0) continue;
    const LeaderOrderId id{"flatten:" + request.request_id + ":" + to_text(key.instrument) + ":" +
                           std::string(to_string(key.product))};
    CopyDecision d;
    d.leader_order_id = id;
    d.follower = f.follower;
    d.instrument = key.instrument;
    d.side = closing;
    d.action = CopyAction::place;
    d.ordinal = 1;
    d.quantity_units = open;
    d.sizing.position_before_units = net;
    d.sizing.final_qty_units = d.quantity_units;
    const OrderTerms order{key.instrument,
                           d.side,
                           OrderType::market,
                           key.product,
                           Validity::day,
                           d.quantity_units,
                           0,
                           0};
    const auto instrument = s.instruments.find(key.instrument);
    const int64_t cap = instrument == s.instruments.end() ? 0 : order_cap_units(instrument->second);
    emit_places(std::move(d), order, cap, tag_code_of(s, f), out);
  }
  return out;
}

}  // namespace tandem::domain
