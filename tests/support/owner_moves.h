// A scripted leader's day at the broker simulator: what the leader account's owner does (in
// INFY, intraday) between the simulated shell's settles — market buys and sells, limit buys
// that rest, their modifies and cancels, price moves that fill them, and dropped sockets.
// Each suite draws its own days (simulated_stream_test.cc, simulated_engine_test.cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "brokers/sim/kite_sim.h"
#include "tests/support/sim_loop.h"

namespace tandem::testing {

struct OwnerMove {
  enum class Kind : uint8_t { buy, sell, limit, modify, cancel, price, drop } kind = Kind::buy;
  size_t of = 0;  // modify, cancel: the move that placed the order
  int64_t units = 1;
  int64_t price_paise = 0;  // limit, modify: the order's; price: the market's
};

// The order a move places or changes to: a limit for limit and modify, else at market.
inline domain::OrderTerms terms_of(const OwnerMove& m) {
  domain::OrderTerms o;
  o.instrument = kTestInfy;
  o.side = m.kind == OwnerMove::Kind::sell ? domain::Side::sell : domain::Side::buy;
  o.product = domain::Product::intraday;
  const bool limit = m.kind == OwnerMove::Kind::limit || m.kind == OwnerMove::Kind::modify;
  o.order_type = limit ? domain::OrderType::limit : domain::OrderType::market;
  o.quantity_units = m.units;
  o.price_paise = limit ? m.price_paise : 0;
  return o;
}

// Makes move `i` for `user`; `placed` keeps the broker's order id of each move that placed
// one. A change the simulator refuses (the order filled meanwhile) is left refused.
inline void make_move(brokers::sim::KiteSim& sim, const std::string& user,
                      const std::vector<OwnerMove>& moves, size_t i,
                      std::map<size_t, domain::BrokerOrderId>& placed) {
  const OwnerMove& m = moves[i];
  switch (m.kind) {
    case OwnerMove::Kind::buy:
    case OwnerMove::Kind::sell:
    case OwnerMove::Kind::limit:
      if (auto o = sim.place_as_owner(user, terms_of(m)); o.ok()) placed[i] = o->order_id;
      break;
    case OwnerMove::Kind::modify:
      if (placed.contains(m.of)) {
        OwnerMove changed = moves[m.of];
        changed.kind = OwnerMove::Kind::modify;
        changed.price_paise = m.price_paise;
        (void)sim.modify_as_owner(user, placed[m.of], terms_of(changed));
      }
      break;
    case OwnerMove::Kind::cancel:
      if (placed.contains(m.of)) (void)sim.cancel_as_owner(user, placed[m.of]);
      break;
    case OwnerMove::Kind::price:
      sim.set_price(kTestInfy, m.price_paise);
      break;
    case OwnerMove::Kind::drop:
      (void)sim.drop_websockets(user);
      break;
  }
}

}  // namespace tandem::testing
