// Goal: the invariants of DESIGN.md and the domain issue hold for any leader history:
//   determinism and replay — the same history gives the same journal, and re-running
//     decide() over a journal reproduces every recorded decision;
//   settled means on target — once nothing works, every follower position is at its target
//     or a named refusal keeps it off;
//   max position — no fill takes a follower past its maximum position;
//   daily trades — orders that open or add never exceed the limit per follower per day
//     (exits and a flatten's closing orders go whatever the limits), and the
//     counters start from zero on each new trading day;
//   carried remainders — a follower with carry_remainder stays within one lot of
//     ratio × leader position.
// Method: generated leader ops (tests/support/leader_gen.h) drive decide()/evolve() through
// CopySim, with a broker that acknowledges at once and fills only on broker steps; the
// journal it leaves is then checked. RapidCheck prints a seed to reproduce any failure.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "copy/decide.h"
#include "copy/drift.h"
#include "domain/sizing/sizing.h"
#include "tests/support/leader_gen.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::LeaderModel;
using testing::LeaderOp;

struct Run {
  std::vector<FollowerSettings> followers;
  std::vector<LeaderOp> ops;
};

void showValue(const Run& run, std::ostream& os) {
  for (const auto& f : run.followers) {
    os << "follower " << f.follower.value << " " << to_string(f.sizing) << " ratio_ppm "
       << f.ratio_ppm << " carry " << f.carry_remainder << " max_pos " << f.max_position_units
       << " max_trades " << f.max_daily_trades << " reverse " << f.reverse << " copy_on "
       << (f.copy_on == CopyOn::fill ? "fill" : "placement") << " max_loss "
       << f.max_daily_loss_paise << " target " << f.daily_profit_target_paise << " guard "
       << to_string(f.loss_guard_action) << "\n";
  }
  for (const auto& op : run.ops) {
    testing::showValue(op, os);
    os << "\n";
  }
}

rc::Gen<Run> runs(bool with_days = true) {
  return rc::gen::build<Run>(
      rc::gen::set(&Run::followers, rc::gen::mapcat(rc::gen::inRange(1, 4),
                                                    [](int n) {
                                                      std::vector<rc::Gen<FollowerSettings>> gens;
                                                      for (int i = 0; i < n; ++i) {
                                                        gens.push_back(testing::follower_settings(
                                                            "f" + std::to_string(i)));
                                                      }
                                                      return rc::gen::exec([gens] {
                                                        std::vector<FollowerSettings> out;
                                                        for (const auto& g : gens)
                                                          out.push_back(*g);
                                                        return out;
                                                      });
                                                    })),
      rc::gen::set(&Run::ops, rc::gen::resize(60, rc::gen::container<std::vector<LeaderOp>>(
                                                      testing::leader_op(with_days)))));
}

std::vector<Event> play(const Run& run) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup(run.followers);
  LeaderModel leader;
  for (const LeaderOp& op : run.ops) leader.step(op, sim);
  sim.broker_step();  // whatever is still working fills at the end of the run
  return sim.journal();
}

bool is_decision(const Event& e) { return decided_for(e) != nullptr; }

RC_GTEST_PROP(DecideProp, SameHistorySameJournalAndReplayReproducesEveryDecision, ()) {
  const Run run = *runs();
  const std::vector<Event> journal = play(run);
  RC_ASSERT(play(run) == journal);

  CopyState state;
  size_t checked = 0;
  for (size_t i = 0; i < journal.size();) {
    const Event& e = journal[i];
    RC_ASSERT(!is_decision(e));  // every decision follows the event that caused it
    const std::vector<Event> again = step(state, e);
    for (size_t k = 0; k < again.size(); ++k) {
      RC_ASSERT(i + 1 + k < journal.size());
      RC_ASSERT(journal[i + 1 + k] == again[k]);
    }
    i += 1 + again.size();
    // (RC_ASSERT evaluates every operand, so short-circuit here, not inside it.)
    const bool no_extra_decisions = i == journal.size() || !is_decision(journal[i]);
    RC_ASSERT(no_extra_decisions);
    checked += again.size();
  }
  RC_TAG(checked > 0 ? "with decisions" : "no decisions");
}

// Forgetting ended orders as each day opens (forget_ended.h) changes no decision: a state
// that keeps every order decides each input of the journal exactly as recorded.
RC_GTEST_PROP(DecideProp, ForgettingEndedOrdersChangesNoDecision, ()) {
  const std::vector<Event> journal = play(*runs());
  CopyState keeping, forgetting;
  for (size_t i = 0; i < journal.size();) {
    const std::vector<Event> again = step(keeping, journal[i], apply_keeping_ended);
    apply(forgetting, journal[i]);
    for (size_t k = 0; k < again.size(); ++k) {
      RC_ASSERT(i + 1 + k < journal.size());
      RC_ASSERT(journal[i + 1 + k] == again[k]);
      apply(forgetting, again[k]);
    }
    i += 1 + again.size();
    const bool no_extra_decisions = i == journal.size() || !is_decision(journal[i]);
    RC_ASSERT(no_extra_decisions);
  }
  // What it holds is never forgotten.
  RC_ASSERT(forgetting.positions.by_key == keeping.positions.by_key);
  RC_TAG(forgetting.ended_leader_orders.empty() ? "nothing forgotten" : "orders forgotten");
}

// Walks a journal, giving each event with the state before it.
template <class Visit>
void walk(const std::vector<Event>& journal, Visit visit) {
  CopyState state;
  for (const Event& e : journal) {
    visit(state, e);
    state = evolve(std::move(state), e);
  }
}

// The instrument a leader or follower order report is about (none for other inputs).
std::optional<InstrumentKey> instrument_of(const CopyState& s, const Event& e) {
  if (const auto* u = std::get_if<LeaderOrderUpdate>(&e)) return u->instrument;
  const ClientTag* tag = nullptr;
  if (const auto* u = std::get_if<FollowerOrderUpdate>(&e)) tag = &u->tag;
  if (const auto* r = std::get_if<FollowerOrderRejected>(&e)) tag = &r->tag;
  if (tag == nullptr) return std::nullopt;
  const auto order = s.positions.follower_orders.find(*tag);
  if (order == s.positions.follower_orders.end()) return std::nullopt;
  return order->second.key.instrument;
}

const FollowerId* follower_of_report(const Event& e) {
  if (const auto* u = std::get_if<FollowerOrderUpdate>(&e)) return &u->follower;
  if (const auto* r = std::get_if<FollowerOrderRejected>(&e)) return &r->follower;
  return nullptr;
}

// Settled means on target (DESIGN.md invariant 8): a position settles — nothing of the
// leader's or the follower's working in it — on a report in its instrument; right after that
// report's step, each settled follower position there is at its target, or drift() names the
// refusal that keeps it off.
RC_GTEST_PROP(DecideProp, SettledFollowersAreOnTargetOrTheRefusalIsNamed, ()) {
  const Run run = *runs();
  const std::vector<Event> journal = play(run);
  CopyState state;
  size_t off = 0;
  for (const Event& e : journal) {
    if (is_decision(e)) continue;  // folded by the step of its input
    step(state, e);
    const auto instrument = instrument_of(state, e);
    if (!instrument) continue;
    const FollowerId* reported = follower_of_report(e);
    for (const Drift& d : drift(state, *instrument)) {
      // A follower's report settles that follower; a leader's, every follower.
      if (reported != nullptr && !(d.follower == *reported)) continue;
      RC_LOG() << to_string(event_type(e)) << " " << d.follower.value << " " << to_text(*instrument)
               << " net " << d.net_units << " target " << d.target_units << " reason "
               << to_string(d.reason) << "\n";
      RC_ASSERT(d.reason != SkipReason::none);
      ++off;
    }
  }
  RC_TAG(off > 0 ? "a refusal kept one off" : "all on target");
}

RC_GTEST_PROP(DecideProp, FollowerPositionNeverExceedsItsMaximum, ()) {
  const Run run = *runs();
  std::map<AccountId, int64_t> max_of;
  for (const auto& f : run.followers) max_of[f.account] = f.max_position_units;
  const std::vector<Event> journal = play(run);
  CopyState state;
  for (const Event& e : journal) {
    state = evolve(std::move(state), e);
    for (const auto& [key, position] : state.positions.by_key) {
      const auto max = max_of.find(key.account);
      if (max == max_of.end() || max->second == 0) continue;
      RC_ASSERT(std::abs(position.net_qty_units) <= max->second);
    }
  }
}

RC_GTEST_PROP(DecideProp, DailyTradesStayWithinTheLimitAndResetEachDay, ()) {
  const Run run = *runs();
  const std::vector<Event> journal = play(run);
  std::map<std::pair<FollowerId, TradingDay>, int64_t> placed;
  walk(journal, [&](const CopyState& s, const Event& e) {
    if (const auto* d = std::get_if<CopyDecision>(&e)) {
      if (d->action != CopyAction::place) return;
      // A flatten (the operator's or the loss guard's) closes positions whatever the limits,
      // and so does every exit (DESIGN.md invariant 8): only orders that open or add count.
      if (d->leader_order_id.value.starts_with("flatten:")) return;
      const int64_t held = d->sizing.position_before_units;
      const bool closes = held * (d->side == Side::buy ? 1 : -1) < 0 &&
                          d->quantity_units <= (held < 0 ? -held : held);
      if (closes) return;
      const int64_t n = ++placed[{d->follower, s.day}];
      const int64_t max = s.followers.at(d->follower).max_daily_trades;
      if (max > 0) RC_ASSERT(n <= max);
    }
  });
  CopyState state;
  for (const Event& e : journal) {
    state = evolve(std::move(state), e);
    if (std::holds_alternative<TradingDayOpened>(e)) {
      for (const auto& f : run.followers) {
        RC_ASSERT(state.counters.today(f.follower) == projections::DayCounters{});
      }
    }
  }
}

RC_GTEST_PROP(DecideProp, CarriedRemainderKeepsTheFollowerWithinOneLot, ()) {
  // One follower, fixed ratio, carry on, no limits; the leader buys and sells market orders
  // that fill at once and never sells more than it holds, all on one trading day.
  const int64_t ratio_ppm = *rc::gen::inRange<int64_t>(1, 3 * kPpm);
  FollowerSettings f = testing::sim_follower("c", SizingPolicy::fixed_ratio, ratio_ppm);
  f.carry_remainder = true;
  CopySim sim;
  sim.setup({f});
  const auto moves = *rc::gen::container<std::vector<int>>(rc::gen::inRange(-6, 7));
  const Instrument option = testing::sim_option();
  int64_t leader_lots = 0;
  int id = 0;
  for (int lots : moves) {
    if (lots == 0 || leader_lots + lots < 0) continue;
    const Side side = lots > 0 ? Side::buy : Side::sell;
    const int64_t qty = std::abs(lots) * option.lot_size_units;
    sim.apply(testing::leader_order("L" + std::to_string(id++), option, side, qty,
                                    OrderStatus::complete, qty));
    leader_lots += lots;
    const int64_t follower_micro = sim.position("c", option.key) * kMicro;
    const int64_t target_micro = leader_lots * option.lot_size_units * ratio_ppm;
    RC_ASSERT(std::abs(follower_micro - target_micro) <= option.lot_size_units * kMicro);
  }
}

}  // namespace
}  // namespace tandem::domain
