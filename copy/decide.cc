#include "copy/decide.h"

#include <algorithm>

#include "copy/clock.h"
#include "copy/converge.h"
#include "copy/flatten.h"
#include "copy/intent_of.h"
#include "copy/loss_guard.h"
#include "copy/target.h"
#include "copy/value_or.h"
#include "domain/base/assert.h"
#include "domain/risk/risk_checks.h"

namespace tandem::domain {

namespace {

using projections::status_rank;

// One leader update, seen from one follower, on the state with the update folded in.
struct Context {
  const CopyState& s;
  const LeaderOrderUpdate& u;
  const FollowerSettings& f;
  const projections::OrderState* known;   // the leader order before this update, if seen
  const projections::FollowerCopy* copy;  // the follower's copy of it, if any
  std::vector<Event>& out;
};

// Appends to the outputs. The first one sizes the vector for every follower's decision and
// intent: an input that decides anything mostly decides for all of them.
template <class Decided>
void emit(const Context& c, Decided&& decided) {
  if (c.out.empty()) c.out.reserve(2 * c.s.followers.size());
  c.out.emplace_back(std::forward<Decided>(decided));
}

Side opposite(Side side) { return side == Side::buy ? Side::sell : Side::buy; }

Side follower_side(const Context& c) { return c.f.reverse ? opposite(c.u.side) : c.u.side; }

// The price per unit that sizing and value limits use: the order's own limit price, else
// the leader's latest fill in the instrument, else this update's average price.
int64_t reference_price(const Context& c, int64_t order_price) {
  if (order_price > 0) return order_price;
  const int64_t last = value_or(c.s.reference_price_paise, c.u.instrument, int64_t{0});
  return last > 0 ? last : c.u.average_price_paise;
}

// The leader's order reduces the position it held before this update's fills.
bool leader_exit(const Context& c) {
  const int64_t filled_now = c.u.filled_units - (c.known != nullptr ? c.known->filled_units : 0);
  const int64_t signed_fill = c.u.side == Side::buy ? filled_now : -filled_now;
  const int64_t before =
      c.s.positions.net(leader_book(c.s, c.u.leader), c.u.instrument, c.u.product) - signed_fill;
  return (c.u.side == Side::sell && before > 0) || (c.u.side == Side::buy && before < 0);
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

void act(const Context& c, CopyDecision d, OrderTerms order) {
  FollowerOrderIntent intent = intent_of(d, std::move(order), c.copy, tag_code_of(c.s, c.f));
  emit(c, std::move(d));
  emit(c, std::move(intent));
}

// The most a new or resized order on `side` may work: its share of the envelope, the target
// the follower reaches if every working order of the leader's on that side fills, less what
// the follower holds and already has working there (`mine`: this order's own working part,
// when it is being resized).
struct Room {
  Target reach;
  int64_t units = 0;
  int64_t from_units = 0;  // the position this order moves, with the others working
};
Room room_for(const Context& c, Product product, Side side, int64_t price, int64_t mine) {
  const CopyState& s = c.s;
  const projections::Book book = book_of(c.f);
  const int64_t held = s.positions.net(book, c.u.instrument, product);
  const int64_t working = s.positions.working(book, c.u.instrument, product, side) - mine;
  Room r;
  r.reach = target_of(s, c.f, c.u.instrument, product,
                      side == Side::buy ? LeaderReach::all_buys : LeaderReach::all_sells,
                      reference_price(c, price));
  const int64_t lot = lot_unit(s.instruments.at(c.u.instrument));
  r.from_units = side == Side::buy ? held + working : held - working;
  const int64_t room =
      side == Side::buy ? r.reach.units - r.from_units : r.from_units - r.reach.units;
  r.units = std::max<int64_t>(room, 0) / lot * lot;
  return r;
}

SizingInputs sizing_of(const Context& c, const Room& room, int64_t price) {
  SizingInputs in;
  in.policy = c.f.sizing;
  in.ratio_ppm = c.f.ratio_ppm;
  in.leader_qty_units = c.u.quantity_units;
  in.leader_capital_paise = value_or(c.s.funds_paise, leader_account(c.s, c.f.leader), int64_t{0});
  in.follower_capital_paise = value_or(c.s.funds_paise, c.f.account, int64_t{0});
  in.lot_size_units = lot_unit(c.s.instruments.at(c.u.instrument));
  in.premium_paise = reference_price(c, price);
  in.max_position_pct_bp = c.f.max_position_pct_bp;
  in.raw_qty_micro = room.units * 1'000'000;
  in.rounded_qty_units = room.units;
  in.target_units = room.reach.units;
  return in;
}

// A new follower order mirroring the leader's: sized to close the follower's share of the
// envelope; its exit part always goes, its entry part through the entry limits.
void place(const Context& c, OrderType type, int64_t price, int64_t trigger) {
  CopyDecision d = start_decision(c);
  d.ordinal = c.copy != nullptr ? c.copy->next_ordinal : 1;
  const auto inst = c.s.instruments.find(c.u.instrument);
  if (inst == c.s.instruments.end()) return skip(c, std::move(d), SkipReason::unknown_instrument);
  const TimeNs at = c.u.exchange_time_ns;
  if (SkipReason r = hold_reason(c.s, c.f, c.u.instrument.exchange, at); r != SkipReason::none) {
    return skip(c, std::move(d), r);
  }
  const std::optional<Product> product = follower_product(c.f, c.u.product);
  if (!product) return skip(c, std::move(d), SkipReason::product_not_allowed);
  if (!instrument_allowed(c.f, inst->second)) {
    return skip(c, std::move(d), SkipReason::instrument_not_allowed);
  }
  const Room room = room_for(c, *product, d.side, price, 0);
  d.sizing = sizing_of(c, room, price);
  d.sizing.position_before_units = c.s.positions.net(book_of(c.f), c.u.instrument, *product);
  if (room.reach.why == SkipReason::max_position_reached) d.clamp = Clamp::max_position;
  if (room.units == 0) {
    SkipReason why = room.reach.why != SkipReason::none ? room.reach.why : SkipReason::at_target;
    if (why == SkipReason::at_target && leader_exit(c) &&
        exit_part(d.side, 1, room.from_units) == 0) {
      why = SkipReason::no_position_to_exit;  // the leader reduces; the follower holds nothing
    }
    return skip(c, std::move(d), why);
  }
  const int64_t lot = d.sizing.lot_size_units;
  const int64_t exits = exit_part(d.side, room.units, room.from_units) / lot * lot;
  int64_t qty = room.units;
  const bool scales =
      c.f.sizing == SizingPolicy::multiplier || c.f.sizing == SizingPolicy::fixed_ratio;
  if (exits == qty && scales &&
      __int128(c.u.quantity_units) * c.f.ratio_ppm > __int128(qty) * kPpm) {
    d.clamp = Clamp::exit_position;  // cut to what the follower holds
  }
  if (exits < qty) {
    SkipReason r = entry_refusal(c.s, c.f, at);
    const bool late_taken = c.u.recovered && c.f.late_events != LateEvents::skip;
    if (r == SkipReason::none && !late_taken && is_stale(c.f, at, c.u.received_time_ns)) {
      r = SkipReason::stale_event;
    }
    const bool limit_like = type == OrderType::limit || type == OrderType::stop_loss;
    const int64_t last_fill = value_or(c.s.reference_price_paise, c.u.instrument, int64_t{0});
    if (r == SkipReason::none && limit_like && outside_price_guard(c.f, price, last_fill)) {
      r = SkipReason::price_guard;
    }
    if (r != SkipReason::none) {
      if (exits == 0) return skip(c, std::move(d), r);
      qty = exits;
      d.clamp = Clamp::entry_limit;
      d.skip_reason = r;
    }
  }
  if (c.f.max_order_value_paise > 0) {
    const int64_t ref = d.sizing.premium_paise;
    if (ref <= 0) return skip(c, std::move(d), SkipReason::no_reference_price);
    const int64_t most = c.f.max_order_value_paise / ref / lot * lot;
    if (most <= 0) return skip(c, std::move(d), SkipReason::max_order_value);
    if (qty > most) {
      qty = most;
      d.clamp = Clamp::max_order_value;
    }
  }
  if (const int64_t cap = order_cap_units(inst->second); cap > 0 && qty > cap) {
    qty = cap;  // the exchange refuses more in one order; convergence brings the rest
    d.clamp = Clamp::freeze_quantity;
  }
  d.action = CopyAction::place;
  d.quantity_units = qty;
  d.sizing.final_qty_units = qty;
  OrderTerms order{c.u.instrument, d.side, type, *product, c.u.validity, qty, price, trigger};
  act(c, std::move(d), std::move(order));
}

void cancel(const Context& c) {
  CopyDecision d = start_decision(c);
  d.action = CopyAction::cancel;
  d.ordinal = c.copy->next_ordinal;
  act(c, std::move(d), c.copy->order);
}

// The leader changed a working order (or reported a change with its final status): the
// follower's copy is resized to its share of the envelope, never below what it filled; one
// that would add to a position is not grown past the loss guard.
void modify(const Context& c) {
  const projections::FollowerCopy& copy = *c.copy;
  CopyDecision d = start_decision(c);
  d.ordinal = copy.next_ordinal;
  if (!c.s.instruments.contains(c.u.instrument)) {
    return skip(c, std::move(d), SkipReason::unknown_instrument);
  }
  const Product product = copy.order.product;
  const auto order = c.s.positions.follower_orders.find(copy.placed_tag);
  const int64_t mine =
      order == c.s.positions.follower_orders.end() ? 0 : order->second.working_units();
  const Room room = room_for(c, product, d.side, c.u.price_paise, mine);
  d.sizing = sizing_of(c, room, c.u.price_paise);
  const int64_t held = c.s.positions.net(book_of(c.f), c.u.instrument, product);
  d.sizing.position_before_units = held;
  const int64_t old_qty = copy.order.quantity_units;
  int64_t qty = copy.filled_units + room.units;
  const int64_t wanted = (d.side == Side::buy ? room.reach.units - room.from_units
                                              : room.from_units - room.reach.units);
  if (wanted < 0 && copy.filled_units > 0) d.clamp = Clamp::already_filled;
  const bool adds = held * (d.side == Side::buy ? 1 : -1) >= 0;
  if (qty > old_qty && adds && tripped_guard(c.s, c.f.follower) != nullptr) {
    qty = old_qty;  // the loss guard lets nothing add to a position
    d.clamp = Clamp::loss_guard;
  }
  const int64_t cap = order_cap_units(c.s.instruments.at(c.u.instrument));
  if (cap > 0 && qty > std::max(cap, old_qty)) {
    qty = std::max(cap, old_qty);
    d.clamp = Clamp::freeze_quantity;
  }
  d.sizing.final_qty_units = qty;
  const bool same = qty == old_qty && c.u.price_paise == copy.order.price_paise &&
                    c.u.trigger_price_paise == copy.order.trigger_price_paise &&
                    c.u.order_type == copy.order.order_type && !copy.modify_refused;
  if (same) return;
  if (qty == 0) return cancel(c);
  d.action = CopyAction::modify;
  d.quantity_units = qty;
  OrderTerms request = copy.order;
  request.quantity_units = qty;
  request.order_type = c.u.order_type;
  request.price_paise = c.u.price_paise;
  request.trigger_price_paise = c.u.trigger_price_paise;
  act(c, std::move(d), std::move(request));
}

// copy_on = placement: mirror the order itself — place, modify, cancel — for its prices.
void mirror_placement(const Context& c) {
  const LeaderOrderUpdate& u = c.u;
  if (c.copy == nullptr || c.copy->placed_tag.empty()) {
    // The chance to place is decided once, when the order is first seen working or done;
    // what the follower misses then, convergence makes up once the leader has filled.
    const bool first_sight = c.known == nullptr || status_rank(c.known->status) == 0;
    if (!first_sight) return;
    if (status_rank(u.status) == 1) {
      return place(c, u.order_type, u.price_paise, u.trigger_price_paise);
    }
    // Seen only after it executed (a market order's first report, a stop that triggered
    // meanwhile): the leader's position has moved already, so the copy goes at market.
    if (status_rank(u.status) == 2 && u.filled_units > 0) return place(c, OrderType::market, 0, 0);
    return;
  }
  const bool follower_final = status_rank(c.copy->status) == 2;
  const bool leader_was_final = c.known != nullptr && status_rank(c.known->status) == 2;
  if (u.status == OrderStatus::cancelled || u.status == OrderStatus::expired) {
    if (!leader_was_final && !follower_final && !c.copy->cancel_sent) cancel(c);
    return;
  }
  if (c.known == nullptr || leader_was_final) return;
  // A modify of the copy that was refused (or never sent) left it on its earlier terms at the
  // broker: the leader order's next report brings it to the leader's terms, its fill
  // included. Left resting at the old price, it would count as reaching the target while the
  // leader's position moved without it.
  if (c.copy->modify_refused && !follower_final && !c.copy->cancel_sent) return modify(c);
  const bool changed = u.quantity_units != c.known->quantity_units ||
                       u.price_paise != c.known->price_paise ||
                       u.trigger_price_paise != c.known->trigger_price_paise;
  // A change the broker reported together with the order's completion counts too.
  const bool merged_final = u.status == OrderStatus::complete && changed;
  if (!(status_rank(u.status) == 1 && changed) && !merged_final) return;
  if (follower_final || c.copy->cancel_sent) {
    if (merged_final) return;  // convergence settles what the copy did
    CopyDecision d = start_decision(c);
    return skip(c, std::move(d),
                c.copy->status == OrderStatus::complete ? SkipReason::already_filled
                                                        : SkipReason::no_mapped_order);
  }
  modify(c);
}

// The leader order was first seen working or done through a recovery, not live.
bool first_seen_recovered(const Context& c) {
  const bool first_sight = c.known == nullptr || status_rank(c.known->status) == 0;
  return first_sight ? c.u.recovered : c.known->first_seen_recovered;
}

// One decision per follower per leader update: a mirror that acted or was refused has
// said what there is to say (a refusal would refuse convergence the same way).
bool decided_for_follower(const std::vector<Event>& out, size_t from) { return out.size() > from; }

std::vector<Event> on_leader(const CopyState& s, const LeaderOrderUpdate& u,
                             const projections::OrderState* known) {
  // Pending orders are not yet working; a rejection places and cancels nothing.
  if (u.status == OrderStatus::pending || u.status == OrderStatus::rejected) return {};
  const bool moved = known == nullptr || known->filled_units != u.filled_units ||
                     status_rank(known->status) != status_rank(u.status);
  const projections::FollowerCopies* copies = s.mappings.copies_of(u.order_id);
  std::vector<Event> out;
  for (const auto& [id, settings] : s.followers) {
    if (settings.leader != u.leader) continue;  // it copies another leader
    const size_t first = out.size();
    const Context c{s, u, settings, known, projections::copy_in(copies, id), out};
    // Late orders under `converge`, and every order under copy_on = fill, are not mirrored:
    // convergence buys or sells at market what the leader has executed.
    const bool mirrored =
        settings.copy_on == CopyOn::placement &&
        !(settings.late_events == LateEvents::converge && first_seen_recovered(c));
    if (mirrored) mirror_placement(c);
    if (!moved || decided_for_follower(out, first)) continue;
    if (const auto product = follower_product(settings, u.product)) {
      // A late report that the staleness limit would refuse opens or adds nothing here either.
      const bool late_taken = u.recovered && settings.late_events != LateEvents::skip;
      const bool stale = !late_taken && is_stale(settings, u.exchange_time_ns, u.received_time_ns);
      converge(s, settings, u.instrument, *product, u.exchange_time_ns, false, out, stale);
    }
  }
  return out;
}

// A follower order changed at its broker: its position converges. (A broker's refusal is
// not answered with another order — it would most likely be refused the same way: margin, a
// stopped token; if it leaves the position off target, drift.h names it, and the next leader
// fill there converges it again.)
std::vector<Event> on_follower_order(const CopyState& s, const ClientTag& tag,
                                     const FollowerId& follower) {
  const auto settings = s.followers.find(follower);
  if (settings == s.followers.end()) return {};
  const auto owner = s.mappings.by_tag.find(tag);
  if (owner == s.mappings.by_tag.end() || owner->second.action != CopyAction::place) return {};
  const auto order = s.positions.follower_orders.find(tag);
  if (order == s.positions.follower_orders.end()) return {};
  std::vector<Event> out;
  converge(s, settings->second, order->second.key.instrument, order->second.key.product, s.clock_ns,
           /*top_up=*/true, out);
  return out;
}

std::vector<Event> on_resumed(const CopyState& s, const FollowerId& follower) {
  const auto settings = s.followers.find(follower);
  if (settings == s.followers.end()) return {};
  std::vector<Event> out;
  for (const auto& [instrument, product] : positions_of(s, settings->second)) {
    converge(s, settings->second, instrument, product, s.clock_ns, false, out);
  }
  return out;
}

// What the input decides, on the state with the input folded in; `known`: the leader order
// a LeaderOrderUpdate reports, as it was before.
std::vector<Event> decide_after(const CopyState& s, const Event& event,
                                const projections::OrderState* known) {
  if (const auto* u = std::get_if<LeaderOrderUpdate>(&event)) return on_leader(s, *u, known);
  if (const auto* e = std::get_if<FollowerOrderUpdate>(&event)) {
    return on_follower_order(s, e->tag, e->follower);
  }
  if (const auto* e = std::get_if<FollowerResumed>(&event)) return on_resumed(s, e->follower);
  if (const auto* f = std::get_if<FollowerFlattenRequested>(&event)) return flatten(s, *f);
  if (const auto* p = std::get_if<PriceSnapshot>(&event)) return loss_guard(s, *p);
  return {};
}

// Whether the engine journals a report at all: a repeat, or a report of an order forgotten
// as ended, decides nothing and moves nothing.
bool decides_nothing(const CopyState& s, const Event& event) {
  if (const auto* u = std::get_if<LeaderOrderUpdate>(&event)) {
    return s.ended_leader_orders.contains(u->order_id);
  }
  return false;
}

// What a follower order's report can change for convergence: its fills and what still works.
std::pair<int64_t, int64_t> follower_order_progress(const CopyState& s, const ClientTag& tag) {
  const auto it = s.positions.follower_orders.find(tag);
  if (it == s.positions.follower_orders.end()) return {-1, -1};
  return {it->second.fill.filled_units, it->second.working_units()};
}

// The shape every step() answers with (decide.h): each intent carries out the decision
// right before it, for the same follower and action, a place of a positive quantity, for a
// follower the state knows. Checked on every step, in every build: an intent that breaks it
// would reach a broker.
void check_outputs(const CopyState& state, const std::vector<Event>& out) {
  for (size_t k = 0; k < out.size(); ++k) {
    const auto* intent = std::get_if<FollowerOrderIntent>(&out[k]);
    if (intent == nullptr) continue;
    const auto* decision = k > 0 ? std::get_if<CopyDecision>(&out[k - 1]) : nullptr;
    TANDEM_ASSERT(decision != nullptr, "an intent without its decision", intent->tag.value);
    TANDEM_ASSERT(decision->follower == intent->follower && decision->action == intent->action,
                  intent->tag.value);
    TANDEM_ASSERT(intent->action != CopyAction::place || intent->order.quantity_units > 0,
                  intent->tag.value, intent->order.quantity_units);
    TANDEM_ASSERT(state.followers.contains(intent->follower), intent->follower.value);
  }
}

std::vector<Event> step_unchecked(CopyState& state, const Event& event, Fold fold) {
  if (decides_nothing(state, event)) {
    fold(state, event);
    return {};
  }
  if (const auto* t = std::get_if<ClockTick>(&event)) {
    const TimeNs from = state.ticked_ns;
    const std::set<FollowerId> converge_all = state.converge_all;  // the fold clears them
    fold(state, event);
    std::vector<Event> out;
    on_tick(state, from, converge_all, t->exchange_time_ns, out);
    for (const Event& e : out) fold(state, e);
    return out;
  }
  std::optional<projections::OrderState> known;
  if (const auto* u = std::get_if<LeaderOrderUpdate>(&event)) {
    const auto it = state.orders.leader.find(u->order_id);
    if (it != state.orders.leader.end()) known = it->second;
  } else if (const auto* f = std::get_if<FollowerOrderUpdate>(&event)) {
    // A report that moves neither the order's fills nor what still works (an acknowledgement
    // of an order as placed) changes nothing convergence looks at.
    const auto before = follower_order_progress(state, f->tag);
    fold(state, event);
    if (follower_order_progress(state, f->tag) == before) return {};
    std::vector<Event> out = decide_after(state, event, nullptr);
    for (const Event& e : out) fold(state, e);
    return out;
  }
  fold(state, event);
  std::vector<Event> out = decide_after(state, event, known ? &*known : nullptr);
  for (const Event& e : out) fold(state, e);
  return out;
}

}  // namespace

std::vector<Event> step(CopyState& state, const Event& event, Fold fold) {
  std::vector<Event> out = step_unchecked(state, event, fold);
  check_outputs(state, out);
  return out;
}

std::vector<Event> decide(const CopyState& state, const Event& event) {
  CopyState copy = state;
  return step(copy, event);
}

bool decides_orders(const std::vector<Event>& decided) {
  return std::any_of(decided.begin(), decided.end(),
                     [](const Event& e) { return std::holds_alternative<FollowerOrderIntent>(e); });
}

}  // namespace tandem::domain
