// Positions per (account, leader, instrument, product): net quantity, the cost of the open part
// and realised P&L, all integers (units, paise). A fold of fills: each leader's from its order
// updates, each follower's from its order updates matched to the intent that placed them.
//
// A position is held in a book: an account and the leader it is held for. A leader's own
// positions are in the book of its account and its name; a follower's, in one book per leader
// it follows, so that one leader's exit reduces only that leader's share. The account's broker
// position is the sum of its books. With one leader (its name empty) an account has one book.
#pragma once

#include <compare>
#include <map>
#include <tuple>
#include <vector>

#include "domain/events.h"
#include "projections/fills.h"
#include "projections/id_map.h"

namespace tandem::projections {

// Whose position: an account, and the leader it is held for.
struct Book {
  const domain::AccountId& account;
  const domain::LeaderId& leader;
};

struct PositionKey {
  domain::AccountId account;
  domain::LeaderId leader;
  domain::InstrumentKey instrument;
  domain::Product product = domain::Product::intraday;
  auto operator<=>(const PositionKey&) const = default;
};

// A position key's parts by reference, for lookups that would otherwise copy the account
// and the tradingsymbol into a PositionKey (an allocation per lookup on decide's hot path).
struct PositionKeyView {
  const domain::AccountId& account;
  const domain::LeaderId& leader;
  const domain::InstrumentKey& instrument;
  domain::Product product;
};

// Orders PositionKeys and PositionKeyViews alike, as PositionKey's own <=> does.
struct PositionKeyLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::tie(a.account, a.leader, a.instrument, a.product) <
           std::tie(b.account, b.leader, b.instrument, b.product);
  }
};

template <class Value>
using PositionMap = std::map<PositionKey, Value, PositionKeyLess>;

struct Position {
  int64_t net_qty_units = 0;    // > 0 long, < 0 short
  int64_t open_cost_paise = 0;  // cost of the open quantity (always >= 0)
  int64_t realized_pnl_paise = 0;
  int64_t average_price_paise() const {
    return net_qty_units == 0
               ? 0
               : open_cost_paise / (net_qty_units < 0 ? -net_qty_units : net_qty_units);
  }
  bool operator==(const Position&) const = default;
};

// Applies a fill of `signed_units` (buy > 0) worth `cost_paise` to a position.
[[nodiscard]] Position apply_fill(Position p, int64_t signed_units, int64_t cost_paise);

struct Positions {
  struct FollowerOrder {
    PositionKey key;
    domain::Side side = domain::Side::buy;
    int64_t quantity_units = 0;
    bool final = false;
    OrderFill fill;
    int64_t working_units() const { return final ? 0 : quantity_units - fill.filled_units; }
    bool operator==(const FollowerOrder&) const = default;
  };
  std::map<domain::LeaderId, domain::AccountId> leaders;  // each leader's account
  struct FollowerBook {
    domain::AccountId account;
    domain::LeaderId leader;
    bool operator==(const FollowerBook&) const = default;
  };
  std::map<domain::FollowerId, FollowerBook> follower_books;
  PositionMap<Position> by_key;
  IdMap<domain::LeaderOrderId, OrderFill> leader_fills;
  IdMap<domain::ClientTag, FollowerOrder> follower_orders;  // place intents, by tag
  // What follower orders still work per key (placed, not yet filled or final): their
  // quantity, buys and sells apart, and their tags, sorted. Limits assume the worst —
  // working entries all fill, working exits all fill first — so no outcome of the orders in
  // flight can overshoot a limit or open on an exit; convergence looks at the tags of one
  // position (copy/converge.h). One map, so an order's change is one lookup. A key once
  // worked in stays, at 0 and no tags when nothing works in it. The tags are derived from
  // follower_orders (a snapshot rebuilds them with index_working()).
  struct Working {
    int64_t buy_units = 0;
    int64_t sell_units = 0;
    std::vector<domain::ClientTag> tags;
    bool operator==(const Working&) const = default;
  };
  PositionMap<Working> working_by_key;

  // The net quantity of a book in an instrument and product; 0 when flat or unknown.
  [[nodiscard]] int64_t net(Book book, const domain::InstrumentKey& i,
                            domain::Product product) const;
  // The account's net over all its books (what its broker holds, when the journal is whole).
  [[nodiscard]] int64_t account_net(const domain::AccountId& account,
                                    const domain::InstrumentKey& i, domain::Product product) const;
  // The realised P&L of a book, over all its instruments and products.
  [[nodiscard]] int64_t realized_pnl(Book book) const;
  [[nodiscard]] int64_t working(Book book, const domain::InstrumentKey& i, domain::Product product,
                                domain::Side side) const;
  // What works in one key; null when nothing ever did.
  [[nodiscard]] const Working* working_in(Book book, const domain::InstrumentKey& i,
                                          domain::Product product) const;
  bool operator==(const Positions&) const = default;
};

// Rebuilds the working tags from follower_orders.
void index_working(Positions& state);

// The fold, in place (replay's hot loop); evolve() is the same as a pure function.
void apply(Positions& state, const domain::Event& event);
[[nodiscard]] inline Positions evolve(Positions state, const domain::Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::projections
