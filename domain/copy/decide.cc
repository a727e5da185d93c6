#include "domain/copy/decide.h"

#include <algorithm>

#include "domain/base/assert.h"
#include "domain/copy/flatten.h"
#include "domain/copy/intent_of.h"
#include "domain/copy/loss_guard.h"
#include "domain/risk/risk_checks.h"
#include "domain/sizing/sizing.h"

namespace tandem::domain {

namespace {

using projections::status_rank;

// One leader update, seen from one follower.
struct Context {
  const CopyState& s;
  const LeaderOrderUpdate& u;
  const FollowerSettings& f;
  const projections::OrderState* known;   // the leader order before this update, if seen
  const projections::FollowerCopy* copy;  // the follower's copy of it, if any
  std::vector<Event>& out;
};

// Appends to the outputs. The first one sizes the vector for every follower's decision and
// intent: an input that decides anything mostly decides for all of them, and growing one
// Event at a time would reallocate and move the outputs several times per input.
template <class Decided>
void emit(const Context& c, Decided&& decided) {
  if (c.out.empty()) c.out.reserve(2 * c.s.followers.size());
  c.out.emplace_back(std::forward<Decided>(decided));  // one move, straight into its slot
}

int direction(Side side) { return side == Side::buy ? 1 : -1; }

Side opposite(Side side) { return side == Side::buy ? Side::sell : Side::buy; }

Side follower_side(const Context& c) { return c.f.reverse ? opposite(c.u.side) : c.u.side; }

template <class Map, class Key>
auto value_or(const Map& map, const Key& key, typename Map::mapped_type fallback) {
  const auto it = map.find(key);
  return it == map.end() ? fallback : it->second;
}

// The price per unit that sizing and value limits use: the order's own limit price, else
// the leader's latest fill in the instrument, else this update's average price.
int64_t reference_price(const Context& c, int64_t order_price) {
  if (order_price > 0) return order_price;
  const int64_t last = value_or(c.s.reference_price_paise, c.u.instrument, int64_t{0});
  return last > 0 ? last : c.u.average_price_paise;
}

// The leader is reducing its position in this instrument and product.
bool leader_exit(const Context& c) {
  const int64_t net = c.s.positions.net(c.s.leader, c.u.instrument, c.u.product);
  return (c.u.side == Side::sell && net > 0) || (c.u.side == Side::buy && net < 0);
}

int64_t lot_unit(const Instrument& i) {
  return i.segment == Segment::equity ? 1 : std::max<int64_t>(i.lot_size_units, 1);
}

CopyDecision start_decision(const Context& c) {
  CopyDecision d;
  d.leader_order_id = c.u.order_id;
  d.follower = c.f.follower;
  d.instrument = c.u.instrument;
  d.side = follower_side(c);
  return d;
}

void skip(const Context& c, CopyDecision d, SkipReason reason) {
  d.action = CopyAction::skip;
  d.ordinal = 0;  // skips place nothing, so they take no tag
  d.quantity_units = 0;
  d.skip_reason = reason;
  emit(c, std::move(d));
}

void act(const Context& c, CopyDecision d, OrderRequest order) {
  FollowerOrderIntent intent = intent_of(d, std::move(order), c.copy);
  emit(c, std::move(d));
  emit(c, std::move(intent));
}

// The first refusal that applies to a new follower order, before sizing.
SkipReason refuse_new(const Context& c, const Instrument* instrument, OrderType type,
                      int64_t price) {
  const FollowerSettings& f = c.f;
  if (!f.enabled) return SkipReason::follower_disabled;
  if (c.s.paused.contains(f.follower)) return SkipReason::follower_paused;
  if (!c.s.calendar.is_open(c.u.instrument.exchange, c.u.exchange_time_ns)) {
    return SkipReason::market_closed;
  }
  if (!in_copy_window(f, c.u.exchange_time_ns)) return SkipReason::outside_copy_window;
  // `copy` and `converge` take a recovered order whatever its age; `skip` leaves it to the limit.
  const bool late_taken = c.u.recovered && f.late_events != LateEvents::skip;
  if (!late_taken && is_stale(f, c.u.exchange_time_ns, c.u.received_time_ns)) {
    return SkipReason::stale_event;
  }
  if (instrument == nullptr) return SkipReason::unknown_instrument;
  if (!instrument_allowed(f, *instrument)) return SkipReason::instrument_not_allowed;
  if (!follower_product(f, c.u.product)) return SkipReason::product_not_allowed;
  if (f.max_daily_trades > 0 &&
      c.s.counters.today(f.follower).orders_placed >= f.max_daily_trades) {
    return SkipReason::daily_trade_limit;
  }
  const bool limit_like = type == OrderType::limit || type == OrderType::stop_loss;
  const int64_t last_fill = value_or(c.s.reference_price_paise, c.u.instrument, int64_t{0});
  if (limit_like && outside_price_guard(f, price, last_fill)) return SkipReason::price_guard;
  return SkipReason::none;
}

// A new follower order for `leader_qty` units of the leader's order.
void place(const Context& c, int64_t leader_qty, OrderType type, int64_t price, int64_t trigger) {
  CopyDecision d = start_decision(c);
  d.ordinal = c.copy != nullptr ? c.copy->next_ordinal : 1;
  const auto inst = c.s.instruments.find(c.u.instrument);
  const Instrument* instrument = inst == c.s.instruments.end() ? nullptr : &inst->second;
  if (SkipReason r = refuse_new(c, instrument, type, price); r != SkipReason::none) {
    return skip(c, std::move(d), r);
  }
  const Product product = *follower_product(c.f, c.u.product);
  const int64_t position = c.s.positions.net(c.f.account, c.u.instrument, product);
  const DayGuard* tripped = tripped_guard(c.s, c.f.follower);
  if (guard_refuses(tripped, d.side, position))
    return skip(c, std::move(d), SkipReason::loss_guard);
  const int64_t unit = lot_unit(*instrument);
  const int dir = direction(d.side);
  const int64_t ref = reference_price(c, price);
  SizingRequest request;
  request.leader_qty_units = leader_qty;
  request.direction = dir;
  request.leader_capital_paise = value_or(c.s.funds_paise, c.s.leader, int64_t{0});
  request.follower_capital_paise = value_or(c.s.funds_paise, c.f.account, int64_t{0});
  request.lot_size_units = unit;
  request.premium_paise = ref;
  request.remainder_in_micro =
      c.f.carry_remainder
          ? value_or(c.s.remainder_micro, std::pair(c.f.follower, c.u.instrument), int64_t{0})
          : 0;
  const Sized sized = size_quantity(c.f, request);
  d.sizing = sized.inputs;
  if (sized.skip != SkipReason::none) return skip(c, std::move(d), sized.skip);

  LimitInput limits;
  limits.qty_units = sized.inputs.rounded_qty_units;
  limits.unit = unit;
  limits.direction = dir;
  // Once the loss guard has tripped, what passes it is an exit of the follower's own.
  limits.exit = leader_exit(c) || tripped != nullptr;
  limits.position_units = position;
  limits.working_same_units = c.s.positions.working(c.f.account, c.u.instrument, product, d.side);
  limits.working_opposite_units =
      c.s.positions.working(c.f.account, c.u.instrument, product, opposite(d.side));
  limits.price_paise = ref;
  const Limited limited = apply_limits(c.f, limits);
  d.sizing.position_before_units = limits.position_units;
  d.sizing.final_qty_units = limited.qty_units;
  d.clamp = limited.clamp;
  if (limited.skip != SkipReason::none) return skip(c, std::move(d), limited.skip);

  d.action = CopyAction::place;
  d.quantity_units = limited.qty_units;
  OrderRequest order{c.u.instrument,    d.side, type,   product, c.u.validity,
                     limited.qty_units, price,  trigger};
  act(c, std::move(d), std::move(order));
}

void cancel(const Context& c) {
  CopyDecision d = start_decision(c);
  d.action = CopyAction::cancel;
  d.ordinal = c.copy->next_ordinal;
  act(c, std::move(d), c.copy->order);
}

// The leader changed a working order: rescale the follower's, never below what it filled,
// never growing an order that reduces the follower's position.
void modify(const Context& c) {
  const projections::FollowerCopy& copy = *c.copy;
  CopyDecision d = start_decision(c);
  d.ordinal = copy.next_ordinal;
  const auto inst = c.s.instruments.find(c.u.instrument);
  if (inst == c.s.instruments.end()) return skip(c, std::move(d), SkipReason::unknown_instrument);
  const int64_t unit = lot_unit(inst->second);
  const int dir = direction(d.side);
  const int64_t ref = reference_price(c, c.u.price_paise);
  SizingRequest request;
  request.leader_qty_units = std::max<int64_t>(c.u.quantity_units, 1);
  request.direction = dir;
  request.leader_capital_paise = value_or(c.s.funds_paise, c.s.leader, int64_t{0});
  request.follower_capital_paise = value_or(c.s.funds_paise, c.f.account, int64_t{0});
  request.lot_size_units = unit;
  request.premium_paise = ref;
  const Sized sized = size_quantity(c.f, request);
  d.sizing = sized.inputs;
  int64_t qty = sized.skip == SkipReason::none ? sized.inputs.rounded_qty_units : 0;

  const int64_t old_qty = copy.order.quantity_units;
  const int64_t position = c.s.positions.net(c.f.account, c.u.instrument, copy.order.product);
  d.sizing.position_before_units = position;
  if (position * dir < 0) {
    if (qty > old_qty) d.clamp = Clamp::exit_position;
    qty = std::min(qty, old_qty);
  } else if (qty > old_qty && guard_refuses(tripped_guard(c.s, c.f.follower), d.side, position)) {
    qty = old_qty;  // the loss guard lets nothing add to a position
    d.clamp = Clamp::loss_guard;
  } else if (qty > old_qty) {
    // The order's own working quantity is already among the working orders on its side.
    const auto& account = c.f.account;
    LimitInput limits{
        qty - old_qty,
        unit,
        dir,
        false,
        position,
        c.s.positions.working(account, c.u.instrument, copy.order.product, d.side),
        c.s.positions.working(account, c.u.instrument, copy.order.product, opposite(d.side)),
        ref};
    const Limited limited = apply_limits(c.f, limits);
    qty = old_qty + (limited.skip == SkipReason::none ? limited.qty_units : 0);
    d.clamp = limited.skip == SkipReason::none ? limited.clamp : Clamp::max_position;
  }
  if (qty < copy.filled_units) {
    qty = copy.filled_units;
    d.clamp = Clamp::already_filled;
  }
  d.sizing.final_qty_units = qty;
  const bool same = qty == old_qty && c.u.price_paise == copy.order.price_paise &&
                    c.u.trigger_price_paise == copy.order.trigger_price_paise &&
                    c.u.order_type == copy.order.order_type;
  if (same) return;
  if (qty == 0) return cancel(c);
  d.action = CopyAction::modify;
  d.quantity_units = qty;
  OrderRequest order = copy.order;
  order.quantity_units = qty;
  order.order_type = c.u.order_type;
  order.price_paise = c.u.price_paise;
  order.trigger_price_paise = c.u.trigger_price_paise;
  act(c, std::move(d), std::move(order));
}

// copy_on = placement: mirror the order itself — place, modify, cancel.
void mirror_placement(const Context& c) {
  const LeaderOrderUpdate& u = c.u;
  if (c.copy == nullptr || c.copy->placed_tag.empty()) {
    // The chance to place is decided once, when the order is first seen working or done.
    const bool first_sight = c.known == nullptr || status_rank(c.known->status) == 0;
    if (!first_sight) return;
    if (status_rank(u.status) == 1 || u.status == OrderStatus::complete) {
      return place(c, u.quantity_units, u.order_type, u.price_paise, u.trigger_price_paise);
    }
    if (status_rank(u.status) == 2 && u.filled_units > 0) {  // seen only after it ended
      return place(c, u.filled_units, OrderType::market, 0, 0);
    }
    return;
  }
  const bool follower_final = status_rank(c.copy->status) == 2;
  const bool leader_was_final = c.known != nullptr && status_rank(c.known->status) == 2;
  if (u.status == OrderStatus::cancelled || u.status == OrderStatus::expired) {
    if (!leader_was_final && !follower_final && !c.copy->cancel_sent) cancel(c);
    return;
  }
  if (status_rank(u.status) != 1 || c.known == nullptr || leader_was_final) return;
  const bool changed = u.quantity_units != c.known->quantity_units ||
                       u.price_paise != c.known->price_paise ||
                       u.trigger_price_paise != c.known->trigger_price_paise;
  if (!changed) return;
  if (follower_final || c.copy->cancel_sent) {
    CopyDecision d = start_decision(c);
    return skip(c, std::move(d),
                c.copy->status == OrderStatus::complete ? SkipReason::already_filled
                                                        : SkipReason::no_mapped_order);
  }
  modify(c);
}

// copy_on = fill: copy only what the leader has executed, as it executes.
void mirror_fills(const Context& c) {
  const int64_t before = c.known != nullptr ? c.known->filled_units : 0;
  const int64_t delta = c.u.filled_units - before;
  if (delta <= 0) return;
  const bool limit_like =
      c.u.order_type == OrderType::limit || c.u.order_type == OrderType::stop_loss;
  place(c, delta, limit_like ? OrderType::limit : OrderType::market,
        limit_like ? c.u.average_price_paise : 0, 0);
}

// The leader order was first seen working or done through a recovery, not live.
bool first_seen_recovered(const Context& c) {
  const bool first_sight = c.known == nullptr || status_rank(c.known->status) == 0;
  return first_sight ? c.u.recovered : c.known->first_seen_recovered;
}

// late_events = converge, for an order first seen through a recovery: what the leader
// executed of it is bought or sold at market, sized as usual (exits clamped to what the
// follower holds); its working part is not mirrored, and later fills are caught up the same
// way.
void converge(const Context& c) {
  const int64_t delta = c.u.filled_units - (c.known != nullptr ? c.known->filled_units : 0);
  if (delta > 0) place(c, delta, OrderType::market, 0, 0);
}

}  // namespace

std::vector<Event> decide(const CopyState& state, const Event& event) {
  if (const auto* f = std::get_if<FollowerFlattenRequested>(&event)) return flatten(state, *f);
  if (const auto* p = std::get_if<PriceSnapshot>(&event)) return loss_guard(state, *p);
  const auto* u = std::get_if<LeaderOrderUpdate>(&event);
  if (u == nullptr) return {};
  // Pending orders are not yet working; a rejection places and cancels nothing.
  if (u->status == OrderStatus::pending || u->status == OrderStatus::rejected) return {};
  // An order forgotten as ended is not new: a report of it now is stale (forget_ended.h).
  if (state.ended_leader_orders.contains(u->order_id)) return {};
  const auto known_it = state.orders.leader.find(u->order_id);
  const projections::OrderState* known =
      known_it == state.orders.leader.end() ? nullptr : &known_it->second;
  const projections::FollowerCopies* copies = state.mappings.copies_of(u->order_id);
  std::vector<Event> out;
  for (const auto& [id, settings] : state.followers) {
    const Context c{state, *u, settings, known, projections::copy_in(copies, id), out};
    if (settings.late_events == LateEvents::converge && first_seen_recovered(c)) {
      converge(c);
    } else if (settings.copy_on == CopyOn::placement) {
      mirror_placement(c);
    } else {
      mirror_fills(c);
    }
  }
  return out;
}

}  // namespace tandem::domain
