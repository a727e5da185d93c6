// Time as an input (copy/clock.h): what a ClockTick decides, and when one is due.
#include "copy/clock.h"

#include <gtest/gtest.h>

#include "domain/copy/client_tag.h"
#include "tests/support/copy_sim.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kSimTenAm;
using testing::leader_order;
using testing::sim_follower;
using testing::sim_option;

constexpr TimeNs kSecond = 1'000'000'000;
constexpr TimeNs kMinute = 60 * kSecond;

LeaderOrderUpdate limit_buy(int64_t qty, OrderStatus status, int64_t filled, TimeNs at) {
  LeaderOrderUpdate u = leader_order("L1", sim_option(), Side::buy, qty, status, filled, at);
  u.order_type = OrderType::limit;
  u.price_paise = 99'00;
  return u;
}

const FollowerOrderIntent* only_intent(const std::vector<Event>& events) {
  const FollowerOrderIntent* found = nullptr;
  for (const Event& e : events) {
    if (const auto* i = std::get_if<FollowerOrderIntent>(&e)) {
      EXPECT_EQ(found, nullptr) << "more than one intent";
      found = i;
    }
  }
  return found;
}

// The leader's limit filled; the follower's copy of it is still open at its broker.
struct LateCopy : ::testing::Test {
  CopySim sim{/*auto_fill=*/false};
  const TimeNs filled_at = kSimTenAm + kMinute;
  void SetUp() override {
    FollowerSettings f = sim_follower("a", SizingPolicy::multiplier, 2 * kPpm);
    f.catch_up_ms = 30'000;
    sim.setup({f});
    sim.apply(ClockTick{kSimTenAm - kMinute});  // the engine's first tick of the day
    sim.apply(limit_buy(75, OrderStatus::open, 0, kSimTenAm));
    sim.broker_step(/*fill_places=*/false);  // acknowledged, open
    sim.apply(limit_buy(75, OrderStatus::complete, 75, filled_at));
    ASSERT_EQ(sim.position("a", sim_option().key), 0);
  }
};

TEST_F(LateCopy, IsDueOnlyOnceCatchUpMsHavePassedSinceTheLeaderFilled) {
  EXPECT_FALSE(tick_due(sim.state(), filled_at + 29 * kSecond));
  EXPECT_TRUE(tick_due(sim.state(), filled_at + 30 * kSecond));
}

TEST_F(LateCopy, IsCancelledAndTheRestGoesAtMarketOnceTheCancelIsConfirmed) {
  const auto out = sim.apply(ClockTick{filled_at + 31 * kSecond});
  const auto decisions = decisions_of(out);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].action, CopyAction::cancel);
  EXPECT_EQ(decisions[0].clamp, Clamp::catch_up);
  EXPECT_EQ(decisions[0].sizing.position_before_units, 0);
  EXPECT_EQ(decisions[0].sizing.target_units, 150);
  const FollowerOrderIntent* cancel = only_intent(out);
  ASSERT_NE(cancel, nullptr);
  EXPECT_EQ(cancel->target_tag, client_tag({"L1"}, {"a"}, 1));
  // Sent once: the next tick finds the cancel in flight.
  EXPECT_FALSE(tick_due(sim.state(), filled_at + 40 * kSecond));
  sim.broker_step(/*fill_places=*/true);  // the cancel lands; convergence buys at market
  EXPECT_EQ(sim.position("a", sim_option().key), 150);
}

TEST_F(LateCopy, IsLeftAloneWithoutCatchUpMs) {
  FollowerSettings f = sim.state().followers.at({"a"});
  f.catch_up_ms = 0;
  sim.apply(FollowerConfigured{f});
  // New settings are due once (the follower converges: here, on target with its copy
  // working, nothing to do); then nothing more.
  EXPECT_TRUE(decisions_of(sim.apply(ClockTick{filled_at + kSecond})).empty());
  EXPECT_FALSE(tick_due(sim.state(), filled_at + 3600 * kSecond));
  EXPECT_TRUE(decisions_of(sim.apply(ClockTick{filled_at + 3600 * kSecond})).empty());
}

TEST_F(LateCopy, WaitsWhileTheFollowerIsPaused) {
  sim.apply(FollowerPaused{{"a"}, "op", "a look"});
  EXPECT_FALSE(tick_due(sim.state(), filled_at + 60 * kSecond));
  sim.apply(FollowerResumed{{"a"}, "op"});
  EXPECT_TRUE(tick_due(sim.state(), filled_at + 60 * kSecond));
}

TEST(ClockTick, ACopyWindowThatOpensLaterBringsTheFollowerToTheLeader) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.copy_window_start_min = 10 * 60 + 30;  // 10:30 to 15:00 IST
  f.copy_window_end_min = 15 * 60;
  sim.setup({f});
  sim.apply(ClockTick{kSimTenAm - kMinute});
  const auto entry = decisions_of(
      sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150)));
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].skip_reason, SkipReason::outside_copy_window);
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + 29 * kMinute));
  ASSERT_TRUE(tick_due(sim.state(), kSimTenAm + 30 * kMinute));
  const auto out = sim.apply(ClockTick{kSimTenAm + 30 * kMinute});
  ASSERT_NE(only_intent(out), nullptr);
  EXPECT_EQ(sim.position("a", sim_option().key), 150);
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + 31 * kMinute));
}

TEST(ClockTick, AnExitOwedWhileTheMarketWasClosedGoesWhenItOpens) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  ASSERT_EQ(sim.position("a", sim_option().key), 75);
  LeaderOrderUpdate exit = leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::complete,
                                        75, kSimTenAm + 5 * 60 * kMinute + 31 * kMinute);  // 15:31
  exit.product = Product::intraday;
  const auto held = decisions_of(sim.apply(exit));
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].skip_reason, SkipReason::market_closed);
  sim.apply(ClockTick{kSimTenAm + 5 * 60 * kMinute + 40 * kMinute});  // 15:40: still closed
  EXPECT_EQ(sim.position("a", sim_option().key), 75);
  const TimeNs monday_open = kSimTenAm + 3 * 24 * 60 * kMinute - 45 * kMinute;  // 09:15 IST
  // MCX opens at 09:00 (a tick then decides nothing here); nothing is open before.
  EXPECT_FALSE(tick_due(sim.state(), monday_open - 16 * kMinute));
  ASSERT_TRUE(tick_due(sim.state(), monday_open));
  sim.apply(TradingDayOpened{20261123});
  sim.apply(ClockTick{monday_open});
  EXPECT_EQ(sim.position("a", sim_option().key), 0);
}

TEST(ClockTick, NothingIsDueBeforeTheLastTickOrOnAQuietDay) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(ClockTick{kSimTenAm});
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm));
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + 60 * kMinute));
  EXPECT_TRUE(decisions_of(sim.apply(ClockTick{kSimTenAm + 60 * kMinute})).empty());
}

// A restart with a new config: the follower's targets move with its settings. Nothing is
// decided on the settings themselves (the engine journals them before it reads the brokers'
// books); the next tick converges every position of the follower, and only its.
TEST(ClockTick, NewSettingsBringTheFollowerToItsNewTargetAtTheNextTick) {
  CopySim sim;
  sim.setup({sim_follower("a"), sim_follower("b")});
  sim.apply(ClockTick{kSimTenAm - kMinute});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  ASSERT_EQ(sim.position("a", sim_option().key), 150);
  FollowerSettings same = sim.state().followers.at({"b"});
  EXPECT_TRUE(decisions_of(sim.apply(FollowerConfigured{same})).empty());
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + kMinute));  // unchanged settings: nothing
  FollowerSettings doubled = sim.state().followers.at({"a"});
  doubled.ratio_ppm = 2 * kPpm;
  EXPECT_TRUE(decisions_of(sim.apply(FollowerConfigured{doubled})).empty());
  ASSERT_TRUE(tick_due(sim.state(), kSimTenAm + kMinute));
  const auto out = sim.apply(ClockTick{kSimTenAm + kMinute});
  const FollowerOrderIntent* more = only_intent(out);
  ASSERT_NE(more, nullptr);
  EXPECT_EQ(more->follower.value, "a");
  EXPECT_EQ(sim.position("a", sim_option().key), 300);
  EXPECT_EQ(sim.position("b", sim_option().key), 150);
  EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + 2 * kMinute));
}

// A cancel the engine stopped before sending (journaled rejected "unsent") is decided again
// at the first tick of the next run; one the broker refused is not.
// A cancel that may not have reached the broker (not sent at a stop, its outcome unknown, not
// processed) is decided again at the next tick; one the broker refused, or whose token it
// refused, is not.
TEST(ClockTick, ACancelThatMayNotHaveTakenIsDecidedAgainAtTheNextTick) {
  for (const OrderFailure error :
       {OrderFailure::unsent, OrderFailure::network, OrderFailure::rate_limited,
        OrderFailure::broker_down, OrderFailure::queue_timeout, OrderFailure::rejected,
        OrderFailure::input, OrderFailure::unauthenticated}) {
    SCOPED_TRACE(to_string(error));
    CopySim sim{/*auto_fill=*/false};
    sim.setup({sim_follower("a")});
    sim.apply(ClockTick{kSimTenAm - kMinute});
    sim.apply(limit_buy(75, OrderStatus::open, 0, kSimTenAm));
    sim.broker_step(/*fill_places=*/false);  // the copy is open at the broker
    const auto cancelled = sim.apply(limit_buy(75, OrderStatus::cancelled, 0, kSimTenAm + 1));
    const FollowerOrderIntent* cancel = only_intent(cancelled);
    ASSERT_NE(cancel, nullptr);
    ASSERT_EQ(cancel->action, CopyAction::cancel);
    const ClientTag copy_tag = cancel->target_tag;
    EXPECT_TRUE(decisions_of(sim.apply(FollowerOrderRejected{cancel->tag, {"a"}, error, "stopped"}))
                    .empty());
    const bool again = error != OrderFailure::rejected && error != OrderFailure::input &&
                       error != OrderFailure::unauthenticated;
    EXPECT_EQ(tick_due(sim.state(), kSimTenAm + kMinute), again);
    const auto out = sim.apply(ClockTick{kSimTenAm + kMinute});
    const FollowerOrderIntent* retry = only_intent(out);
    if (!again) {
      EXPECT_EQ(retry, nullptr) << "a cancel the broker refused was sent again";
      continue;
    }
    ASSERT_NE(retry, nullptr);
    EXPECT_EQ(retry->action, CopyAction::cancel);
    EXPECT_EQ(retry->target_tag, copy_tag);
    EXPECT_NE(retry->tag, cancel->tag);
    EXPECT_FALSE(tick_due(sim.state(), kSimTenAm + 2 * kMinute)) << "decided more than once";
    sim.broker_step();
    EXPECT_EQ(sim.state().orders.follower.at(copy_tag).status, OrderStatus::cancelled);
    EXPECT_EQ(sim.position("a", sim_option().key), 0);
  }
}

// A copy both late (its leader order filled in part, then was cancelled, catch_up_ms ago) and
// orphaned by an unsent cancel is cancelled once, not twice under one tag.
TEST(ClockTick, ACopyBothLateAndOrphanedIsCancelledOnce) {
  CopySim sim{/*auto_fill=*/false};
  FollowerSettings f = sim_follower("a");
  f.catch_up_ms = 30'000;
  sim.setup({f});
  sim.apply(ClockTick{kSimTenAm - kMinute});
  sim.apply(limit_buy(75, OrderStatus::open, 0, kSimTenAm));
  sim.broker_step(/*fill_places=*/false);
  sim.apply(limit_buy(75, OrderStatus::open, 25, kSimTenAm + kSecond));
  const auto cancelled =
      sim.apply(limit_buy(75, OrderStatus::cancelled, 25, kSimTenAm + 2 * kSecond));
  const FollowerOrderIntent* cancel = only_intent(cancelled);
  ASSERT_NE(cancel, nullptr);
  sim.apply(FollowerOrderRejected{cancel->tag, {"a"}, OrderFailure::unsent, "stopped"});
  const auto out = sim.apply(ClockTick{kSimTenAm + kMinute});
  const FollowerOrderIntent* again = only_intent(out);  // fails on a second intent
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->action, CopyAction::cancel);
  EXPECT_EQ(again->target_tag, cancel->target_tag);
}

}  // namespace
}  // namespace tandem::domain
