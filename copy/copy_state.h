// CopyState: everything decide() reads, itself a fold of the journal — the configuration and
// calendar in force, instruments, funds, reference prices, carried remainders, and the
// projections (positions, daily counters, copy mappings, order states). Because it is built
// only from journaled events, replaying the journal rebuilds exactly what the engine saw.
#pragma once

#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/calendar/market_calendar.h"
#include "domain/events.h"
#include "projections/copy_mappings.h"
#include "projections/daily_counters.h"
#include "projections/order_states.h"
#include "projections/positions.h"

namespace tandem::domain {

// The daily loss guard's state for one follower (loss_guard.h).
struct DayGuard {
  int64_t opening_value_paise = 0;  // its value when the day opened or it was first configured
  bool tripped = false;             // today
  LossGuardAction action = LossGuardAction::exits_only;  // in force since it tripped
  // Its share's book alone, when the day opened or it was first configured: what the share's
  // own P&L for the day is counted from (equal to opening_value_paise with one leader).
  int64_t share_opening_value_paise = 0;
  bool operator==(const DayGuard&) const = default;
};

// What a follower's target in a position was opened with (target.h): kept from the leader's
// first fill from flat until it is flat again, so the target moves only with the leader's net.
struct TargetBasis {
  int sign = 0;                      // +1 the leader is long, -1 short
  int64_t leader_capital_paise = 0;  // FundsSnapshots when it opened
  int64_t follower_capital_paise = 0;
  int64_t price_paise = 0;  // the leader's fill price that opened it
  int64_t peak_units = 0;   // the leader's largest |net| since
  bool operator==(const TargetBasis&) const = default;
};
using BasisKey = std::tuple<FollowerId, InstrumentKey, Product>;  // leader product
// Orders BasisKeys, and finds one by its parts without copying the follower id and symbol.
struct BasisKeyLess {
  using is_transparent = void;
  struct View {
    const FollowerId& follower;
    const InstrumentKey& instrument;
    Product product;
  };
  static auto tie(const BasisKey& k) {
    return std::tie(std::get<0>(k), std::get<1>(k), std::get<2>(k));
  }
  static auto tie(const View& k) { return std::tie(k.follower, k.instrument, k.product); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return tie(a) < tie(b);
  }
};

// The leader's working (unfilled) quantity in one instrument and product.
struct LeaderWorking {
  int64_t buy_units = 0;
  int64_t sell_units = 0;
  bool operator==(const LeaderWorking&) const = default;
};
using InstrumentProduct = std::pair<InstrumentKey, Product>;
// Orders InstrumentProducts, and finds one by its parts without copying the symbol.
struct InstrumentProductLess {
  using is_transparent = void;
  struct View {
    const InstrumentKey& instrument;
    Product product;
  };
  static auto tie(const InstrumentProduct& k) { return std::tie(k.first, k.second); }
  static auto tie(const View& k) { return std::tie(k.instrument, k.product); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return tie(a) < tie(b);
  }
};

// A leader's working orders, per instrument and product.
using LeaderWorkingMap = std::map<InstrumentProduct, LeaderWorking, InstrumentProductLess>;

struct CopyState {
  std::map<LeaderId, LeaderConfigured> leaders;      // by name ("" when there is one)
  std::map<FollowerId, FollowerSettings> followers;  // ordered: decisions come in id order
  // Each account's followers (one per leader it follows), derived from `followers`: the
  // account-wide limits count them all.
  std::map<AccountId, std::vector<FollowerId>> account_followers;
  std::set<FollowerId> paused;
  std::map<InstrumentKey, Instrument> instruments;
  std::map<AccountId, int64_t> funds_paise;
  MarketCalendar calendar;
  TradingDay day = 0;
  // The latest fill price of any leader: what a price guard compares a limit with.
  std::map<InstrumentKey, int64_t> reference_price_paise;
  std::map<BasisKey, TargetBasis, BasisKeyLess>
      bases;  // capital_proportional and risk_based followers
  std::map<LeaderId, LeaderWorkingMap> leader_working;
  // A fleet shard's: each leader's highest tap stream sequence journaled (feed_seq); a
  // message delivered again at or below it is decided once already.
  std::map<LeaderId, uint64_t> fed_seq;
  // Instruments a follower was flattened in (by an operator, or by its loss guard's flatten)
  // while the leader held them: its target there is zero until the leader is flat in the
  // instrument (target.h).
  std::set<std::pair<FollowerId, InstrumentKey>> flattened;
  TimeNs clock_ns = 0;   // the latest exchange time of any leader or follower report or tick
  TimeNs ticked_ns = 0;  // the latest ClockTick's (copy/clock.h)
  // Followers whose every position the next tick converges (copy/clock.h): their settings
  // changed (a restart with a new config), so their targets moved; or an order of theirs was
  // not sent (a stop with orders still queued, FollowerOrderRejected "unsent"), so what it
  // was to do is decided again once the engine runs.
  std::set<FollowerId> converge_all;
  std::map<InstrumentKey, int64_t> marks_paise;  // the latest journaled prices (PriceSnapshot)
  std::map<FollowerId, DayGuard> guards;
  // Leader orders forgotten as ended, with the day that forgot them (forget_ended.h).
  projections::IdMap<LeaderOrderId, TradingDay> ended_leader_orders;

  projections::Positions positions;
  projections::DailyCounters counters;
  projections::CopyMappings mappings;
  projections::OrderStates orders;

  bool operator==(const CopyState&) const = default;
};

// The account of a leader; empty when it was never configured.
[[nodiscard]] const AccountId& leader_account(const CopyState& state, const LeaderId& leader);
// Today's place decisions of every follower on this one's account (its daily trade limit is
// the account's).
[[nodiscard]] int64_t placed_today_on_account(const CopyState& state, const FollowerSettings& f);
// Fills account_followers from followers (a state restored from a snapshot).
void index_accounts(CopyState& state);
// What a follower's tags start with: its leader's tag code (client_tag.h).
[[nodiscard]] std::string_view tag_code_of(const CopyState& state,
                                           const FollowerSettings& follower);
// The highest tap stream sequence of `leader` the journal holds (a fleet shard's); 0: none.
[[nodiscard]] uint64_t fed_seq_of(const CopyState& state, const LeaderId& leader);
// The shares a name means: the follower itself, or, for a follower of several leaders named
// by its own id, each of its shares ("<id>@<leader>"), in id order. Empty: no such follower.
[[nodiscard]] std::vector<FollowerId> shares_named(const CopyState& state,
                                                   const FollowerId& follower);
// The book a follower's positions are in: its account, for its leader.
[[nodiscard]] inline projections::Book book_of(const FollowerSettings& follower) {
  return {follower.account, follower.leader};
}
// The book of a leader's own positions.
[[nodiscard]] inline projections::Book leader_book(const CopyState& state, const LeaderId& leader) {
  return {leader_account(state, leader), leader};
}

// The fold, in place (replay's and the engine's hot loops); evolve() is the same as a pure
// function of the state.
void apply(CopyState& state, const Event& event);
// apply() without forget_ended_orders() as a day opens: a state that keeps every order, which
// decides exactly as apply()'s does (a property test holds the two to that).
void apply_keeping_ended(CopyState& state, const Event& event);
[[nodiscard]] inline CopyState evolve(CopyState state, const Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::domain
