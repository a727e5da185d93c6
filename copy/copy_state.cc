#include "copy/copy_state.h"

#include <algorithm>
#include <array>

#include "copy/forget_ended.h"
#include "copy/loss_guard.h"
#include "copy/target.h"
#include "domain/orders/order_failure.h"

namespace tandem::domain {

namespace {

// The unfilled quantity an order still has working.
int64_t working_of(const projections::OrderState* o) {
  if (o == nullptr || projections::status_rank(o->status) != 1) return 0;
  return std::max<int64_t>(o->quantity_units - o->filled_units, 0);
}

bool leader_flat_in(const CopyState& s, const LeaderId& leader, const InstrumentKey& instrument) {
  const projections::Book book = leader_book(s, leader);
  return std::all_of(kAllProducts.begin(), kAllProducts.end(),
                     [&](Product p) { return s.positions.net(book, instrument, p) == 0; });
}

// A leader update moves its order's working quantity, its net and the targets' bases.
void apply_leader(CopyState& s, const LeaderOrderUpdate& e) {
  const auto known = s.orders.leader.find(e.order_id);
  const int64_t working_before =
      working_of(known == s.orders.leader.end() ? nullptr : &known->second);
  const projections::Book book = leader_book(s, e.leader);
  const int64_t net_before = s.positions.net(book, e.instrument, e.product);
  projections::apply(s.positions, e);
  projections::apply(s.orders, e);
  const int64_t working_after = working_of(&s.orders.leader.at(e.order_id));
  if (working_after != working_before) {
    LeaderWorking& w = s.leader_working[e.leader][{e.instrument, e.product}];
    (e.side == Side::buy ? w.buy_units : w.sell_units) += working_after - working_before;
  }
  const int64_t net_after = s.positions.net(book, e.instrument, e.product);
  update_bases(s, e, net_before, net_after);
  // A flatten holds a follower's copy of this leader at zero until the leader is flat.
  if (net_after == 0 && net_before != 0 && leader_flat_in(s, e.leader, e.instrument)) {
    std::erase_if(s.flattened, [&](const auto& k) {
      const auto f = s.followers.find(k.first);
      return k.second == e.instrument && f != s.followers.end() && f->second.leader == e.leader;
    });
  }
  if (e.filled_units > 0 && e.average_price_paise > 0) {
    s.reference_price_paise[e.instrument] = e.average_price_paise;
  }
  s.clock_ns = std::max(s.clock_ns, e.exchange_time_ns);
}

// An order found at the broker is folded as the intent that placed it, its ack and its
// latest report would have been: one fold for orders however they came to be known.
void apply_found(CopyState& s, const FollowerOrderFound& e) {
  if (s.mappings.by_tag.contains(e.tag)) return;  // known after all: its reports tell the rest
  FollowerOrderIntent placed;
  placed.tag = e.tag;
  placed.follower = e.follower;
  placed.leader_order_id = e.leader_order_id;
  placed.action = CopyAction::place;
  placed.ordinal = e.ordinal;
  placed.order = e.order;
  apply_keeping_ended(s, placed);
  // An order placed today, as far as the follower's daily trade limit goes (a decision to
  // place counts there; this one's decision went with the journal's lost tail).
  ++s.counters.by_follower_day[{e.follower, s.day}].orders_placed;
  apply_keeping_ended(s, FollowerOrderAck{e.tag, e.follower, e.broker_order_id});
  apply_keeping_ended(
      s, FollowerOrderUpdate{e.tag, e.follower, e.broker_order_id, e.status, e.filled_units,
                             e.average_price_paise, e.exchange_time_ns, e.order.quantity_units});
  // An order nobody decided moved the follower's position: every position of it converges at
  // the next tick (copy/clock.h).
  s.converge_all.insert(e.follower);
}

// A flattened follower's target is zero in every instrument the leader holds now, until the
// leader is flat there (target.h).
void hold_flat(CopyState& s, const FollowerId& follower) {
  const auto f = s.followers.find(follower);
  if (f == s.followers.end()) return;
  const projections::Book book = leader_book(s, f->second.leader);
  for (const auto& [key, position] : s.positions.by_key) {
    if (key.account == book.account && key.leader == book.leader && position.net_qty_units != 0) {
      s.flattened.insert({follower, key.instrument});
    }
  }
}

}  // namespace

const AccountId& leader_account(const CopyState& s, const LeaderId& leader) {
  static const AccountId kNone;
  const auto it = s.leaders.find(leader);
  return it == s.leaders.end() ? kNone : it->second.account;
}

int64_t placed_today_on_account(const CopyState& s, const FollowerSettings& f) {
  const auto links = s.account_followers.find(f.account);
  if (links == s.account_followers.end() || links->second.size() <= 1) {
    return s.counters.placed_today(f.follower);
  }
  int64_t sum = 0;
  for (const FollowerId& id : links->second) sum += s.counters.placed_today(id);
  return sum;
}

void index_accounts(CopyState& s) {
  s.account_followers.clear();
  for (const auto& [id, f] : s.followers) s.account_followers[f.account].push_back(id);
}

std::string_view tag_code_of(const CopyState& s, const FollowerSettings& f) {
  const auto it = s.leaders.find(f.leader);
  return it == s.leaders.end() ? std::string_view{} : std::string_view{it->second.tag_code};
}

uint64_t fed_seq_of(const CopyState& s, const LeaderId& leader) {
  const auto it = s.fed_seq.find(leader);
  return it == s.fed_seq.end() ? 0 : it->second;
}

std::vector<FollowerId> shares_named(const CopyState& s, const FollowerId& follower) {
  if (s.followers.contains(follower)) return {follower};
  std::vector<FollowerId> out;
  const std::string prefix = follower.value + "@";
  for (const auto& [id, settings] : s.followers) {
    if (id.value.starts_with(prefix)) out.push_back(id);
  }
  return out;
}

void apply(CopyState& s, const Event& event) {
  apply_keeping_ended(s, event);
  if (std::holds_alternative<TradingDayOpened>(event)) forget_ended_orders(s);
}

void apply_keeping_ended(CopyState& s, const Event& event) {
  if (const auto* e = std::get_if<LeaderOrderUpdate>(&event)) {
    if (e->feed_seq != 0) s.fed_seq[e->leader] = std::max(s.fed_seq[e->leader], e->feed_seq);
    apply_leader(s, *e);
    projections::apply(s.counters, event);
    projections::apply(s.mappings, event);
    return;
  }
  if (const auto* e = std::get_if<LeaderConfigured>(&event)) {
    s.leaders[e->name] = *e;
  } else if (const auto* e = std::get_if<FollowerConfigured>(&event)) {
    const auto known = s.followers.find(e->settings.follower);
    if (known != s.followers.end() && !(known->second == e->settings)) {
      s.converge_all.insert(e->settings.follower);
      rebase(s, known->second, e->settings);
    }
    s.followers[e->settings.follower] = e->settings;
    if (known == s.followers.end() || !(known->second.account == e->settings.account)) {
      index_accounts(s);
    }
    // A follower's day starts when it is first seen; a change of settings keeps its day.
    if (!s.guards.contains(e->settings.follower)) {
      s.guards[e->settings.follower] = opening_guard(s, e->settings);
    }
  } else if (const auto* e = std::get_if<FollowerPaused>(&event)) {
    s.paused.insert(e->follower);
  } else if (const auto* e = std::get_if<FollowerResumed>(&event)) {
    s.paused.erase(e->follower);
  } else if (const auto* e = std::get_if<FollowerFlattenRequested>(&event)) {
    hold_flat(s, e->follower);
  } else if (const auto* e = std::get_if<InstrumentSnapshot>(&event)) {
    s.instruments[e->instrument.key] = e->instrument;
  } else if (const auto* e = std::get_if<FundsSnapshot>(&event)) {
    s.funds_paise[e->account] = e->available_paise;
  } else if (const auto* e = std::get_if<MarketCalendarConfigured>(&event)) {
    s.calendar.holidays = {e->holidays.begin(), e->holidays.end()};
  } else if (const auto* e = std::get_if<TradingDayOpened>(&event)) {
    s.day = e->day;
    for (const auto& [id, f] : s.followers) s.guards[id] = opening_guard(s, f);
  } else if (const auto* e = std::get_if<PriceSnapshot>(&event)) {
    for (const auto& p : e->prices) s.marks_paise[p.instrument] = p.last_price_paise;
  } else if (const auto* e = std::get_if<LossGuardTripped>(&event)) {
    DayGuard& g = s.guards[e->follower];
    g.tripped = true;
    g.action = e->action;
    // A guard's flatten holds like an operator's: a close the broker refused, or a copy whose
    // cancel lost the race to a fill, is still off target afterwards (schema 6).
    if (e->action == LossGuardAction::flatten) hold_flat(s, e->follower);
  } else if (const auto* e = std::get_if<FollowerOrderRejected>(&event)) {
    // Not sent: everything of the follower is decided again at the next tick. A cancel that
    // may not have taken likewise, so that the copy is cancelled again there (clock.h).
    const auto owner = s.mappings.by_tag.find(e->tag);
    const bool cancel =
        owner != s.mappings.by_tag.end() && owner->second.action == CopyAction::cancel;
    if (e->error_class == OrderFailure::unsent ||
        (cancel && change_may_not_have_taken(e->error_class))) {
      s.converge_all.insert(e->follower);
    }
  } else if (const auto* e = std::get_if<FollowerOrderUpdate>(&event)) {
    s.clock_ns = std::max(s.clock_ns, e->exchange_time_ns);
  } else if (const auto* e = std::get_if<ClockTick>(&event)) {
    s.ticked_ns = e->exchange_time_ns;
    s.converge_all.clear();  // step() read them before this fold (decide.cc)
    s.clock_ns = std::max(s.clock_ns, e->exchange_time_ns);
  } else if (const auto* e = std::get_if<FollowerOrderFound>(&event)) {
    return apply_found(s, *e);
  }
  projections::apply(s.positions, event);
  projections::apply(s.counters, event);
  projections::apply(s.mappings, event);
  projections::apply(s.orders, event);
}

}  // namespace tandem::domain
