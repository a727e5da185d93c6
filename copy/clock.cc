#include "copy/clock.h"

#include <algorithm>
#include <array>
#include <span>

#include "copy/converge.h"
#include "copy/intent_of.h"
#include "copy/target.h"
#include "domain/risk/risk_checks.h"

namespace tandem::domain {

namespace {

using projections::status_rank;

// Every exchange, in the order of their values (an exchange's value indexes this).
constexpr std::array kExchanges = {Exchange::nse, Exchange::bse, Exchange::nfo, Exchange::bfo,
                                   Exchange::cds, Exchange::bcd, Exchange::mcx};
static_assert(static_cast<size_t>(Exchange::mcx) + 1 == kExchanges.size());

// An instant as sessions and windows see it: its IST date, whether it trades, its minute.
struct Instant {
  TradingDay day = 0;
  bool trading = false;
  int minute = 0;
};
Instant instant_of(const CopyState& s, TimeNs t) {
  const TradingDay day = ist_trading_day(t);
  return {day, s.calendar.is_trading_day(day), ist_minute_of_day(t)};
}

// Open at `at` and not at `from`; a tick on an earlier day counts as closed, so a session
// that opens every day opens again on the next.
bool opened(bool open_before, bool open_now, const Instant& from, const Instant& at) {
  if (!open_now) return false;
  return !open_before || from.day != at.day;
}

bool open_at(Exchange exchange, const Instant& t) {
  return t.trading && in_session(exchange, t.minute);
}

bool session_opened(Exchange exchange, const Instant& from, const Instant& at) {
  return opened(open_at(exchange, from), open_at(exchange, at), from, at);
}

bool window_opened(const FollowerSettings& f, const Instant& from, const Instant& at) {
  const bool has_window = f.copy_window_start_min != 0 || f.copy_window_end_min != 0;
  return has_window &&
         opened(in_copy_window_at(f, from.minute), in_copy_window_at(f, at.minute), from, at);
}

// Calls `found(copy, leader order id)` for each copy of the follower still working at its
// broker with no cancel sent, the follower not held there, whose leader order `wanted`
// accepts.
template <class Wanted, class Found>
void for_each_working_copy(const CopyState& s, const FollowerSettings& f, TimeNs at,
                           Wanted&& wanted, Found&& found) {
  const auto& working = s.positions.working_by_key;
  for (auto it = working.lower_bound(projections::PositionKey{f.account, f.leader, {}, {}});
       it != working.end() && it->first.account == f.account && it->first.leader == f.leader;
       ++it) {
    if (it->second.tags.empty()) continue;
    if (hold_reason(s, f, it->first.instrument.exchange, at) != SkipReason::none) continue;
    for (const ClientTag& tag : it->second.tags) {
      const auto owner = s.mappings.by_tag.find(tag);
      if (owner == s.mappings.by_tag.end() || owner->second.action != CopyAction::place) continue;
      const auto leader = s.orders.leader.find(owner->second.leader_order_id);
      if (leader == s.orders.leader.end()) continue;  // Tandem's own order
      if (!wanted(leader->second)) continue;
      const projections::FollowerCopy* copy = s.mappings.find(leader->first, f.follower);
      if (copy == nullptr || !(copy->placed_tag == tag) || copy->cancel_sent) continue;
      found(*copy, owner->second.leader_order_id);
    }
  }
}

// Calls `late(copy, leader order id)` for each of the follower's copies that catch-up
// cancels at `at`: a limit or stop of a leader order that has filled and ended at least
// catch_up_ms before, still working, no cancel sent, the follower not held.
template <class Late>
void for_each_late_copy(const CopyState& s, const FollowerSettings& f, TimeNs at, Late&& late) {
  if (f.catch_up_ms <= 0) return;
  const TimeNs after = f.catch_up_ms * 1'000'000;
  for_each_working_copy(
      s, f, at,
      [&](const projections::OrderState& l) {
        return status_rank(l.status) == 2 && l.filled_units > 0 && at - l.final_time_ns >= after;
      },
      [&](const projections::FollowerCopy& copy, const LeaderOrderId& leader_order) {
        if (copy.order.order_type != OrderType::market) late(copy, leader_order);
      });
}

// A cancel of the follower's `copy` of `leader_order`, with what the audit needs: where the
// position is, and where it goes.
void cancel_copy(const CopyState& s, const FollowerSettings& f,
                 const projections::FollowerCopy& copy, const LeaderOrderId& leader_order,
                 Clamp clamp, std::vector<Event>& out) {
  CopyDecision d;
  d.leader_order_id = leader_order;
  d.follower = f.follower;
  d.instrument = copy.order.instrument;
  d.side = copy.order.side;
  d.action = CopyAction::cancel;
  d.ordinal = copy.next_ordinal;
  d.clamp = clamp;
  const InstrumentKey& key = copy.order.instrument;
  d.sizing.policy = f.sizing;
  d.sizing.lot_size_units = lot_unit(s.instruments.at(key));
  d.sizing.position_before_units = s.positions.net(book_of(f), key, copy.order.product);
  d.sizing.target_units = target_of(s, f, key, copy.order.product).units;
  FollowerOrderIntent intent = intent_of(d, copy.order, &copy, tag_code_of(s, f));
  out.emplace_back(std::move(d));
  out.emplace_back(std::move(intent));
}

void catch_up(const CopyState& s, const FollowerSettings& f, TimeNs at, std::vector<Event>& out) {
  for_each_late_copy(s, f, at,
                     [&](const projections::FollowerCopy& copy, const LeaderOrderId& leader_order) {
                       cancel_copy(s, f, copy, leader_order, Clamp::catch_up, out);
                     });
}

// Whether `decided` holds a cancel of the order placed under `tag`.
bool cancels(std::span<const Event> decided, const ClientTag& tag) {
  return std::any_of(decided.begin(), decided.end(), [&](const Event& e) {
    const auto* i = std::get_if<FollowerOrderIntent>(&e);
    return i != nullptr && i->action == CopyAction::cancel && i->target_tag == tag;
  });
}

// The copies still working of leader orders the leader cancelled (or that expired): their
// cancel was decided and never sent (an engine stopped with it queued), so it is decided
// again — once: not for a copy catch-up has just cancelled (`out` from `first` on).
void cancel_orphaned_copies(const CopyState& s, const FollowerSettings& f, TimeNs at,
                            std::vector<Event>& out, size_t first) {
  for_each_working_copy(
      s, f, at,
      [](const projections::OrderState& l) {
        return l.status == OrderStatus::cancelled || l.status == OrderStatus::expired;
      },
      [&](const projections::FollowerCopy& copy, const LeaderOrderId& leader_order) {
        if (cancels(std::span(out).subspan(first), copy.placed_tag)) return;
        cancel_copy(s, f, copy, leader_order, Clamp::none, out);
      });
}

}  // namespace

bool tick_due(const CopyState& s, TimeNs at) {
  if (at <= s.ticked_ns) return false;
  if (!s.converge_all.empty()) return true;
  const Instant from = instant_of(s, s.ticked_ns), now = instant_of(s, at);
  for (const Exchange e : kExchanges) {
    if (session_opened(e, from, now)) return true;
  }
  for (const auto& [id, f] : s.followers) {
    if (window_opened(f, from, now)) return true;
    bool late = false;
    for_each_late_copy(s, f, at, [&](const auto&, const auto&) { late = true; });
    if (late) return true;
  }
  return false;
}

void on_tick(const CopyState& s, TimeNs from, const std::set<FollowerId>& converge_all, TimeNs at,
             std::vector<Event>& out) {
  const Instant before = instant_of(s, from), now = instant_of(s, at);
  std::array<bool, kExchanges.size()> session{};
  for (size_t k = 0; k < kExchanges.size(); ++k) {
    session[k] = session_opened(kExchanges[k], before, now);
  }
  for (const auto& [id, f] : s.followers) {
    const size_t first = out.size();
    catch_up(s, f, at, out);
    const bool again = converge_all.contains(id);
    if (again) cancel_orphaned_copies(s, f, at, out, first);
    const bool all = again || window_opened(f, before, now);
    for (const auto& [instrument, product] : positions_of(s, f)) {
      if (all || session[static_cast<size_t>(instrument.exchange)]) {
        converge(s, f, instrument, product, at, false, out);
      }
    }
  }
}

}  // namespace tandem::domain
