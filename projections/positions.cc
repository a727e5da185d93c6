#include "projections/positions.h"

#include <algorithm>

#include "domain/base/assert.h"

namespace tandem::projections {

namespace d = ::tandem::domain;

Position apply_fill(Position p, int64_t signed_units, int64_t cost_paise) {
  TANDEM_REQUIRE(signed_units != 0);
  const int64_t qty = signed_units < 0 ? -signed_units : signed_units;
  const bool opening = p.net_qty_units == 0 || (p.net_qty_units > 0) == (signed_units > 0);
  if (opening) {
    p.net_qty_units += signed_units;
    p.open_cost_paise += cost_paise;
    return p;
  }
  const int64_t open = p.net_qty_units < 0 ? -p.net_qty_units : p.net_qty_units;
  const int64_t closing = std::min(qty, open);
  const int64_t basis =
      static_cast<int64_t>(static_cast<__int128>(p.open_cost_paise) * closing / open);
  const int64_t proceeds = static_cast<int64_t>(static_cast<__int128>(cost_paise) * closing / qty);
  p.realized_pnl_paise += p.net_qty_units > 0 ? proceeds - basis : basis - proceeds;
  p.open_cost_paise -= basis;
  p.net_qty_units += signed_units > 0 ? closing : -closing;
  if (qty > closing) {  // the fill turns the position around
    p.net_qty_units = signed_units > 0 ? qty - closing : closing - qty;
    p.open_cost_paise = cost_paise - proceeds;
  }
  if (p.net_qty_units == 0) p.open_cost_paise = 0;
  TANDEM_ASSERT(p.open_cost_paise >= 0 || cost_paise < 0, p.open_cost_paise);
  return p;
}

int64_t Positions::net(Book book, const d::InstrumentKey& i, d::Product product) const {
  const auto it = by_key.find(PositionKeyView{book.account, book.leader, i, product});
  return it == by_key.end() ? 0 : it->second.net_qty_units;
}

int64_t Positions::account_net(const d::AccountId& account, const d::InstrumentKey& i,
                               d::Product product) const {
  int64_t sum = 0;
  for (auto it = by_key.lower_bound(PositionKey{account, {}, {}, {}});
       it != by_key.end() && it->first.account == account; ++it) {
    if (it->first.instrument == i && it->first.product == product) sum += it->second.net_qty_units;
  }
  return sum;
}

int64_t Positions::realized_pnl(Book book) const {
  int64_t sum = 0;
  for (auto it = by_key.lower_bound(PositionKey{book.account, book.leader, {}, {}});
       it != by_key.end() && it->first.account == book.account && it->first.leader == book.leader;
       ++it) {
    sum += it->second.realized_pnl_paise;
  }
  return sum;
}

const Positions::Working* Positions::working_in(Book book, const d::InstrumentKey& i,
                                                d::Product product) const {
  const auto it = working_by_key.find(PositionKeyView{book.account, book.leader, i, product});
  return it == working_by_key.end() ? nullptr : &it->second;
}

int64_t Positions::working(Book book, const d::InstrumentKey& i, d::Product product,
                           d::Side side) const {
  const Working* w = working_in(book, i, product);
  if (w == nullptr) return 0;
  return side == d::Side::buy ? w->buy_units : w->sell_units;
}

namespace {

int64_t signed_units(d::Side side, int64_t units) { return side == d::Side::buy ? units : -units; }

// The entry of `key` in `map`, value-initialised on first use. Found by the key's parts:
// building a PositionKey copies the account and the tradingsymbol (often past the short-string
// buffer), which the fold would otherwise do for every fill and order change.
template <class Value>
Value& entry(PositionMap<Value>& map, const PositionKeyView& key) {
  auto it = map.lower_bound(key);
  if (it == map.end() || PositionKeyLess{}(key, it->first)) {
    it = map.emplace_hint(it, PositionKey{key.account, key.leader, key.instrument, key.product},
                          Value{});
  }
  return it->second;
}

PositionKeyView view_of(const PositionKey& key) {
  return {key.account, key.leader, key.instrument, key.product};
}

void fill(Positions& s, const PositionKeyView& key, d::Side side, const FillDelta& delta) {
  Position& p = entry(s.by_key, key);
  p = apply_fill(p, signed_units(side, delta.units), delta.cost_paise);
}

void index_tag(Positions::Working& w, const d::ClientTag& tag, bool working) {
  const auto at = std::lower_bound(w.tags.begin(), w.tags.end(), tag);
  const bool listed = at != w.tags.end() && *at == tag;
  if (working && !listed) w.tags.insert(at, tag);
  if (!working && listed) w.tags.erase(at);
}

// Applies `change` to a follower order and moves its working quantity accordingly.
template <class Change>
void change_order(Positions& s, const d::ClientTag& tag, Positions::FollowerOrder& order,
                  Change change) {
  const int64_t before = order.working_units();
  change(order);
  const int64_t delta = order.working_units() - before;
  if (delta == 0) return;
  // A key stays when its last order stops working: the next order in the same instrument
  // would otherwise allocate its node again.
  Positions::Working& w = entry(s.working_by_key, view_of(order.key));
  if ((before == 0) != (order.working_units() == 0)) {
    index_tag(w, tag, order.working_units() != 0);
  }
  int64_t& units = order.side == d::Side::buy ? w.buy_units : w.sell_units;
  units += delta;
  TANDEM_ASSERT(units >= 0, units);
}

}  // namespace

void index_working(Positions& s) {
  for (auto& [key, w] : s.working_by_key) w.tags.clear();
  for (const auto& [tag, order] : s.follower_orders) {
    if (order.working_units() != 0)
      index_tag(entry(s.working_by_key, view_of(order.key)), tag, true);
  }
}

void apply(Positions& s, const d::Event& event) {
  if (const auto* e = std::get_if<d::LeaderConfigured>(&event)) {
    s.leaders[e->name] = e->account;
  } else if (const auto* e = std::get_if<d::FollowerConfigured>(&event)) {
    s.follower_books[e->settings.follower] = {e->settings.account, e->settings.leader};
  } else if (const auto* e = std::get_if<d::LeaderOrderUpdate>(&event)) {
    if (auto delta =
            record_fill(s.leader_fills[e->order_id], e->filled_units, e->average_price_paise)) {
      static const d::AccountId kUnknown;  // a report before its leader was configured
      const auto leader = s.leaders.find(e->leader);
      const d::AccountId& account = leader == s.leaders.end() ? kUnknown : leader->second;
      fill(s, PositionKeyView{account, e->leader, e->instrument, e->product}, e->side, *delta);
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderIntent>(&event)) {
    if (e->action == d::CopyAction::place) {
      const auto [it, placed] = s.follower_orders.try_emplace(e->tag);
      if (!placed) return;  // a repeated intent: the order is counted once
      const auto book = s.follower_books.find(e->follower);
      const Positions::FollowerBook owner = book == s.follower_books.end()
                                                ? Positions::FollowerBook{{e->follower.value}, {}}
                                                : book->second;
      auto& order = it->second;
      order = {PositionKey{owner.account, owner.leader, e->order.instrument, e->order.product},
               e->order.side, 0, false, OrderFill{}};
      change_order(s, e->tag, order, [&](auto& o) { o.quantity_units = e->order.quantity_units; });
    } else if (e->action == d::CopyAction::modify) {
      // Until the broker confirms, the order may still fill at its old size: count a larger
      // quantity at once, a smaller one only when the broker reports it.
      const auto it = s.follower_orders.find(e->target_tag);
      if (it != s.follower_orders.end()) {
        change_order(s, e->target_tag, it->second, [&](auto& o) {
          o.quantity_units = std::max(o.quantity_units, e->order.quantity_units);
        });
      }
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderRejected>(&event)) {
    const auto it = s.follower_orders.find(e->tag);
    if (it != s.follower_orders.end()) {
      change_order(s, e->tag, it->second, [](auto& o) { o.final = true; });
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderUpdate>(&event)) {
    const auto it = s.follower_orders.find(e->tag);
    if (it != s.follower_orders.end()) {
      auto& order = it->second;
      std::optional<FillDelta> delta;
      change_order(s, e->tag, order, [&](auto& o) {
        if (o.final) return;
        delta = record_fill(o.fill, e->filled_units, e->average_price_paise);
        if (e->quantity_units > 0) o.quantity_units = e->quantity_units;
        o.quantity_units = std::max(o.quantity_units, o.fill.filled_units);
        o.final = d::is_final(e->status);
      });
      if (delta) fill(s, view_of(order.key), order.side, *delta);
    }
  }
}

}  // namespace tandem::projections
