// Goal: the daily loss guard (copy/loss_guard.h) trips exactly when a follower's P&L
// for the day — realised plus open positions at the journaled marks, less its value when
// the day opened — reaches the maximum loss or the profit target; it trips once a day; its
// action holds until the next trading day: exits_only and flatten copy only orders that
// reduce a position (flatten closes everything at once), stop copies nothing.
// Method: hand-worked days through CopySim (decide, then fold, as the engine does), and a
// property over generated leader days with generated prices (tests/support/leader_gen.h).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "copy/drift.h"
#include "copy/loss_guard.h"
#include "copy/target.h"
#include "tests/support/leader_gen.h"

namespace tandem::domain::loss_guard_test {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kSimPricePaise;
using testing::kSimTenAm;
using testing::leader_order;
using testing::sim_equity;
using testing::sim_follower;
using testing::sim_option;

const InstrumentKey kOption = sim_option().key;

PriceSnapshot price(const InstrumentKey& key, int64_t paise) {
  return PriceSnapshot{{{key, paise}}, kSimTenAm};
}

std::vector<LossGuardTripped> trips_of(const std::vector<Event>& events) {
  std::vector<LossGuardTripped> out;
  for (const auto& e : events) {
    if (const auto* t = std::get_if<LossGuardTripped>(&e)) out.push_back(*t);
  }
  return out;
}

std::vector<FollowerOrderIntent> intents_of(const std::vector<Event>& events) {
  std::vector<FollowerOrderIntent> out;
  for (const auto& e : events) {
    if (const auto* i = std::get_if<FollowerOrderIntent>(&e)) out.push_back(*i);
  }
  return out;
}

FollowerSettings guarded(const std::string& id, int64_t max_loss, LossGuardAction action) {
  FollowerSettings f = sim_follower(id);
  f.max_daily_loss_paise = max_loss;
  f.loss_guard_action = action;
  return f;
}

// a buys 150 of the option at 100.00 (the CopySim broker's fill price).
CopySim long_150(const FollowerSettings& f) {
  CopySim sim;
  sim.setup({f});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  return sim;
}

TEST(LossGuard, DayPnlIsRealisedPlusOpenAtTheMarks) {
  CopySim sim = long_150(sim_follower("a"));
  const FollowerSettings& a = sim.state().followers.at(FollowerId{"a"});
  // No price journaled yet: marked at the leader's fill, 100.00 — flat.
  EXPECT_EQ(day_pnl_paise(sim.state(), a), 0);
  sim.apply(price(kOption, 90'00));
  EXPECT_EQ(day_pnl_paise(sim.state(), a), -150 * 10'00);
  // Selling 75 realises 75 × −10.00; the rest stays open at the mark.
  sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75));
  EXPECT_EQ(
      sim.state().positions.by_key.at({{"a"}, {}, kOption, Product::intraday}).realized_pnl_paise,
      0);  // CopySim fills at 100.00: nothing realised...
  EXPECT_EQ(day_pnl_paise(sim.state(), a), -75 * 10'00);  // ...and 75 open at 90.00
  // An overlay (the snapshot being decided) wins over the journaled marks.
  EXPECT_EQ(day_pnl_paise(sim.state(), a, {{kOption, 110'00}}), 75 * 10'00);
}

TEST(LossGuard, ShortPositionsGainWhenThePriceFalls) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_equity(), Side::sell, 40, OrderStatus::complete, 40));
  ASSERT_EQ(sim.position("a", sim_equity().key), -40);
  sim.apply(price(sim_equity().key, 95'00));
  EXPECT_EQ(day_pnl_paise(sim.state(), sim.state().followers.at(FollowerId{"a"})), 40 * 5'00);
}

TEST(LossGuard, TripsAtTheLimitNotBefore) {
  CopySim sim = long_150(guarded("a", 1'500'00, LossGuardAction::exits_only));
  // 150 × 9.99 = 1498.50 lost: inside the limit.
  EXPECT_TRUE(trips_of(sim.apply(price(kOption, 90'01))).empty());
  // 150 × 10.00 = 1500.00: the limit itself trips.
  const auto trips = trips_of(sim.apply(price(kOption, 90'00)));
  ASSERT_EQ(trips.size(), 1u);
  EXPECT_EQ(trips[0].follower.value, "a");
  EXPECT_EQ(trips[0].limit, GuardLimit::max_daily_loss);
  EXPECT_EQ(trips[0].day_pnl_paise, -1'500'00);
  EXPECT_EQ(trips[0].threshold_paise, -1'500'00);
  EXPECT_EQ(trips[0].action, LossGuardAction::exits_only);
  // Once a day: a further fall trips nothing more.
  EXPECT_TRUE(trips_of(sim.apply(price(kOption, 50'00))).empty());
}

TEST(LossGuard, ProfitTargetTrips) {
  FollowerSettings f = sim_follower("a");
  f.daily_profit_target_paise = 1'000'00;
  f.loss_guard_action = LossGuardAction::stop;
  CopySim sim = long_150(f);
  EXPECT_TRUE(trips_of(sim.apply(price(kOption, 106'66))).empty());  // 999.00 up
  const auto trips = trips_of(sim.apply(price(kOption, 106'67)));    // 1000.50 up
  ASSERT_EQ(trips.size(), 1u);
  EXPECT_EQ(trips[0].limit, GuardLimit::profit_target);
  EXPECT_EQ(trips[0].threshold_paise, 1'000'00);
}

TEST(LossGuard, ExitsOnlyCopiesExitsAndCancelsWorkingEntries) {
  CopySim sim(false);
  sim.setup({guarded("a", 1'000'00, LossGuardAction::exits_only)});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  sim.broker_step();
  LeaderOrderUpdate entry = leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::open);
  entry.order_type = OrderType::limit;
  entry.price_paise = 95'00;
  sim.apply(entry);
  sim.broker_step(false);                             // working at the broker
  const auto out = sim.apply(price(kOption, 90'00));  // 150 × −10.00
  ASSERT_EQ(trips_of(out).size(), 1u);
  const auto cancels = intents_of(out);
  ASSERT_EQ(cancels.size(), 1u);  // the working entry, nothing else
  EXPECT_EQ(cancels[0].action, CopyAction::cancel);
  EXPECT_EQ(cancels[0].leader_order_id.value, "L2");
  sim.broker_step();

  // A new entry is refused by the guard; an exit is copied: what a holds closes, and the
  // part past flat (the leader turns short) is an entry the guard refuses.
  auto refused = decisions_of(
      sim.apply(leader_order("L3", sim_option(), Side::buy, 75, OrderStatus::complete, 75)));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].skip_reason, SkipReason::loss_guard);
  auto exit = decisions_of(
      sim.apply(leader_order("L4", sim_option(), Side::sell, 300, OrderStatus::complete, 300)));
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_EQ(exit[0].action, CopyAction::place);
  EXPECT_EQ(exit[0].quantity_units, 150);
  EXPECT_EQ(exit[0].clamp, Clamp::entry_limit);
  EXPECT_EQ(exit[0].skip_reason, SkipReason::loss_guard);
  sim.broker_step();
  EXPECT_EQ(sim.position("a", kOption), 0);
}

// Exits always go out (DESIGN.md invariant 8): `stop` refuses every entry, not exits.
TEST(LossGuard, StopCopiesNoEntryButExitsStillGo) {
  CopySim sim = long_150(guarded("a", 1'000'00, LossGuardAction::stop));
  const auto out = sim.apply(price(kOption, 90'00));
  ASSERT_EQ(trips_of(out).size(), 1u);
  EXPECT_TRUE(intents_of(out).empty());
  auto entry = decisions_of(
      sim.apply(leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::complete, 75)));
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].skip_reason, SkipReason::loss_guard);
  auto exit = decisions_of(
      sim.apply(leader_order("L3", sim_option(), Side::sell, 225, OrderStatus::complete, 225)));
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_EQ(exit[0].action, CopyAction::place);
  EXPECT_EQ(sim.position("a", kOption), 0);
}

TEST(LossGuard, FlattenClosesEveryPositionAtOnce) {
  CopySim sim = long_150(guarded("a", 1'000'00, LossGuardAction::flatten));
  const auto out = sim.apply(price(kOption, 90'00));
  ASSERT_EQ(trips_of(out).size(), 1u);
  const auto closing = intents_of(out);
  ASSERT_EQ(closing.size(), 1u);
  EXPECT_EQ(closing[0].order.side, Side::sell);
  EXPECT_EQ(closing[0].order.quantity_units, 150);
  EXPECT_EQ(closing[0].order.order_type, OrderType::market);
  EXPECT_EQ(closing[0].leader_order_id.value,
            "flatten:loss-guard-" + std::to_string(testing::kSimDay) +
                ":NFO:NIFTY26N2423500CE:" + std::string(to_string(Product::intraday)));
  EXPECT_EQ(sim.position("a", kOption), 0);
  // The same state and snapshot decide the same (replay).
  EXPECT_EQ(decide(sim.state(), price(kOption, 80'00)), decide(sim.state(), price(kOption, 80'00)));
}

// A guard's flatten holds like an operator's: when the broker refuses the close, the
// follower's target stays zero, drift names the gap, and the leader's next fill there closes
// it (before schema 6 the target followed the leader again, and the position was "on target").
TEST(LossGuard, AFlattenTheBrokerRefusedIsStillOwed) {
  CopySim sim(false);
  sim.setup({guarded("a", 1'000'00, LossGuardAction::flatten)});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  sim.broker_step();
  ASSERT_EQ(sim.position("a", kOption), 150);
  const auto closing = intents_of(sim.apply(price(kOption, 90'00)));
  ASSERT_EQ(closing.size(), 1u);
  sim.apply(
      FollowerOrderRejected{closing[0].tag, closing[0].follower, OrderFailure::rejected, "RMS"});
  const FollowerSettings& a = sim.state().followers.at(FollowerId{"a"});
  EXPECT_EQ(target_of(sim.state(), a, kOption, Product::intraday).units, 0);
  const auto gaps = drift(sim.state(), kOption);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].net_units, 150);
  EXPECT_EQ(gaps[0].target_units, 0);
  // The leader sells half: the follower sells everything it holds.
  const auto out =
      sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete, 75));
  const auto sells = intents_of(out);
  ASSERT_EQ(sells.size(), 1u);
  EXPECT_EQ(sells[0].order.side, Side::sell);
  EXPECT_EQ(sells[0].order.quantity_units, 150);
  sim.broker_step();
  EXPECT_EQ(sim.position("a", kOption), 0);
}

TEST(LossGuard, TheNextTradingDayStartsAgainFromItsOpeningValue) {
  CopySim sim = long_150(guarded("a", 1'000'00, LossGuardAction::exits_only));
  ASSERT_EQ(trips_of(sim.apply(price(kOption, 90'00))).size(), 1u);
  sim.apply(TradingDayOpened{testing::kSimDay + 3});
  const FollowerSettings& a = sim.state().followers.at(FollowerId{"a"});
  EXPECT_FALSE(sim.state().guards.at(FollowerId{"a"}).tripped);
  EXPECT_EQ(day_pnl_paise(sim.state(), a), 0);  // yesterday's loss is yesterday's
  const TimeNs monday = kSimTenAm + 3 * 86'400'000'000'000;
  auto entry = decisions_of(sim.apply(
      leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::complete, 75, monday)));
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].action, CopyAction::place);
  // 225 held at 90.00 (75 bought at 100.00): 750.00 down today; 9.00 more on 225 trips.
  EXPECT_EQ(day_pnl_paise(sim.state(), a), -750'00);
  EXPECT_TRUE(trips_of(sim.apply(price(kOption, 88'89))).empty());
  EXPECT_EQ(trips_of(sim.apply(price(kOption, 88'88))).size(), 1u);
}

TEST(LossGuard, FollowersWithoutLimitsAreNeverGuarded) {
  CopySim sim = long_150(sim_follower("a"));
  EXPECT_TRUE(trips_of(sim.apply(price(kOption, 1))).empty());
}

// Over generated days: every trip is for a follower whose limit the snapshot's P&L really
// crossed, and every crossing trips; at most once a day; after it, no copy adds to a
// position until the next trading day (exits always go, DESIGN.md invariant 8).
RC_GTEST_PROP(LossGuardProp, TripsExactlyWhenCrossedOnceADayAndThenOnlyReduces, ()) {
  std::vector<FollowerSettings> followers;
  for (int i = 0; i < 3; ++i)
    followers.push_back(*testing::follower_settings("f" + std::to_string(i)));
  const auto ops = *rc::gen::resize(
      60, rc::gen::container<std::vector<testing::LeaderOp>>(testing::leader_op()));
  CopySim sim(false);
  sim.setup(followers);
  testing::LeaderModel leader;
  for (const auto& op : ops) leader.step(op, sim);

  CopyState state;
  std::map<FollowerId, TradingDay> tripped_on;
  int trips = 0;
  const auto& journal = sim.journal();
  for (size_t i = 0; i < journal.size(); ++i) {
    const Event& e = journal[i];
    if (const auto* p = std::get_if<PriceSnapshot>(&e)) {
      std::set<FollowerId> tripped_now;
      for (size_t k = i + 1; k < journal.size() && decided_for(journal[k]); ++k) {
        if (const auto* t = std::get_if<LossGuardTripped>(&journal[k])) {
          tripped_now.insert(t->follower);
          RC_ASSERT(t->day_pnl_paise ==
                    day_pnl_paise(state, state.followers.at(t->follower), p->prices));
        }
      }
      for (const auto& [id, f] : state.followers) {
        const bool already = tripped_on.contains(id) && tripped_on[id] == state.day;
        const int64_t pnl = day_pnl_paise(state, f, p->prices);
        const bool crossed =
            (f.max_daily_loss_paise > 0 && pnl <= -f.max_daily_loss_paise) ||
            (f.daily_profit_target_paise > 0 && pnl >= f.daily_profit_target_paise);
        RC_ASSERT(tripped_now.contains(id) == (crossed && !already && f.enabled));
        if (tripped_now.contains(id)) {
          tripped_on[id] = state.day;
          ++trips;
        }
      }
    }
    if (const auto* intent = std::get_if<FollowerOrderIntent>(&e);
        intent != nullptr && intent->action == CopyAction::place) {
      const auto g = state.guards.find(intent->follower);
      if (g != state.guards.end() && g->second.tripped) {
        const FollowerSettings& f = state.followers.at(intent->follower);
        const int64_t held =
            state.positions.net(book_of(f), intent->order.instrument, intent->order.product);
        const int64_t dir = intent->order.side == Side::buy ? 1 : -1;
        RC_ASSERT(held * dir < 0);  // reduces what the follower holds, never past flat
        RC_ASSERT(intent->order.quantity_units <= std::abs(held));
      }
    }
    state = evolve(std::move(state), e);
  }
  RC_TAG(trips > 0 ? "tripped" : "never tripped");
}

}  // namespace
}  // namespace tandem::domain::loss_guard_test
