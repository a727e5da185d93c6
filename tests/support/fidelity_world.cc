#include "tests/support/fidelity_world.h"

#include <cstdlib>

#include "copy/loss_guard.h"
#include "copy/value_or.h"

namespace tandem::testing::fidelity {

namespace {

int direction(d::Side side) { return side == d::Side::buy ? 1 : -1; }

int64_t lot_of(const d::InstrumentKey& i) { return i.exchange == d::Exchange::nfo ? 75 : 1; }

constexpr d::TimeNs kClose = kOpen + (6 * 60 + 15) * 60 * 1'000'000'000LL;  // 15:30 IST
constexpr int64_t kLeaderFunds = 20'00'000'00;
constexpr int64_t kPrice = 100'00;

}  // namespace

d::LeaderOrderUpdate update_of(const BookOrder& o, d::TimeNs at) {
  d::LeaderOrderUpdate u;
  u.leader = {o.leader};
  u.order_id = {o.id};
  u.status = o.status;
  u.instrument = o.instrument;
  u.side = o.side;
  u.order_type = o.type;
  u.product = o.product;
  u.quantity_units = o.qty;
  u.filled_units = o.filled;
  u.price_paise = o.price;
  u.average_price_paise = o.filled > 0 ? o.avg : 0;
  u.exchange_time_ns = at;
  u.received_time_ns = at;
  return u;
}

// The order as the leader's order book shows it now, read after a gap.
d::LeaderOrderUpdate World::recovered_report(const BookOrder& o) const {
  d::LeaderOrderUpdate u = update_of(o, now_);
  u.recovered = true;
  return u;
}

std::string pair_key(const std::string& follower, const d::InstrumentKey& i, d::Product p) {
  return follower + ":" + d::to_text(i) + ":" + std::string(d::to_string(p));
}

void World::fail(const std::string& what) {
  if (!violation_.empty()) return;
  std::ostringstream os;
  os << what << "\n  at " << (now_ - kOpen) / kMs << " ms after the open; reproduce with "
     << "TANDEM_FIDELITY_SEED=" << seed_ << "\n  followers:";
  for (const auto& f : followers_) {
    os << "\n    " << f.follower.value << " of '" << f.leader.value << "' "
       << d::to_string(f.sizing) << " ratio_ppm " << f.ratio_ppm << " pct_bp "
       << f.max_position_pct_bp << " carry " << f.carry_remainder << " reverse " << f.reverse
       << " max_pos " << f.max_position_units << " max_trades " << f.max_daily_trades << " copy_on "
       << (f.copy_on == d::CopyOn::fill ? "fill" : "placement") << " late "
       << static_cast<int>(f.late_events) << " window " << f.copy_window_start_min << "-"
       << f.copy_window_end_min << " max_order_value " << f.max_order_value_paise
       << " staleness_ms " << f.staleness_limit_ms << " catch_up_ms " << f.catch_up_ms
       << " max_daily_loss " << f.max_daily_loss_paise << " profit_target "
       << f.daily_profit_target_paise << " guard_action " << static_cast<int>(f.loss_guard_action);
  }
  violation_ = os.str();
}

// ---------------------------------------------------------------- setup

// What a follower's sizing is drawn from, at the start and at a restart with new settings.
constexpr d::SizingPolicy kPolicies[] = {d::SizingPolicy::multiplier, d::SizingPolicy::fixed_ratio,
                                         d::SizingPolicy::capital_proportional,
                                         d::SizingPolicy::risk_based};
constexpr int64_t kRatios[] = {330'000, 500'000, 1'000'000, 1'500'000, 2'000'000};

d::FollowerSettings World::draw_follower(const std::string& id) {
  d::FollowerSettings f = sim_follower(id, kPolicies[uniform(0, 3)], kRatios[uniform(0, 4)]);
  f.max_position_pct_bp = 100 * uniform(1, 10);
  f.carry_remainder = chance(0.5);
  f.reverse = chance(0.15);
  if (chance(0.25)) f.max_position_units = 75 * uniform(1, 6);
  if (chance(0.2)) f.max_daily_trades = uniform(5, 30);
  if (chance(0.15)) f.copy_on = d::CopyOn::fill;
  f.late_events = static_cast<d::LateEvents>(uniform(0, 2));
  // Entry limits that a day crosses: a copy window that opens late (a tick converges at its
  // opening) or closes early, an order value cap that cuts orders (the rest goes as each
  // part fills), a staleness limit that late reports exceed. Exits go through all of them.
  if (chance(0.15)) {
    const bool late = chance(0.5);
    coverage_.late_windows += late;
    f.copy_window_start_min = static_cast<int32_t>(9 * 60 + 15 + (late ? uniform(1, 150) : 0));
    f.copy_window_end_min = static_cast<int32_t>(f.copy_window_start_min + uniform(45, 360));
  }
  // Some followers catch up at market on a copy that has not filled this long after the
  // leader's order did (the broker below leaves some limit copies unfilled).
  if (chance(0.3)) f.catch_up_ms = uniform(1'000, 120'000);
  // 5% above whole lots, so the leader's price noise (±2.5%) never takes a lot away: the cap
  // cuts orders and never refuses one (a refusal that a later price lifts is not re-decided
  // until the next leader fill there; see docs/domain.md).
  if (chance(0.15)) {
    f.max_order_value_paise = kPrice * option_.lot_size_units * uniform(1, 4) * 105 / 100;
  }
  if (chance(0.1)) f.staleness_limit_ms = uniform(1'000, 60'000);
  // A daily loss guard that the day's prices may trip: its action holds entries (or, with
  // flatten, closes every position the leader holds); exits still go.
  if (chance(0.25)) {
    f.max_daily_loss_paise = uniform(200, 5'000) * 100;
    if (chance(0.3)) f.daily_profit_target_paise = uniform(500, 10'000) * 100;
    f.loss_guard_action = static_cast<d::LossGuardAction>(uniform(0, 2));
  }
  return f;
}

const d::FollowerSettings& World::follower_named(const std::string& id) const {
  for (const d::FollowerSettings& f : followers_) {
    if (f.follower.value == id) return f;
  }
  std::abort();  // every follower id the core names is configured
}

const World::Leader& World::leader_named(const std::string& name) const {
  for (const Leader& l : leaders_) {
    if (l.name == name) return l;
  }
  std::abort();  // every order and follower names a configured leader
}

void World::configure() {
  const int n = static_cast<int>(uniform(2, 4));
  if (shape_.max_leaders <= 1) {
    leaders_.push_back({"", d::AccountId{"leader"}, ""});
    for (int k = 0; k < n; ++k) followers_.push_back(draw_follower("f" + std::to_string(k)));
  } else {
    static const char* kNames[] = {"alpha", "beta", "gamma", "delta"};
    static const char* kCodes[] = {"A", "B", "G", "D"};
    const int count = static_cast<int>(uniform(2, std::min(shape_.max_leaders, 4)));
    for (int k = 0; k < count; ++k) {
      leaders_.push_back({kNames[k], d::AccountId{std::string("L") + kCodes[k]}, kCodes[k]});
    }
    coverage_.leaders += count;
    for (int k = 0; k < n; ++k) {
      const std::string account = "f" + std::to_string(k);
      std::vector<const Leader*> follows;
      for (const Leader& l : leaders_) {
        if (chance(0.6)) follows.push_back(&l);
      }
      if (follows.empty() || (k == 0 && follows.size() < 2)) {  // one account shares, at least
        follows.clear();
        for (const Leader& l : leaders_) follows.push_back(&l);
      }
      coverage_.shared_accounts += follows.size() > 1;
      const size_t first = followers_.size();
      for (const Leader* l : follows) {
        d::FollowerSettings f = draw_follower(account + "@" + l->name);
        f.account = {account};
        f.leader = {l->name};
        if (followers_.size() > first) {  // the account-wide limits are the account's
          const d::FollowerSettings& a = followers_[first];
          f.max_daily_trades = a.max_daily_trades;
          f.max_order_value_paise = a.max_order_value_paise;
          f.max_daily_loss_paise = a.max_daily_loss_paise;
          f.daily_profit_target_paise = a.daily_profit_target_paise;
          f.loss_guard_action = a.loss_guard_action;
        }
        followers_.push_back(f);
      }
    }
  }
  // Some days the option has a freeze quantity that the larger copies exceed: the core must
  // slice them (the exchange refuses an order above it; here that is a violation).
  if (chance(0.3)) option_.freeze_qty_units = option_.lot_size_units * uniform(2, 8);
  for (const Leader& l : leaders_) {
    engine_step(d::LeaderConfigured{l.account, d::Broker::kite, {l.name}, l.tag_code});
  }
  engine_step(d::MarketCalendarConfigured{});
  engine_step(d::TradingDayOpened{kSimDay});
  engine_step(d::InstrumentSnapshot{option_});
  engine_step(d::InstrumentSnapshot{equity_});
  for (const Leader& l : leaders_) engine_step(d::FundsSnapshot{l.account, kLeaderFunds});
  for (const auto& f : followers_) {
    engine_step(d::FollowerConfigured{f});
    if (std::find(accounts_.begin(), accounts_.end(), f.account) != accounts_.end()) continue;
    accounts_.push_back(f.account);
    engine_step(d::FundsSnapshot{f.account, uniform(2, 20) * 1'00'000'00});
  }
}

// ---------------------------------------------------------------- the leader

int64_t World::leader_net(const std::string& leader, const d::InstrumentKey& i,
                          d::Product p) const {
  int64_t net = 0;
  for (const auto& [id, o] : leader_book_) {
    if (o.leader == leader && o.instrument == i && o.product == p)
      net += direction(o.side) * o.filled;
  }
  return net;
}

BookOrder& World::new_leader_order(const std::string& leader, const d::Instrument& i, d::Product p,
                                   d::Side side, int64_t qty, d::OrderType type) {
  BookOrder o;
  // Qualified by the leader when there are several, as the engine journals them.
  o.id = (leader.empty() ? "" : leader + ":") + "L" + std::to_string(leader_ids_++);
  o.leader = leader;
  o.instrument = i.key;
  o.product = p;
  o.side = side;
  o.type = type;
  o.qty = qty;
  o.price = type == d::OrderType::limit ? kPrice : 0;
  o.status = type == d::OrderType::stop_loss_market ? d::OrderStatus::trigger_pending
                                                    : d::OrderStatus::open;
  BookOrder& placed = leader_book_[o.id] = o;
  report_leader(placed);
  return placed;
}

void World::fill_leader(const std::string& id, int64_t units) {
  BookOrder& o = leader_book_.at(id);
  if (!o.working()) return;
  units = std::min(units, o.qty - o.filled);
  if (units <= 0) return;
  o.avg = kPrice + uniform(-50, 50) * 5;
  o.filled += units;
  if (o.filled == o.qty) {
    o.status = d::OrderStatus::complete;
    leader_done_at_[id] = now_;
  } else
    o.status = d::OrderStatus::open;
  report_leader(o);
}

// Fills an order in one to three parts, `first_ms` to `last_ms` from now.
void World::report_leader(const BookOrder& o) {
  const int version = ++leader_versions_[o.id];
  ++leader_reports_in_flight_[o.id];
  d::LeaderOrderUpdate u = update_of(o, now_);
  at(later(1, 40), [this, u, version] {
    --leader_reports_in_flight_[u.order_id.value];
    const bool last = leader_versions_[u.order_id.value] == version;
    if (!last && chance(shape_.merge_reports)) {  // folded into a later report
      ++coverage_.merged_reports;
      return;
    }
    if (streams_down_.contains(u.leader.value)) {
      changed_while_down_[u.leader.value].insert(u.order_id.value);
      return;
    }
    d::LeaderOrderUpdate delivered = u;
    delivered.received_time_ns = now_;
    deliver(delivered);
  });
}

void World::leader_action() {
  // With one leader, no draw: a day of one leader is the day it was before many leaders.
  const std::string leader =
      leaders_.size() == 1 ? leaders_[0].name
                           : leaders_[uniform(0, static_cast<int64_t>(leaders_.size()) - 1)].name;
  const d::Instrument& inst = chance(0.5) ? option_ : equity_;
  const d::Product product = chance(0.5) ? d::Product::intraday : d::Product::carry_forward;
  const int64_t lot = inst.lot_size_units;
  const int64_t net = leader_net(leader, inst.key, product);
  std::vector<std::string> working;
  for (const auto& [id, o] : leader_book_) {
    if (o.leader == leader && o.working() && o.instrument == inst.key && o.product == product)
      working.push_back(id);
  }
  const int kind = static_cast<int>(uniform(0, 9));
  if (kind <= 2 || (net == 0 && kind <= 6)) {  // a market entry (or add)
    const d::Side side = chance(0.5) ? d::Side::buy : d::Side::sell;
    BookOrder& o =
        new_leader_order(leader, inst, product, side, lot * uniform(1, 4), d::OrderType::market);
    const std::string id = o.id;
    const int parts = static_cast<int>(uniform(1, 3));
    for (int k = 0; k < parts; ++k) {
      at(later(1 + 5 * k, 10 + 20 * k), [this, id, lot, parts, k] {
        const BookOrder& b = leader_book_.at(id);
        fill_leader(id,
                    k + 1 == parts ? b.qty : std::max<int64_t>(lot, (b.qty / parts) / lot * lot));
      });
    }
    return;
  }
  if (kind <= 4) {  // an exit: half, all, or a reversal
    const int64_t held = net < 0 ? -net : net;
    const int64_t qty =
        std::max<int64_t>(lot, (uniform(0, 2) == 0 ? held / 2 : held * uniform(1, 2)) / lot * lot);
    coverage_.reversals += qty > held;
    BookOrder& o = new_leader_order(leader, inst, product, net > 0 ? d::Side::sell : d::Side::buy,
                                    qty, d::OrderType::market);
    const std::string id = o.id;
    at(later(1, 15), [this, id] { fill_leader(id, leader_book_.at(id).qty); });
    return;
  }
  if (kind == 5) {  // a stop-loss for the position: it triggers, or is cancelled for an exit
    const int64_t held = net < 0 ? -net : net;
    BookOrder& o = new_leader_order(leader, inst, product, net > 0 ? d::Side::sell : d::Side::buy,
                                    held, d::OrderType::stop_loss_market);
    const std::string id = o.id;
    if (chance(0.5)) {
      at(later(1'000, 400'000), [this, id] { fill_leader(id, leader_book_.at(id).qty); });
    } else {
      // Cancelled, and at once an exit at market (the stop-loss's cancel still in flight).
      at(later(1'000, 400'000), [this, id, inst, product, leader] {
        BookOrder& sl = leader_book_.at(id);
        if (!sl.working()) return;
        sl.status = d::OrderStatus::cancelled;
        report_leader(sl);
        ++coverage_.stop_cancel_races;
        const int64_t now_net = leader_net(leader, inst.key, product);
        if (now_net == 0) return;
        BookOrder& exit =
            new_leader_order(leader, inst, product, now_net > 0 ? d::Side::sell : d::Side::buy,
                             now_net > 0 ? now_net : -now_net, d::OrderType::market);
        const std::string exit_id = exit.id;
        at(later(0, 5), [this, exit_id] { fill_leader(exit_id, leader_book_.at(exit_id).qty); });
      });
    }
    return;
  }
  if (kind == 6) {  // a limit order that fills in parts later
    BookOrder& o =
        new_leader_order(leader, inst, product, chance(0.5) ? d::Side::buy : d::Side::sell,
                         lot * uniform(1, 4), d::OrderType::limit);
    const std::string id = o.id;
    const int parts = static_cast<int>(uniform(1, 3));
    for (int k = 0; k < parts; ++k) {
      at(later(500, 300'000), [this, id, lot] { fill_leader(id, lot * uniform(1, 2)); });
    }
    return;
  }
  if (working.empty()) return;
  BookOrder& o = leader_book_.at(working[uniform(0, static_cast<int64_t>(working.size()) - 1)]);
  if (kind <= 8 && o.type != d::OrderType::market) {  // modified
    const int64_t qty = std::max(o.filled + lot, lot * uniform(1, 5));
    if (qty == o.qty) return;
    o.qty = qty;
    report_leader(o);
    if (chance(0.3)) {  // and filled at once: the change may reach the engine with COMPLETE
      const std::string id = o.id;
      ++coverage_.merged_final_changes;
      at(later(0, 3), [this, id] { fill_leader(id, leader_book_.at(id).qty); });
    }
    return;
  }
  o.status = d::OrderStatus::cancelled;  // cancelled
  report_leader(o);
}

// The leader's stream is down a while; its gap fill then reports every order that changed.
void World::drop_stream(const std::string& leader) {
  streams_down_.insert(leader);
  ++coverage_.stream_drops;
  at(later(500, 90'000), [this, leader] {
    streams_down_.erase(leader);
    std::set<std::string> changed;
    changed.swap(changed_while_down_[leader]);
    reconciling_ = true;  // checked once every recovered report is in
    for (const std::string& id : changed) deliver(recovered_report(leader_book_.at(id)));
    reconciling_ = false;
    check_settled();
  });
}

bool World::streams_up() const {
  if (!streams_down_.empty()) return false;
  for (const auto& [leader, changed] : changed_while_down_) {
    if (!changed.empty()) return false;
  }
  return true;
}

// ---------------------------------------------------------------- the followers' broker

void World::report_follower(const BookOrder& o) {
  const std::string pair = pair_key(o.follower, o.instrument, o.product);
  ++follower_in_flight_[pair];
  d::FollowerOrderUpdate u{d::ClientTag{o.id},
                           d::FollowerId{o.follower},
                           d::BrokerOrderId{"B" + o.id},
                           o.status,
                           o.filled,
                           o.filled > 0 ? o.avg : 0,
                           now_,
                           o.qty};
  at(later(1, 40), [this, u, pair] {
    --follower_in_flight_[pair];
    deliver(u);
  });
}

void World::fill_follower(const std::string& tag, int64_t units) {
  BookOrder& o = follower_book_.at(tag);
  if (!o.working()) return;
  units = std::min(units, o.qty - o.filled);
  if (units <= 0) return;
  o.avg = kPrice;
  o.filled += units;
  o.status = o.filled == o.qty ? d::OrderStatus::complete : d::OrderStatus::open;
  report_follower(o);
}

void World::broker_receive(const d::FollowerOrderIntent& intent) {
  const std::string pair =
      pair_key(intent.follower.value, intent.order.instrument, intent.order.product);
  auto refuse = [&](const d::ClientTag& tag) {
    ++coverage_.broker_rejections;
    broker_rejected_.insert(tag.value);
    rejected_pairs_.insert(pair);
    ++follower_in_flight_[pair];
    const d::FollowerOrderRejected r{tag, intent.follower, d::OrderFailure::rejected,
                                     "the simulated broker refused it"};
    at(later(1, 30), [this, r, pair] {
      --follower_in_flight_[pair];
      deliver(r);
    });
  };
  if (intent.action != d::CopyAction::cancel && intent.order.instrument == option_.key &&
      option_.freeze_qty_units > 0 && intent.order.quantity_units > option_.freeze_qty_units) {
    return fail(pair + ": an order of " + std::to_string(intent.order.quantity_units) +
                " units reached the broker, above the freeze quantity " +
                std::to_string(option_.freeze_qty_units) + " (the exchange refuses it)");
  }
  if (intent.action == d::CopyAction::place) {
    if (follower_book_.contains(intent.tag.value) || broker_rejected_.contains(intent.tag.value)) {
      return;  // a tag the broker has already: never a second order
    }
    if (chance(shape_.reject_follower)) return refuse(intent.tag);
    BookOrder o;
    o.id = intent.tag.value;
    o.follower = intent.follower.value;
    o.instrument = intent.order.instrument;
    o.product = intent.order.product;
    o.side = intent.order.side;
    o.type = intent.order.order_type;
    o.qty = intent.order.quantity_units;
    o.price = intent.order.price_paise;
    const bool stop = o.type == d::OrderType::stop_loss || o.type == d::OrderType::stop_loss_market;
    o.status = stop ? d::OrderStatus::trigger_pending : d::OrderStatus::open;
    follower_book_[o.id] = o;
    ++follower_in_flight_[pair];
    const d::FollowerOrderAck ack{intent.tag, intent.follower, d::BrokerOrderId{"B" + o.id}};
    at(later(1, 20), [this, ack, pair] {
      --follower_in_flight_[pair];
      deliver(ack);
    });
    report_follower(o);
    const std::string tag = o.id;
    const int64_t lot = lot_of(o.instrument);
    if (o.type == d::OrderType::market) {
      at(later(1, 30), [this, tag, lot] {
        const BookOrder& b = follower_book_.at(tag);
        fill_follower(tag, chance(0.3) ? std::max<int64_t>(lot, b.qty / 2 / lot * lot) : b.qty);
      });
      at(later(40, 80), [this, tag] { fill_follower(tag, follower_book_.at(tag).qty); });
    } else if (chance(0.25)) {
      // The market never comes to its price: it stays open until cancelled.
    } else {
      // Whenever it likes: before or after the leader's own order fills.
      const int parts = static_cast<int>(uniform(1, 3));
      for (int k = 0; k < parts; ++k) {
        at(later(50, 200'000), [this, tag, lot, parts, k] {
          const BookOrder& b = follower_book_.at(tag);
          fill_follower(tag, k + 1 == parts ? b.qty : lot);
        });
      }
    }
    return;
  }
  const auto target = follower_book_.find(intent.target_tag.value);
  if (target == follower_book_.end() || !target->second.working()) return refuse(intent.tag);
  BookOrder& o = target->second;
  if (intent.action == d::CopyAction::cancel) {
    o.status = d::OrderStatus::cancelled;
  } else {
    if (intent.order.quantity_units < o.filled) return refuse(intent.tag);
    o.qty = intent.order.quantity_units;
    o.type = intent.order.order_type;
    o.price = intent.order.price_paise;
    if (o.qty == o.filled) o.status = d::OrderStatus::complete;
  }
  report_follower(o);
}

// ---------------------------------------------------------------- the engine

void World::deliver(const d::Event& input) {
  if (!engine_up_ || !violation_.empty()) return;  // lost: the restart reconciles it
  // What the engine journals at all (Engine::handle): a report that changes nothing is dropped.
  if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&input)) {
    if (state_.ended_leader_orders.contains(u->order_id)) return;
    const auto known = state_.orders.leader.find(u->order_id);
    const projections::OrderState update{u->status,       u->quantity_units,
                                         u->filled_units, u->average_price_paise,
                                         u->price_paise,  u->trigger_price_paise};
    if (known != state_.orders.leader.end() &&
        projections::merge(known->second, update) == known->second) {
      return;
    }
    oracle_leader_report(*u);
  } else if (const auto* f = std::get_if<d::FollowerOrderUpdate>(&input)) {
    if (!state_.mappings.by_tag.contains(f->tag)) return;
    const auto known = state_.orders.follower.find(f->tag);
    if (known != state_.orders.follower.end()) {
      const projections::OrderState update{f->status,
                                           f->quantity_units,
                                           f->filled_units,
                                           f->average_price_paise,
                                           known->second.price_paise,
                                           known->second.trigger_price_paise};
      if (projections::merge(known->second, update) == known->second) return;
    }
  }
  engine_step(input);
}

void World::engine_step(const d::Event& input) {
  std::vector<d::Event> out = d::step(state_, input);
  journal_.push_back(input);
  for (const d::Event& e : out) {
    journal_.push_back(e);
    if (const auto* decision = std::get_if<d::CopyDecision>(&e)) {
      ++decisions_;
      coverage_.freeze_slices += decision->clamp == d::Clamp::freeze_quantity;
    }
    if (const auto* trip = std::get_if<d::LossGuardTripped>(&e)) oracle_guard_tripped(*trip);
    if (const auto* intent = std::get_if<d::FollowerOrderIntent>(&e)) {
      ++follower_in_flight_[pair_key(intent->follower.value, intent->order.instrument,
                                     intent->order.product)];
      dispatch(*intent);
    }
  }
  if (const auto* ack = std::get_if<d::FollowerOrderAck>(&input)) {
    auto waiting = parked_.extract(ack->tag.value);
    if (!waiting.empty()) {
      for (d::FollowerOrderIntent i : waiting.mapped()) {
        i.target_order_id = ack->broker_order_id;
        dispatch(i);
      }
    }
  } else if (const auto* r = std::get_if<d::FollowerOrderRejected>(&input)) {
    auto waiting = parked_.extract(r->tag.value);
    if (!waiting.empty()) {
      for (const d::FollowerOrderIntent& i : waiting.mapped()) {
        --follower_in_flight_[pair_key(i.follower.value, i.order.instrument, i.order.product)];
        engine_step(d::FollowerOrderRejected{i.tag, i.follower, d::OrderFailure::rejected,
                                             "the order it changes was not placed"});
      }
    }
  }
  // A price that decides nothing moves no position: nothing new to check.
  if (std::holds_alternative<d::PriceSnapshot>(input) && out.empty()) return;
  check_settled();
}

// The operator resumes; with the engine down (its dashboard too) the click is made again a
// little later, as an operator would, rather than lost.
void World::resume(const d::FollowerId& who) {
  if (!engine_up_) return at(later(5'000, 30'000), [this, who] { resume(who); });
  deliver(d::FollowerResumed{who, "operator"});
}

void World::prices() {
  mark_ = std::clamp<int64_t>(mark_ + uniform(-300, 300), kPrice * 7 / 10, kPrice * 13 / 10);
  d::PriceSnapshot snapshot{{{equity_.key, mark_}, {option_.key, mark_}}, now_};
  std::sort(snapshot.prices.begin(), snapshot.prices.end(),
            [](const auto& a, const auto& b) { return a.instrument < b.instrument; });
  deliver(snapshot);
  at(later(5'000, 120'000), [this] { prices(); });
}

void World::tick() {
  if (engine_up_ && violation_.empty() && d::tick_due(state_, now_)) {
    for (const d::Event& e : d::decide(state_, d::ClockTick{now_})) {
      if (const auto* c = std::get_if<d::CopyDecision>(&e))
        coverage_.catch_ups += c->clamp == d::Clamp::catch_up;
    }
    engine_step(d::ClockTick{now_});
  }
  at(now_ + tick_every_, [this] { tick(); });
}

// REQUIRES: the intent is counted in follower_in_flight_ until the broker receives it.
void World::dispatch(const d::FollowerOrderIntent& intent) {
  const std::string pair =
      pair_key(intent.follower.value, intent.order.instrument, intent.order.product);
  if (intent.action != d::CopyAction::place && intent.target_order_id.empty()) {
    parked_[intent.target_tag.value].push_back(intent);
    return;
  }
  dispatched_.insert(intent.tag.value);
  at(later(1, 30), [this, intent, pair] {
    --follower_in_flight_[pair];
    broker_receive(intent);
  });
}

void World::crash() {
  if (!engine_up_) return;
  engine_up_ = false;
  ++coverage_.restarts;
  for (const auto& [tag, waiting] : parked_) {  // held in memory only: gone
    for (const auto& i : waiting) {
      --follower_in_flight_[pair_key(i.follower.value, i.order.instrument, i.order.product)];
    }
  }
  parked_.clear();
  at(later(200, 60'000), [this] { restart(); });
}

void World::reconfigure(d::FollowerSettings& f) {
  const d::FollowerSettings before = f;
  switch (uniform(0, 3)) {
    case 0:
      f.ratio_ppm = kRatios[uniform(0, 4)];
      break;
    case 1:
      f.sizing = kPolicies[uniform(0, 3)];
      break;
    case 2:
      f.carry_remainder = !f.carry_remainder;
      break;
    default:
      f.reverse = !f.reverse;
      break;
  }
  ++coverage_.reconfigures;
  // Into a policy that sizes from a basis: one as of now for each position the leader holds
  // (the leader's latest fill price is the core's fold of the leader's reports).
  const bool had = d::keeps_basis(before), has = d::keeps_basis(f);
  if (had != has) {
    std::erase_if(oracle_rebased_,
                  [&](const auto& kv) { return kv.first.first == f.follower.value; });
  }
  if (!had && has) {
    for (const auto& [key, net] : oracle_net_) {
      if (net == 0 || std::get<0>(key) != f.leader.value) continue;
      oracle_rebased_[{f.follower.value, key}] =
          Basis{net > 0 ? 1 : -1,
                d::value_or(state_.reference_price_paise, std::get<1>(key), int64_t{0}),
                net > 0 ? net : -net,
                state_.funds_paise.at(leader_named(f.leader.value).account),
                {{f.account.value, state_.funds_paise.at(f.account)}}};
    }
  }
  engine_step(d::FollowerConfigured{f});
}

void World::restart() {
  engine_up_ = true;
  reconciling_ = true;  // what it reads back is checked once it has all of it
  state_ = d::CopyState{};
  for (const d::Event& e : journal_) d::apply(state_, e);  // everything the engine knew
  engine_step(d::EngineStarted{"sim", ""});
  // Some restarts come with a new config: a follower's ratio, policy, carry or direction
  // changed, journaled before the books are read, as the engine does. Its targets move.
  if (chance(0.3)) reconfigure(followers_[uniform(0, static_cast<int64_t>(followers_.size()) - 1)]);
  // The broker's book is the last word (DESIGN.md invariant 3): every answer lost while the
  // engine was down is read back by tag.
  for (const auto& [tag, o] : follower_book_) {
    const auto copy = state_.mappings.by_tag.find(d::ClientTag{tag});
    if (copy == state_.mappings.by_tag.end()) continue;
    const auto known = state_.orders.follower.find(d::ClientTag{tag});
    if (known != state_.orders.follower.end() && known->second.status == d::OrderStatus::pending) {
      engine_step(d::FollowerOrderAck{d::ClientTag{tag}, d::FollowerId{o.follower},
                                      d::BrokerOrderId{"B" + tag}});
    }
    deliver(d::FollowerOrderUpdate{d::ClientTag{tag}, d::FollowerId{o.follower},
                                   d::BrokerOrderId{"B" + tag}, o.status, o.filled,
                                   o.filled > 0 ? o.avg : 0, now_, o.qty});
  }
  for (const std::string& tag : broker_rejected_) {
    const auto owner = state_.mappings.by_tag.find(d::ClientTag{tag});
    if (owner == state_.mappings.by_tag.end()) continue;
    bool answered = false;
    for (const d::Event& e : journal_) {
      if (const auto* r = std::get_if<d::FollowerOrderRejected>(&e); r && r->tag.value == tag)
        answered = true;
    }
    if (!answered) {
      engine_step(d::FollowerOrderRejected{d::ClientTag{tag}, owner->second.follower,
                                           d::OrderFailure::rejected, "read back"});
    }
  }
  // Intents journaled but never handed to the broker (held for an ack when it stopped) go now.
  std::set<std::string> answered;
  for (const d::Event& e : journal_) {
    if (const auto* a = std::get_if<d::FollowerOrderAck>(&e)) answered.insert(a->tag.value);
    if (const auto* r = std::get_if<d::FollowerOrderRejected>(&e)) answered.insert(r->tag.value);
  }
  for (const d::Event& e : std::vector<d::Event>(journal_)) {
    const auto* i = std::get_if<d::FollowerOrderIntent>(&e);
    if (i == nullptr || answered.contains(i->tag.value) || dispatched_.contains(i->tag.value))
      continue;
    d::FollowerOrderIntent again = *i;
    const auto target = state_.mappings.by_tag.find(i->target_tag);
    if (target != state_.mappings.by_tag.end()) {
      const auto* copy = state_.mappings.find(target->second.leader_order_id, i->follower);
      if (copy != nullptr && copy->placed_tag == i->target_tag)
        again.target_order_id = copy->broker_order_id;
    }
    ++follower_in_flight_[pair_key(i->follower.value, i->order.instrument, i->order.product)];
    dispatch(again);
  }
  // The leader's order book, read after the gap: every order as it stands now.
  for (const auto& [id, o] : leader_book_) {
    if (streams_down_.contains(o.leader)) {
      changed_while_down_[o.leader].insert(id);
      continue;
    }
    deliver(recovered_report(o));
  }
  reconciling_ = false;
  check_settled();
}

// ---------------------------------------------------------------- the oracle and checker

void World::oracle_leader_report(const d::LeaderOrderUpdate& u) {
  int64_t& seen = oracle_filled_[u.order_id.value];
  if (u.filled_units <= seen) return;
  const int64_t delta = u.filled_units - seen;
  seen = u.filled_units;
  const LeaderKey key{u.leader.value, u.instrument, u.product};
  int64_t& net = oracle_net_[key];
  const int64_t before = net;
  net += direction(u.side) * delta;
  if (net == 0 || before == 0 || (before > 0) != (net > 0)) {
    std::erase_if(oracle_rebased_, [&](const auto& kv) { return kv.first.second == key; });
  } else {
    for (auto& [who, b] : oracle_rebased_) {
      if (who.second == key) b.peak = std::max(b.peak, net > 0 ? net : -net);
    }
  }
  if (net == 0 && before != 0) {  // this leader flat in the instrument: its followers copy again
    bool flat = true;
    for (const auto& [k, n] : oracle_net_) {
      flat &= !(std::get<0>(k) == u.leader.value && std::get<1>(k) == u.instrument) || n == 0;
    }
    if (flat) {
      std::erase_if(oracle_flattened_, [&](const auto& k) {
        return k.second == u.instrument && follower_named(k.first).leader == u.leader;
      });
    }
  }
  if (net == 0) {
    oracle_basis_.erase(key);
  } else if (before == 0 || (before > 0) != (net > 0)) {
    Basis b{net > 0 ? 1 : -1,
            u.average_price_paise,
            net > 0 ? net : -net,
            state_.funds_paise.at(leader_named(u.leader.value).account),
            {}};
    for (const auto& f : followers_) b.capital[f.account.value] = state_.funds_paise.at(f.account);
    oracle_basis_[key] = std::move(b);
  } else {
    oracle_basis_[key].peak = std::max(oracle_basis_[key].peak, net > 0 ? net : -net);
  }
}

void World::oracle_guard_tripped(const d::LossGuardTripped& trip) {
  ++coverage_.guard_trips;
  if (trip.action != d::LossGuardAction::flatten) return;
  ++coverage_.guard_flattens;
  const d::LeaderId& leader = follower_named(trip.follower.value).leader;
  for (const auto& [key, net] : oracle_net_) {
    if (net != 0 && std::get<0>(key) == leader.value) {
      oracle_flattened_.insert({trip.follower.value, std::get<1>(key)});
    }
  }
}

int64_t World::oracle_target(const d::FollowerSettings& f, const d::InstrumentKey& i,
                             d::Product p) const {
  if (oracle_flattened_.contains({f.follower.value, i})) return skew_ ? lot_of(i) : 0;
  const LeaderKey key{f.leader.value, i, p};
  const auto it = oracle_net_.find(key);
  const int64_t net = it == oracle_net_.end() ? 0 : it->second;
  if (net == 0) return 0;
  const int64_t lot = lot_of(i);
  const int64_t abs_net = net < 0 ? -net : net;
  const int sign = net < 0 ? -1 : 1;
  int64_t units = 0;
  const Basis* basis = &oracle_basis_.at(key);  // a position the leader holds has one
  if (const auto it = oracle_rebased_.find({f.follower.value, key}); it != oracle_rebased_.end())
    basis = &it->second;
  const Basis& b = *basis;
  const int64_t capital = b.capital.at(f.account.value);
  if (f.sizing == d::SizingPolicy::risk_based) {
    const __int128 budget_lots =
        __int128(f.max_position_pct_bp) * capital / (__int128(10'000) * b.price * lot);
    units = static_cast<int64_t>(budget_lots * abs_net / std::max(b.peak, abs_net)) * lot * sign;
  } else {
    __int128 micro = f.sizing == d::SizingPolicy::capital_proportional
                         ? __int128(net) * capital * 1'000'000 / b.leader_capital
                         : __int128(net) * f.ratio_ppm;
    const __int128 unit = __int128(lot) * 1'000'000;
    __int128 lots = micro / unit;
    const __int128 rest = micro - lots * unit;
    if (f.carry_remainder && 2 * rest > unit) ++lots;
    if (f.carry_remainder && 2 * rest < -unit) --lots;
    units = static_cast<int64_t>(lots * lot);
  }
  if (f.max_position_units > 0) {
    const int64_t cap = f.max_position_units / lot * lot;
    units = std::clamp(units, -cap, cap);
  }
  if (skew_) units += lot;
  return f.reverse ? -units : units;
}

void World::check_settled() {
  if (!engine_up_ || reconciling_ || !streams_up() || !violation_.empty()) {
    return;
  }
  for (const auto& [id, report] : leader_reports_in_flight_) {
    if (report != 0) return;  // the engine has not heard everything the leader did yet
  }
  if (d::tick_due(state_, now_)) return;  // the engine's next tick has something to decide
  for (const d::Instrument* i : {&option_, &equity_}) {
    for (const d::Product p : {d::Product::intraday, d::Product::carry_forward}) {
      std::set<std::string> leaders_working;
      for (const auto& [id, o] : leader_book_) {
        if (o.working() && o.instrument == i->key && o.product == p)
          leaders_working.insert(o.leader);
      }
      // Accounts whose every share was checked here: the broker's net is then the journal's.
      std::map<d::AccountId, int> unchecked;
      for (const auto& f : followers_) ++unchecked[f.account];
      for (const auto& f : followers_) {
        if (leaders_working.contains(f.leader.value)) continue;
        const std::string pair = pair_key(f.follower.value, i->key, p);
        if (follower_in_flight_[pair] != 0) continue;
        int64_t held = 0;
        bool working = false;
        for (const auto& [tag, o] : follower_book_) {
          if (o.follower != f.follower.value || !(o.instrument == i->key) || o.product != p)
            continue;
          working |= o.working();
          held += direction(o.side) * o.filled;
        }
        if (working) continue;
        ++settled_checks_;
        const int64_t journaled = state_.positions.net(d::book_of(f), i->key, p);
        if (journaled != held) {
          return fail(pair + ": the journal folds " + std::to_string(journaled) +
                      " where the broker holds " + std::to_string(held));
        }
        if (--unchecked[f.account] == 0) check_account(f.account, i->key, p);
        const int64_t target = oracle_target(f, i->key, p);
        if (held == target) {
          rejected_pairs_.erase(pair);
          continue;
        }
        std::optional<d::Drift> named;
        for (const d::Drift& drift : d::drift(state_, i->key)) {
          if (drift.follower == f.follower && drift.product == p) named = drift;
        }
        const std::string where = pair + " holds " + std::to_string(held) +
                                  " where the target is " + std::to_string(target);
        if (!named) {
          const d::LeaderSide side = d::leader_side(state_, f.leader, i->key, p);
          const auto* working = state_.positions.working_in(d::book_of(f), i->key, p);
          return fail(where + ", and the core sees no drift (its target is " +
                      std::to_string(d::target_of(state_, f, i->key, p).units) +
                      ", the leader's working buys " + std::to_string(side.working_buy_units) +
                      " sells " + std::to_string(side.working_sell_units) +
                      ", follower orders working " +
                      std::to_string(working == nullptr ? 0 : working->tags.size()) + ")" +
                      trace(f.follower, i->key));
        }
        if (named->target_units != target) {
          return fail(where + ", but the core's target is " + std::to_string(named->target_units));
        }
        const bool exit_part = held != 0 && (target == 0 || (held > 0) != (target > 0) ||
                                             (held > 0 ? held > target : held < target));
        const d::SkipReason r = named->reason;
        const bool holds_exits = r == d::SkipReason::follower_paused ||
                                 r == d::SkipReason::follower_disabled ||
                                 r == d::SkipReason::market_closed;
        const bool entry_limit = r == d::SkipReason::daily_trade_limit ||
                                 r == d::SkipReason::max_order_value ||
                                 r == d::SkipReason::outside_copy_window ||
                                 r == d::SkipReason::loss_guard || r == d::SkipReason::stale_event;
        const bool refused_by_broker = r == d::SkipReason::none && rejected_pairs_.contains(pair);
        if (!(refused_by_broker || holds_exits || (entry_limit && !exit_part))) {
          return fail(where + ", held by " + std::string(d::to_string(r)) +
                      (exit_part ? " (an exit part)" : " (an entry)") + trace(f.follower, i->key));
        }
        ++named_;
      }
    }
  }
}

// Every share of the account is settled here: the broker's position (all its orders, whichever
// leader they copied) is the sum of the shares the journal folds.
void World::check_account(const d::AccountId& account, const d::InstrumentKey& i, d::Product p) {
  int64_t at_broker = 0;
  std::set<int> signs;
  for (const auto& f : followers_) {
    if (!(f.account == account)) continue;
    int64_t share = 0;
    for (const auto& [tag, o] : follower_book_) {
      if (o.follower == f.follower.value && o.instrument == i && o.product == p)
        share += direction(o.side) * o.filled;
    }
    at_broker += share;
    if (share != 0) signs.insert(share > 0 ? 1 : -1);
  }
  coverage_.opposite_shares += signs.size() > 1;
  const int64_t folded = state_.positions.account_net(account, i, p);
  if (folded != at_broker) {
    return fail(pair_key(account.value, i, p) + ": the broker holds " + std::to_string(at_broker) +
                " where the journal's shares sum to " + std::to_string(folded));
  }
  // The shares' P&L for the day sums to the account's, which its loss guard trips on: each
  // fill counted once, in the share that placed it.
  int64_t shares_pnl = 0;
  const d::FollowerSettings* any = nullptr;
  for (const auto& f : followers_) {
    if (!(f.account == account)) continue;
    any = &state_.followers.at(f.follower);
    shares_pnl += d::share_day_pnl_paise(state_, *any);
  }
  if (const int64_t pnl = d::day_pnl_paise(state_, *any); pnl != shares_pnl) {
    fail(account.value + ": the shares' P&L today sums to " + std::to_string(shares_pnl) +
         " paise where the account's is " + std::to_string(pnl));
  }
}

// With TANDEM_FIDELITY_TRACE set: the journal's records about one follower and instrument.
std::string World::trace(const d::FollowerId& follower, const d::InstrumentKey& instrument) const {
  if (std::getenv("TANDEM_FIDELITY_TRACE") == nullptr) return "";
  std::ostringstream os;
  std::set<std::string> tags;
  for (size_t k = 0; k < journal_.size(); ++k) {
    const d::Event& e = journal_[k];
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&e); u && u->instrument == instrument) {
      os << "\n  " << k << " L " << u->order_id.value << " " << d::to_string(u->status) << " "
         << d::to_string(u->side) << " " << d::to_string(u->order_type) << " q "
         << u->quantity_units << " f " << u->filled_units << " " << d::to_string(u->product)
         << (u->recovered ? " recovered" : "");
    } else if (const auto* c = std::get_if<d::CopyDecision>(&e);
               c && c->follower == follower && c->instrument == instrument) {
      os << "\n  " << k << "   D " << c->leader_order_id.value << " " << d::to_string(c->action)
         << " " << d::to_string(c->side) << " q " << c->quantity_units << " "
         << d::to_string(c->skip_reason) << " target " << c->sizing.target_units << " held "
         << c->sizing.position_before_units;
    } else if (const auto* i = std::get_if<d::FollowerOrderIntent>(&e);
               i && i->follower == follower && i->order.instrument == instrument) {
      tags.insert(i->tag.value);
      os << "\n  " << k << "   I " << i->tag.value << " " << d::to_string(i->action) << " target "
         << i->target_tag.value << " q " << i->order.quantity_units << " "
         << d::to_string(i->order.product);
    } else if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&e);
               u && tags.contains(u->tag.value)) {
      os << "\n  " << k << "   U " << u->tag.value << " " << d::to_string(u->status) << " f "
         << u->filled_units << " q " << u->quantity_units;
    } else if (const auto* a = std::get_if<d::FollowerOrderAck>(&e);
               a && tags.contains(a->tag.value)) {
      os << "\n  " << k << "   A " << a->tag.value;
    } else if (const auto* r = std::get_if<d::FollowerOrderRejected>(&e);
               r && tags.contains(r->tag.value)) {
      os << "\n  " << k << "   R " << r->tag.value << " " << r->message;
    } else if (std::holds_alternative<d::EngineStarted>(e)) {
      os << "\n  " << k << " restart";
    }
  }
  os << "\n  the leader's book:";
  for (const auto& [id, o] : leader_book_) {
    if (o.instrument == instrument) {
      os << "\n    " << id << " " << d::to_string(o.status) << " " << d::to_string(o.side) << " q "
         << o.qty << " f " << o.filled << " " << d::to_string(o.product);
    }
  }
  return os.str();
}

// No copy is left working long after its leader's order filled: catch-up cancelled it within
// catch_up_ms, give or take what may hold it a while (the engine down, the leader's stream
// down, a pause, the ticks' spacing).
void World::check_caught_up() {
  constexpr d::TimeNs kSlack = 500'000 * kMs;
  for (const auto& f : followers_) {
    if (f.catch_up_ms == 0) continue;
    for (const auto& [tag, o] : follower_book_) {
      if (o.follower != f.follower.value || !o.working() || o.type == d::OrderType::market)
        continue;
      const auto owner = state_.mappings.by_tag.find(d::ClientTag{tag});
      if (owner == state_.mappings.by_tag.end()) continue;
      const auto done = leader_done_at_.find(owner->second.leader_order_id.value);
      if (done == leader_done_at_.end()) continue;
      if (now_ - done->second > f.catch_up_ms * kMs + kSlack) {
        return fail(pair_key(o.follower, o.instrument, o.product) + ": the copy " + tag +
                    " still works " + std::to_string((now_ - done->second) / kMs) +
                    " ms after its leader order filled (catch_up_ms " +
                    std::to_string(f.catch_up_ms) + ")" + trace(f.follower, o.instrument));
      }
    }
  }
}

void World::check_replay() {
  d::CopyState s;
  for (size_t k = 0; k < journal_.size();) {
    if (d::decided_for(journal_[k]) != nullptr) return fail("replay: a decision without its input");
    const std::vector<d::Event> again = d::step(s, journal_[k]);
    for (size_t m = 0; m < again.size(); ++m) {
      if (k + 1 + m >= journal_.size() || !(journal_[k + 1 + m] == again[m])) {
        return fail("replay: the decision after journal record " + std::to_string(k) + " differs");
      }
    }
    k += 1 + again.size();
  }
}

// ---------------------------------------------------------------- the day

std::string World::run() {
  configure();
  tick_every_ = uniform(500, 5'000) * kMs;
  at(now_ + tick_every_, [this] { tick(); });
  mark_ = kPrice;
  at(later(2'000, 60'000), [this] { prices(); });
  const d::TimeNs first = kOpen + 5 * 60 * 1'000'000'000LL;
  const d::TimeNs last = kClose - 30 * 60 * 1'000'000'000LL;
  for (int k = 0; k < shape_.leader_actions; ++k) {
    at(first + (last - first) / shape_.leader_actions * k + uniform(0, 1000) * kMs,
       [this] { leader_action(); });
  }
  for (const Leader& l : leaders_) {  // each leader's stream drops on its own
    if (!shape_.stream_drops || !chance(0.6)) continue;
    const std::string name = l.name;
    at(first + uniform(0, (last - first) / kMs) * kMs, [this, name] { drop_stream(name); });
  }
  if (shape_.restarts) {
    const int crashes = static_cast<int>(uniform(0, 2));
    for (int k = 0; k < crashes; ++k) {
      at(first + uniform(0, (last - first) / kMs) * kMs, [this] { crash(); });
    }
  }
  // An operator pauses a follower for a while: its exits are held, and owed until the resume.
  if (chance(0.3)) {
    at(first + uniform(0, (last - first) / kMs) * kMs, [this] {
      const d::FollowerId who =
          followers_[uniform(0, static_cast<int64_t>(followers_.size()) - 1)].follower;
      ++coverage_.pauses;
      deliver(d::FollowerPaused{who, "operator", "a look"});
      at(later(1'000, 300'000), [this, who] { resume(who); });
    });
  }
  // Funds move during the day (a margin call, a transfer): the next poll journals them. A
  // position open by then keeps the capitals it opened with; a new one takes the new ones.
  for (int k = 0; k < 3; ++k) {
    if (!chance(0.3)) continue;
    at(first + uniform(0, (last - first) / kMs) * kMs, [this] {
      const auto accounts = static_cast<int64_t>(accounts_.size());
      const int64_t who = uniform(0, accounts + static_cast<int64_t>(leaders_.size()) - 1);
      const d::AccountId account =
          who < accounts ? accounts_[who] : leaders_[who - accounts].account;
      ++coverage_.funds_moves;
      deliver(d::FundsSnapshot{account, uniform(2, 40) * 1'00'000'00});
    });
  }
  // At 15:20 the leader cancels what still works, as a trader does before the close.
  at(kClose - 10 * 60 * 1'000'000'000LL, [this] {
    for (auto& [id, o] : leader_book_) {
      if (!o.working()) continue;
      o.status = d::OrderStatus::cancelled;
      report_leader(o);
    }
  });
  while (!queue_.empty() && violation_.empty()) {
    Timed next = queue_.top();
    queue_.pop();
    if (next.at >= kClose) break;
    now_ = next.at;
    next.action();
  }
  if (violation_.empty()) check_caught_up();
  if (violation_.empty()) check_replay();
  return violation_;
}

}  // namespace tandem::testing::fidelity
