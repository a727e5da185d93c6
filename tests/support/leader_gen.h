// Generated leader trading for property tests: a small leader that opens, fills, modifies
// and cancels orders in two instruments, plus broker steps and new trading days, driven
// through CopySim so that every history is one decide() and evolve() really produce.
#pragma once

#include <rapidcheck.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/support/copy_sim.h"

namespace tandem::testing {

struct LeaderOp {
  enum Kind : int { open = 0, fill, modify, cancel, broker, day, price };
  int kind = open;
  int order = 0;       // which of the leader's orders (modulo their count)
  int instrument = 0;  // 0 the option (lot 75), 1 the equity
  bool buy = true;
  int lots = 1;   // 1..4
  int pct = 100;  // how much of the rest a fill fills; a price: pct of the fill price
  bool limit = false;
  bool recovered = false;  // the update reached Tandem through a recovery, not live
};

inline void showValue(const LeaderOp& op, std::ostream& os) {
  static constexpr const char* kKinds[] = {"open",   "fill", "modify", "cancel",
                                           "broker", "day",  "price"};
  os << kKinds[op.kind] << "(order " << op.order << " inst " << op.instrument
     << (op.buy ? " buy " : " sell ") << op.lots << " lots " << op.pct << "%"
     << (op.limit ? " limit" : "") << (op.recovered ? " recovered" : "") << ")";
}

// with_prices: PriceSnapshots of the instruments at 1%..200% of the fill price, which drive
// the daily loss guard.
inline rc::Gen<LeaderOp> leader_op(bool with_days = true, bool with_prices = true) {
  return rc::gen::build<LeaderOp>(
      rc::gen::set(&LeaderOp::kind,
                   rc::gen::weightedElement<int>({{6, LeaderOp::open},
                                                  {6, LeaderOp::fill},
                                                  {2, LeaderOp::modify},
                                                  {2, LeaderOp::cancel},
                                                  {3, LeaderOp::broker},
                                                  {with_days ? 1 : 0, LeaderOp::day},
                                                  {with_prices ? 3 : 0, LeaderOp::price}})),
      rc::gen::set(&LeaderOp::order, rc::gen::inRange(0, 50)),
      rc::gen::set(&LeaderOp::instrument, rc::gen::inRange(0, 2)), rc::gen::set(&LeaderOp::buy),
      rc::gen::set(&LeaderOp::lots, rc::gen::inRange(1, 5)),
      rc::gen::set(&LeaderOp::pct, rc::gen::inRange(1, 201)), rc::gen::set(&LeaderOp::limit),
      rc::gen::set(&LeaderOp::recovered, rc::gen::weightedElement<bool>({{4, false}, {1, true}})));
}

inline rc::Gen<domain::FollowerSettings> follower_settings(const std::string& id) {
  using namespace domain;
  return rc::gen::build<FollowerSettings>(
      rc::gen::set(&FollowerSettings::follower, rc::gen::just(FollowerId{id})),
      rc::gen::set(&FollowerSettings::account, rc::gen::just(AccountId{id})),
      rc::gen::set(&FollowerSettings::sizing,
                   rc::gen::element(SizingPolicy::multiplier, SizingPolicy::fixed_ratio,
                                    SizingPolicy::capital_proportional)),
      rc::gen::set(&FollowerSettings::ratio_ppm,
                   rc::gen::element<int64_t>(330'000, 500'000, 1'000'000, 1'500'000, 2'000'000)),
      rc::gen::set(&FollowerSettings::carry_remainder),
      rc::gen::set(&FollowerSettings::max_position_units,
                   rc::gen::element<int64_t>(0, 75, 150, 300)),
      rc::gen::set(&FollowerSettings::max_daily_trades, rc::gen::element<int64_t>(0, 1, 3)),
      rc::gen::set(&FollowerSettings::reverse,
                   rc::gen::weightedElement<bool>({{9, false}, {1, true}})),
      rc::gen::set(&FollowerSettings::copy_on, rc::gen::element(CopyOn::placement, CopyOn::fill)),
      rc::gen::set(&FollowerSettings::late_events,
                   rc::gen::element(LateEvents::skip, LateEvents::copy, LateEvents::converge)),
      rc::gen::set(&FollowerSettings::max_daily_loss_paise,
                   rc::gen::element<int64_t>(0, 0, 1'000'00, 20'000'00)),
      rc::gen::set(&FollowerSettings::daily_profit_target_paise,
                   rc::gen::element<int64_t>(0, 0, 5'000'00)),
      rc::gen::set(&FollowerSettings::loss_guard_action,
                   rc::gen::element(LossGuardAction::exits_only, LossGuardAction::stop,
                                    LossGuardAction::flatten)));
}

// The leader's side of the simulation: its orders and the clock.
class LeaderModel {
 public:
  struct Order {
    domain::LeaderOrderUpdate last;
    bool working() const { return !domain::is_final(last.status); }
  };

  // Applies one op to `sim`: a leader order update, a broker step or a new trading day.
  // Returns the leader update it produced, if any.
  std::optional<domain::LeaderOrderUpdate> step(const LeaderOp& op, CopySim& sim) {
    using namespace domain;
    now_ += 1'000'000'000;
    switch (op.kind) {
      case LeaderOp::broker:
        sim.broker_step();
        return std::nullopt;
      case LeaderOp::day: {
        // The next weekday: trading days only move forward.
        do {
          ++day_offset_;
        } while ((day_offset_ + 4) % 7 >= 5);  // day 0 is a Friday (weekday index 4)
        const TimeNs ten_am = kSimTenAm + int64_t{day_offset_} * 86'400'000'000'000;
        sim.apply(TradingDayOpened{ist_trading_day(ten_am)});
        now_ = ten_am;
        return std::nullopt;
      }
      case LeaderOp::price: {
        const Instrument inst = op.instrument == 0 ? sim_option() : sim_equity();
        sim.apply(PriceSnapshot{{{inst.key, kSimPricePaise * op.pct / 100}}, now_});
        return std::nullopt;
      }
      case LeaderOp::open: {
        const Instrument inst = op.instrument == 0 ? sim_option() : sim_equity();
        LeaderOrderUpdate u =
            leader_order("L" + std::to_string(next_id_++), inst, op.buy ? Side::buy : Side::sell,
                         op.lots * inst.lot_size_units, OrderStatus::open, 0, now_);
        if (op.limit) {
          u.order_type = OrderType::limit;
          u.price_paise = kSimPricePaise;
        }
        u.recovered = op.recovered;
        orders_.push_back({u});
        return emit(orders_.back(), sim);
      }
      default:
        break;
    }
    Order* order = pick(op.order);
    if (order == nullptr) return std::nullopt;
    LeaderOrderUpdate& u = order->last;
    u.exchange_time_ns = now_;
    u.received_time_ns = now_ + 2'000'000;
    u.recovered = op.recovered;
    const int64_t lot = u.instrument.exchange == Exchange::nfo ? 75 : 1;
    if (op.kind == LeaderOp::fill) {
      const int64_t rest = u.quantity_units - u.filled_units;
      const int64_t lots = std::max<int64_t>(1, rest / lot * op.pct / 100);
      u.filled_units += std::min(rest, lots * lot);
      u.average_price_paise = kSimPricePaise;
      u.status = u.filled_units == u.quantity_units ? OrderStatus::complete : OrderStatus::open;
    } else if (op.kind == LeaderOp::modify) {
      u.quantity_units = std::max<int64_t>(u.filled_units + lot, op.lots * lot);
      if (u.order_type == OrderType::limit) u.price_paise = kSimPricePaise - op.lots * 5;
    } else {
      u.status = OrderStatus::cancelled;
    }
    return emit(*order, sim);
  }

 private:
  Order* pick(int index) {
    std::vector<Order*> working;
    for (auto& o : orders_) {
      if (o.working()) working.push_back(&o);
    }
    return working.empty() ? nullptr : working[index % working.size()];
  }
  std::optional<domain::LeaderOrderUpdate> emit(const Order& o, CopySim& sim) {
    sim.apply(o.last);
    return o.last;
  }

  std::vector<Order> orders_;
  int next_id_ = 1;
  int day_offset_ = 0;  // days after kSimDay
  domain::TimeNs now_ = kSimTenAm;
};

}  // namespace tandem::testing
