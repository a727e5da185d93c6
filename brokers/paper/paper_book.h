// The paper broker's order book: deterministic fills for paper trading and backtests.
// Orders are acknowledged at once and become fillable after a latency (plus a jitter drawn
// from the seed and the order's tag, so the same seed gives the same fills whatever order
// calls arrive in). Fills follow a reference price stream — ticks, or the leader's own fill
// prices: market orders fill at the reference moved against them by the slippage; limit
// orders when the reference reaches their price; stop orders trigger when it crosses their
// trigger. An IOC order fills what it can when it becomes fillable, and the rest is cancelled
// (as the exchange does). Time is a parameter. Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "brokers/broker_types.h"
#include "domain/base/status.h"

namespace tandem::brokers {

struct PaperConfig {
  int64_t slippage_bp = 0;        // market fills this many basis points worse than reference
  domain::TimeNs latency_ns = 0;  // from placement until an order can fill
  domain::TimeNs jitter_ns = 0;   // plus up to this much more, per order, from the seed
  uint64_t seed = 1;
  int64_t max_fill_units = 0;  // at most this much of an order fills per price step (0: all)
  // Paper trading refuses a second order with a tag it holds (a guard of its own against a
  // second order for one intent); the simulated brokers accept it, as Kite and Dhan do.
  bool unique_tags = true;
};

class PaperBook {
 public:
  explicit PaperBook(PaperConfig config) : config_(config) {}

  void set_price(const domain::InstrumentKey& instrument, int64_t price_paise);

  // Accepts an order (OPEN, or TRIGGER PENDING for stop orders). Refuses a bad quantity,
  // and a repeated tag when the config's unique_tags says so.
  Result<BrokerOrder> place(const domain::OrderTerms& order, const domain::ClientTag& tag,
                            domain::TimeNs now);
  // Places the order as slices of at most `slice_units` (a broker's autoslice above the
  // freeze quantity); every slice carries the tag.
  Result<std::vector<BrokerOrder>> place_sliced(const domain::OrderTerms& order,
                                                const domain::ClientTag& tag, int64_t slice_units,
                                                domain::TimeNs now);
  // An after-market order (Kite's AMO variety, Dhan's afterMarketOrder): AMO REQ RECEIVED
  // until `opens_at`, when it reaches the exchange as a new order does (OPEN, or TRIGGER
  // PENDING) and may fill.
  Result<BrokerOrder> place_after_market(const domain::OrderTerms& order,
                                         const domain::ClientTag& tag, domain::TimeNs now,
                                         domain::TimeNs opens_at);
  // Changes quantity, price or trigger of a working order; never below what has filled.
  Result<BrokerOrder> modify(const domain::BrokerOrderId& id, const domain::OrderTerms& order,
                             domain::TimeNs now);
  Result<BrokerOrder> cancel(const domain::BrokerOrderId& id, domain::TimeNs now);

  // Fills everything that can fill by `now` at the current reference prices; returns the
  // orders that changed, in order id order.
  std::vector<BrokerOrder> advance(domain::TimeNs now);

  // Visits every order changed (placed, modified, cancelled, filled) since the last call, in
  // order id order, once each in its latest state, and forgets them: what a broker pushes
  // on its order stream. A book never asked keeps their sequence numbers, as it keeps the
  // orders themselves.
  template <class Visit>
  void take_changed(Visit&& visit) {
    for (uint64_t seq : changed_) visit(orders_.at(seq).order);
    changed_.clear();
  }

  std::vector<BrokerOrder> order_book() const;
  // Every order, in order id order, without copying the book.
  template <class Visit>
  void for_each_order(Visit&& visit) const {
    for (const auto& [seq, w] : orders_) visit(w.order);
  }
  std::vector<BrokerTrade> trades() const { return trades_; }
  // Net positions from the fills, per instrument and product; the average price is that of
  // the fills that built the open side.
  std::vector<domain::BrokerPosition> positions() const;
  // The same positions with what was bought and sold behind each, marked at the current
  // reference price (a broker's position book).
  std::vector<PositionDetail> position_details() const;
  // The first order placed with `tag`.
  std::optional<BrokerOrder> find_by_tag(const domain::ClientTag& tag) const;
  // Every state the order was in (placed, each fill, each modify, its end), oldest first, as
  // a broker's order history lists them; empty when the book has no such order.
  std::vector<BrokerOrder> history_of(const domain::BrokerOrderId& id) const;
  // Puts back an order as it was (its id, what had filled, its state), fillable from `now`:
  // a paper book lives in memory, and after a restart the engine rebuilds it from the
  // journal (Engine::start), so that later modifies and cancels find their orders.
  // REQUIRES: order.order_id is "P<n>" and not in the book.
  void restore(const BrokerOrder& order, domain::TimeNs now);

 private:
  struct Working {
    BrokerOrder order;
    domain::TimeNs fillable_at = 0;
    std::vector<BrokerOrder> history;  // every state it was in, oldest first
  };
  Result<BrokerOrder> place_one(const domain::OrderTerms& order, const domain::ClientTag& tag,
                                domain::TimeNs now, domain::TimeNs opens_at = 0);
  Status check_new(const domain::OrderTerms& order, const domain::ClientTag& tag) const;
  bool try_fill(Working& w, domain::TimeNs now);
  bool cancel_ioc_rest(Working& w, domain::TimeNs now);
  domain::TimeNs jitter(const domain::ClientTag& tag) const;

  PaperConfig config_;
  std::map<domain::InstrumentKey, int64_t> prices_;
  std::map<uint64_t, Working> orders_;  // by sequence: ids are "P<sequence>"
  // Only these can still fill, so advance() costs the working orders, not the whole day's.
  std::set<uint64_t> working_;
  std::set<uint64_t> changed_;  // since the last take_changed()
  std::map<domain::ClientTag, uint64_t> by_tag_;
  std::vector<BrokerTrade> trades_;
  uint64_t next_ = 1;
};

}  // namespace tandem::brokers
