// A harness for the pure core: feeds leader events through decide() and evolve() exactly as
// the engine and replay do (decide on the state before the event, then fold the event, then
// fold each decision), and plays a simple broker for follower intents: it acknowledges every
// intent and, when asked, fills places completely, applies modifies and cancels.
// Test code for pure functions; the product's broker simulator lives in brokers/sim.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "copy/decide.h"

namespace tandem::domain {
// gtest printers: enum names instead of raw bytes in failure messages.
inline void PrintTo(CopyAction v, std::ostream* os) { *os << to_string(v); }
inline void PrintTo(SkipReason v, std::ostream* os) { *os << to_string(v); }
inline void PrintTo(Clamp v, std::ostream* os) { *os << to_string(v); }
inline void PrintTo(Side v, std::ostream* os) { *os << to_string(v); }
inline void PrintTo(const ClientTag& v, std::ostream* os) { *os << v.value; }
}  // namespace tandem::domain

namespace tandem::testing {

inline constexpr domain::TradingDay kSimDay = 20261120;                 // a Friday
inline constexpr domain::TimeNs kSimTenAm = 1'795'149'000'000'000'000;  // 10:00 IST that day
inline constexpr int64_t kSimPricePaise = 100'00;

inline domain::Instrument sim_option() {
  domain::Instrument i;
  i.key = {domain::Exchange::nfo, "NIFTY26N2423500CE"};
  i.underlying = "NIFTY";
  i.segment = domain::Segment::derivatives;
  i.lot_size_units = 75;
  i.tick_size_paise = 5;
  return i;
}

inline domain::Instrument sim_equity() {
  domain::Instrument i;
  i.key = {domain::Exchange::nse, "INFY"};
  i.underlying = "INFY";
  i.segment = domain::Segment::equity;
  i.lot_size_units = 1;
  return i;
}

inline domain::FollowerSettings sim_follower(
    const std::string& id, domain::SizingPolicy policy = domain::SizingPolicy::multiplier,
    int64_t ratio_ppm = domain::kPpm) {
  domain::FollowerSettings f;
  f.follower = {id};
  f.account = {id};
  f.sizing = policy;
  f.ratio_ppm = ratio_ppm;
  return f;
}

class CopySim {
 public:
  explicit CopySim(bool auto_fill = true) : auto_fill_(auto_fill) {}

  // Leader, calendar, day, instruments and funds; then the followers (funded unless
  // follower_funds_paise is 0).
  void setup(const std::vector<domain::FollowerSettings>& followers,
             int64_t follower_funds_paise = 10'00'000'00) {
    using namespace domain;
    apply(LeaderConfigured{{"leader"}, Broker::kite, {}, {}});
    apply(MarketCalendarConfigured{});
    apply(TradingDayOpened{kSimDay});
    apply(InstrumentSnapshot{sim_option()});
    apply(InstrumentSnapshot{sim_equity()});
    apply(FundsSnapshot{{"leader"}, 20'00'000'00});
    for (const auto& f : followers) {
      apply(FollowerConfigured{f});
      if (follower_funds_paise > 0) apply(FundsSnapshot{f.account, follower_funds_paise});
    }
  }

  // step(): the event and its decisions folded and journaled; returns the decisions.
  std::vector<domain::Event> apply(const domain::Event& event) {
    std::vector<domain::Event> decisions = domain::step(state_, event);
    journal_.push_back(event);
    for (const auto& d : decisions) {
      journal_.push_back(d);
      if (const auto* intent = std::get_if<domain::FollowerOrderIntent>(&d)) {
        pending_.push_back(*intent);
      }
    }
    if (auto_fill_ && !in_broker_) broker_step();
    return decisions;
  }

  // The broker works every intent it holds; with fill_places false it only acknowledges
  // new orders and leaves them open.
  void broker_step(bool fill_places = true) {
    using namespace domain;
    in_broker_ = true;
    while (!pending_.empty()) broker_round(fill_places);
    in_broker_ = false;
  }

  // Every broker answer is an input: it goes through step(), and what it decides (a
  // convergence order) is worked in the next round.
  void broker_round(bool fill_places) {
    using namespace domain;
    std::vector<FollowerOrderIntent> work;
    work.swap(pending_);
    for (const auto& intent : work) {
      if (intent.action == CopyAction::place) {
        const BrokerOrderId id{"B" + std::to_string(next_broker_id_++)};
        record(FollowerOrderAck{intent.tag, intent.follower, id});
        if (!fill_places) {
          record(FollowerOrderUpdate{intent.tag, intent.follower, id, OrderStatus::open, 0, 0, 0,
                                     intent.order.quantity_units});
          continue;
        }
        const int64_t price =
            intent.order.price_paise > 0 ? intent.order.price_paise : kSimPricePaise;
        record(FollowerOrderUpdate{intent.tag, intent.follower, id, OrderStatus::complete,
                                   intent.order.quantity_units, price, 0,
                                   intent.order.quantity_units});
        continue;
      }
      const auto target = state_.orders.follower.find(intent.target_tag);
      if (target == state_.orders.follower.end() || is_final(target->second.status)) continue;
      const auto& known = target->second;
      if (intent.action == CopyAction::cancel) {
        record(FollowerOrderUpdate{intent.target_tag, intent.follower, intent.target_order_id,
                                   OrderStatus::cancelled, known.filled_units,
                                   known.average_price_paise, 0, known.quantity_units});
      } else {
        record(FollowerOrderUpdate{intent.target_tag, intent.follower, intent.target_order_id,
                                   OrderStatus::open, known.filled_units, known.average_price_paise,
                                   0, intent.order.quantity_units});
      }
    }
  }

  void record(const domain::Event& e) { apply(e); }
  // An input that may decide (a follower's order report): its decisions.
  std::vector<domain::Event> record_and_decide(const domain::Event& e) { return apply(e); }

  const domain::CopyState& state() const { return state_; }
  const std::vector<domain::Event>& journal() const { return journal_; }
  int64_t position(const std::string& account, const domain::InstrumentKey& i,
                   domain::Product product = domain::Product::intraday) const {
    return state_.positions.net({{account}, {}}, i, product);
  }

 private:
  bool auto_fill_;
  domain::CopyState state_;
  std::vector<domain::Event> journal_;
  std::vector<domain::FollowerOrderIntent> pending_;
  int64_t next_broker_id_ = 1;
  bool in_broker_ = false;
};

// A leader order update with the usual defaults (intraday, day validity, at 10:00 IST).
inline domain::LeaderOrderUpdate leader_order(const std::string& id, const domain::Instrument& i,
                                              domain::Side side, int64_t qty,
                                              domain::OrderStatus status, int64_t filled = 0,
                                              domain::TimeNs at = kSimTenAm) {
  domain::LeaderOrderUpdate u;
  u.order_id = {id};
  u.instrument = i.key;
  u.side = side;
  u.order_type = domain::OrderType::market;
  u.product = domain::Product::intraday;
  u.quantity_units = qty;
  u.filled_units = filled;
  u.average_price_paise = filled > 0 ? kSimPricePaise : 0;
  u.status = status;
  u.exchange_time_ns = at;
  u.received_time_ns = at + 2'000'000;
  return u;
}

// The CopyDecisions among events.
inline std::vector<domain::CopyDecision> decisions_of(const std::vector<domain::Event>& events) {
  std::vector<domain::CopyDecision> out;
  for (const auto& e : events) {
    if (const auto* d = std::get_if<domain::CopyDecision>(&e)) out.push_back(*d);
  }
  return out;
}

// The short day the replay tests share: followers a (multiplier 2) and b (fixed ratio 1/2);
// the leader buys 150 of an option, then sells `sold`, both filled.
inline std::vector<domain::Event> two_follower_day(int64_t sold = 150) {
  CopySim sim;
  sim.setup({sim_follower("a", domain::SizingPolicy::multiplier, 2 * domain::kPpm),
             sim_follower("b", domain::SizingPolicy::fixed_ratio, domain::kPpm / 2)});
  const auto option = sim_option();
  sim.apply(leader_order("L1", option, domain::Side::buy, 150, domain::OrderStatus::complete, 150));
  sim.apply(
      leader_order("L2", option, domain::Side::sell, sold, domain::OrderStatus::complete, sold));
  return sim.journal();
}

}  // namespace tandem::testing
