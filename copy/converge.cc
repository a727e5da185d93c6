#include "copy/converge.h"

#include <algorithm>
#include <set>
#include <string>

#include "copy/intent_of.h"
#include "copy/loss_guard.h"
#include "copy/value_or.h"
#include "domain/base/assert.h"
#include "domain/risk/risk_checks.h"

namespace tandem::domain {

namespace {

using projections::status_rank;

// The leader order a follower order copies, while it is still working; null for an order of
// Tandem's own or one whose leader order ended.
const projections::OrderState* working_leader_order(const CopyState& s, const ClientTag& tag) {
  const auto owner = s.mappings.by_tag.find(tag);
  if (owner == s.mappings.by_tag.end()) return nullptr;
  const auto leader = s.orders.leader.find(owner->second.leader_order_id);
  if (leader == s.orders.leader.end() || status_rank(leader->second.status) == 2) return nullptr;
  return &leader->second;
}

// Raises each working copy of a working leader order that closes part of the position to
// cover what it may now (a stop-loss decided while the entry was still filling).
void top_up_exits(const CopyState& s, const FollowerSettings& f, const InstrumentKey& key,
                  Product product, TimeNs at, std::vector<Event>& out) {
  const int64_t held = s.positions.net(book_of(f), key, product);
  if (held == 0) return;
  const auto* working = s.positions.working_in(book_of(f), key, product);
  if (working == nullptr || working->tags.empty()) return;
  if (hold_reason(s, f, key.exchange, at) != SkipReason::none) return;
  const Side closing = held > 0 ? Side::sell : Side::buy;
  const int64_t lot = lot_unit(s.instruments.at(key));
  const int64_t reach =
      target_of(s, f, key, product,
                closing == Side::sell ? LeaderReach::all_sells : LeaderReach::all_buys)
          .units;
  const int64_t working_closing = closing == Side::buy ? working->buy_units : working->sell_units;
  for (const ClientTag& tag : working->tags) {
    const auto& order = s.positions.follower_orders.at(tag);
    if (order.side != closing || working_leader_order(s, tag) == nullptr) continue;
    const auto& owner = s.mappings.by_tag.at(tag);
    const projections::FollowerCopy* copy = s.mappings.find(owner.leader_order_id, f.follower);
    if (copy == nullptr || copy->cancel_sent || !(copy->placed_tag == tag)) continue;
    const int64_t mine = order.working_units();
    const int64_t others = working_closing - mine;
    const int64_t room = closing == Side::sell ? (held - others) - reach : reach - (held + others);
    int64_t wanted = std::min(room, held > 0 ? held - others : -held - others) / lot * lot;
    if (const int64_t cap = order_cap_units(s.instruments.at(key)); cap > 0) {
      wanted = std::min(wanted, cap - order.fill.filled_units);
    }
    if (wanted <= mine) continue;
    CopyDecision d;
    d.leader_order_id = owner.leader_order_id;
    d.follower = f.follower;
    d.instrument = key;
    d.side = closing;
    d.action = CopyAction::modify;
    d.ordinal = copy->next_ordinal;
    d.quantity_units = order.fill.filled_units + wanted;
    d.sizing.lot_size_units = lot;
    d.sizing.position_before_units = held;
    d.sizing.target_units = reach;
    d.sizing.final_qty_units = d.quantity_units;
    OrderTerms request = copy->order;
    request.quantity_units = d.quantity_units;
    FollowerOrderIntent intent = intent_of(d, request, copy, tag_code_of(s, f));
    out.emplace_back(std::move(d));
    out.emplace_back(std::move(intent));
    return;  // one at a time: its answer converges again
  }
}

}  // namespace

SkipReason hold_reason(const CopyState& s, const FollowerSettings& f, Exchange exchange,
                       TimeNs at) {
  if (!f.enabled) return SkipReason::follower_disabled;
  if (s.paused.contains(f.follower)) return SkipReason::follower_paused;
  if (!s.calendar.is_open(exchange, at)) return SkipReason::market_closed;
  return SkipReason::none;
}

SkipReason entry_refusal(const CopyState& s, const FollowerSettings& f, TimeNs at) {
  if (!in_copy_window(f, at)) return SkipReason::outside_copy_window;
  if (f.max_daily_trades > 0 && placed_today_on_account(s, f) >= f.max_daily_trades) {
    return SkipReason::daily_trade_limit;
  }
  if (tripped_guard(s, f.follower) != nullptr) return SkipReason::loss_guard;
  return SkipReason::none;
}

int64_t exit_part(Side side, int64_t qty, int64_t position) {
  const int64_t closable = side == Side::buy ? -position : position;
  return std::clamp<int64_t>(closable, 0, qty);
}

Projected project(const CopyState& s, const FollowerSettings& f, const InstrumentKey& key,
                  Product product) {
  const int64_t net = s.positions.net(book_of(f), key, product);
  const auto* working = s.positions.working_in(book_of(f), key, product);
  if (working == nullptr) return {net, net};
  return {net - working->sell_units, net + working->buy_units};
}

void converge(const CopyState& s, const FollowerSettings& f, const InstrumentKey& key,
              Product product, TimeNs at, bool top_up, std::vector<Event>& out, bool stale) {
  const auto inst = s.instruments.find(key);
  if (inst == s.instruments.end()) return;
  const size_t before = out.size();
  if (top_up) {
    top_up_exits(s, f, key, product, at, out);
    if (out.size() != before) return;
  }
  const Target target = target_of(s, f, key, product);
  const Projected p = project(s, f, key, product);
  // The common case, and the cheap one: what is in flight can reach the target.
  if (p.low_units <= target.units && target.units <= p.high_units) return;
  // While the leader has orders working here, its position may still move anywhere between
  // these two: a follower inside them (a mirror that filled before the leader's order did)
  // is left alone, and one outside is brought to the target.
  const int64_t reach_up = target_of(s, f, key, product, LeaderReach::all_buys).units;
  const int64_t reach_down = target_of(s, f, key, product, LeaderReach::all_sells).units;
  const int64_t lowest = std::min({target.units, reach_up, reach_down});
  const int64_t highest = std::max({target.units, reach_up, reach_down});
  const int64_t lot = lot_unit(inst->second);
  int64_t gap = 0;
  if (p.high_units < lowest) gap = target.units - p.high_units;
  if (p.low_units > highest) gap = target.units - p.low_units;
  const int64_t qty = (gap < 0 ? -gap : gap) / lot * lot;
  if (qty == 0) return;
  const int64_t held = s.positions.net(book_of(f), key, product);
  CopyDecision d;
  d.follower = f.follower;
  d.instrument = key;
  d.side = gap > 0 ? Side::buy : Side::sell;
  d.leader_order_id = LeaderOrderId{"converge:" + std::to_string(s.day) + ":" +
                                    std::to_string(s.counters.placed_today(f.follower)) + ":" +
                                    to_text(key) + ":" + std::string(to_string(product))};
  d.sizing.policy = f.sizing;
  d.sizing.ratio_ppm = f.ratio_ppm;
  d.sizing.leader_qty_units = s.positions.net(leader_book(s, f.leader), key, product);
  d.sizing.lot_size_units = lot;
  d.sizing.max_position_pct_bp = f.max_position_pct_bp;
  d.sizing.raw_qty_micro = gap * 1'000'000;
  d.sizing.rounded_qty_units = qty;
  d.sizing.position_before_units = held;
  d.sizing.target_units = target.units;
  if (target.why == SkipReason::max_position_reached) d.clamp = Clamp::max_position;
  // The exit part is measured from where the follower goes with its orders in flight.
  const int64_t from = gap > 0 ? p.high_units : p.low_units;
  int64_t final_qty = qty;
  SkipReason refused = hold_reason(s, f, key.exchange, at);
  if (refused == SkipReason::none) {
    const int64_t exits = exit_part(d.side, qty, from) / lot * lot;
    if (exits < qty) {
      SkipReason r = entry_refusal(s, f, at);
      if (r == SkipReason::none && stale) r = SkipReason::stale_event;
      if (r != SkipReason::none) {
        final_qty = exits;
        d.clamp = Clamp::entry_limit;
        d.skip_reason = r;
        if (exits == 0) refused = r;
      }
    }
  }
  const int64_t price = value_or(s.reference_price_paise, key, int64_t{0});
  d.sizing.premium_paise = price;
  if (refused == SkipReason::none && f.max_order_value_paise > 0 && price > 0) {
    const int64_t most = f.max_order_value_paise / price / lot * lot;
    if (most <= 0) refused = SkipReason::max_order_value;
    if (most > 0 && final_qty > most) {
      final_qty = most;  // the rest goes once this has filled
      d.clamp = Clamp::max_order_value;
    }
  }
  if (refused != SkipReason::none) {
    d.action = CopyAction::skip;
    d.skip_reason = refused;
    d.clamp = Clamp::none;
    out.emplace_back(std::move(d));
    return;
  }
  d.action = CopyAction::place;
  d.ordinal = 1;
  d.quantity_units = final_qty;
  d.sizing.final_qty_units = final_qty;
  const OrderTerms order{key, d.side, OrderType::market, product, Validity::day, final_qty, 0, 0};
  emit_places(std::move(d), order, order_cap_units(inst->second), tag_code_of(s, f), out);
}

std::vector<std::pair<InstrumentKey, Product>> positions_of(const CopyState& s,
                                                            const FollowerSettings& f) {
  std::set<std::pair<InstrumentKey, Product>> keys;
  const projections::Book leader = leader_book(s, f.leader);
  for (const auto& [key, position] : s.positions.by_key) {
    if (position.net_qty_units == 0) continue;
    if (key.account == f.account && key.leader == f.leader) {
      keys.insert({key.instrument, key.product});
    }
    if (key.account == leader.account && key.leader == leader.leader) {
      if (auto p = follower_product(f, key.product)) keys.insert({key.instrument, *p});
    }
  }
  return {keys.begin(), keys.end()};
}

}  // namespace tandem::domain
