// Goal: decide() mirrors the leader order lifecycle as DESIGN.md describes — place, modify,
// cancel, fill deltas, exits clamped, rejections ignored — and refuses with the right
// named reason in each scenario the seed copiers handle.
// Method: CopySim feeds leader updates through decide/evolve with a broker that fills.
#include "copy/decide.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "domain/copy/client_tag.h"
#include "tests/support/copy_sim.h"

namespace tandem::domain::decide_test {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::leader_order;
using testing::sim_equity;
using testing::sim_follower;
using testing::sim_option;

const InstrumentKey kOption = sim_option().key;

FollowerOrderIntent only_intent(const std::vector<Event>& events) {
  std::vector<FollowerOrderIntent> intents;
  for (const auto& e : events) {
    if (const auto* i = std::get_if<FollowerOrderIntent>(&e)) intents.push_back(*i);
  }
  EXPECT_EQ(intents.size(), 1u);
  return intents.empty() ? FollowerOrderIntent{} : intents.front();
}

// A working leader LIMIT order at ₹99 for `qty` units of the option.
LeaderOrderUpdate limit_buy(int64_t qty) {
  LeaderOrderUpdate u = leader_order("L1", sim_option(), Side::buy, qty, OrderStatus::open);
  u.order_type = OrderType::limit;
  u.price_paise = 99'00;
  return u;
}

CopyDecision only_decision(const std::vector<Event>& events) {
  const auto d = decisions_of(events);
  EXPECT_EQ(d.size(), 1u);
  return d.empty() ? CopyDecision{} : d.front();
}

TEST(Decide, NewOrderIsPlacedForEveryFollowerWithADeterministicTag) {
  CopySim sim;
  sim.setup({sim_follower("a", SizingPolicy::multiplier, 2 * kPpm),
             sim_follower("b", SizingPolicy::fixed_ratio, kPpm / 2)});
  const auto out = sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::open));
  const auto decisions = decisions_of(out);
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].follower.value, "a");
  EXPECT_EQ(decisions[0].action, CopyAction::place);
  EXPECT_EQ(decisions[0].quantity_units, 300);
  EXPECT_EQ(decisions[1].quantity_units, 75);
  const auto* intent = std::get_if<FollowerOrderIntent>(&out[1]);
  ASSERT_NE(intent, nullptr);
  EXPECT_EQ(intent->tag, client_tag({"L1"}, {"a"}, 1));
  EXPECT_EQ(intent->order.quantity_units, 300);
  EXPECT_EQ(intent->order.side, Side::buy);
  EXPECT_EQ(sim.position("a", kOption), 300);
}

TEST(Decide, ADuplicatedOrLateUpdateDoesNotPlaceTwice) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  const auto open = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  EXPECT_EQ(decisions_of(sim.apply(open)).size(), 1u);
  EXPECT_TRUE(sim.apply(open).empty());
  EXPECT_TRUE(sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75))
                  .empty());
  EXPECT_EQ(sim.position("a", kOption), 75);
}

TEST(Decide, AMarketOrderFirstSeenCompleteIsStillCopied) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  const auto out =
      sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  EXPECT_EQ(only_decision(out).action, CopyAction::place);
}

TEST(Decide, LeaderRejectionPlacesAndCancelsNothing) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  EXPECT_TRUE(
      sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::rejected)).empty());
}

TEST(Decide, LeaderModifyRescalesTheFollowerOrder) {
  CopySim sim(/*auto_fill=*/false);
  sim.setup({sim_follower("a", SizingPolicy::multiplier, 2 * kPpm)});
  auto u = limit_buy(75);
  sim.apply(u);
  sim.broker_step(/*fill_places=*/false);  // acknowledged and open, not filled
  u.quantity_units = 150;
  u.price_paise = 98'00;
  const auto out = sim.apply(u);
  const CopyDecision d = only_decision(out);
  EXPECT_EQ(d.action, CopyAction::modify);
  EXPECT_EQ(d.quantity_units, 300);
  const FollowerOrderIntent intent = only_intent(out);
  EXPECT_EQ(intent.order.price_paise, 98'00);
  EXPECT_EQ(intent.target_tag, client_tag({"L1"}, {"a"}, 1));
  EXPECT_EQ(intent.tag, client_tag({"L1"}, {"a"}, 2));
}

// A modify of the copy that never took (refused, or its outcome unknown after its lookup) left
// the copy on its old price: the leader order's next report — here its fill at the new price,
// which changes nothing of its terms — brings the copy to the leader's terms. Taken, the same
// report decides nothing.
TEST(Decide, AModifyThatNeverTookIsMadeAgainAtTheLeadersNextReport) {
  for (const bool taken : {false, true}) {
    SCOPED_TRACE(taken ? "taken" : "refused");
    CopySim sim(/*auto_fill=*/false);
    sim.setup({sim_follower("a")});
    auto u = limit_buy(75);
    const auto placed = only_intent(sim.apply(u));
    sim.record(FollowerOrderAck{placed.tag, {"a"}, {"B1"}});
    u.price_paise = 98'00;
    const auto modify = only_intent(sim.apply(u));
    ASSERT_EQ(modify.action, CopyAction::modify);
    if (taken) {
      sim.record(FollowerOrderAck{modify.tag, {"a"}, {"B1"}});
    } else {
      sim.record(FollowerOrderRejected{modify.tag, {"a"}, OrderFailure::network, "no answer"});
    }
    u.status = OrderStatus::complete;
    u.filled_units = 75;
    const auto out = sim.apply(u);
    if (taken) {
      EXPECT_TRUE(decisions_of(out).empty());
      continue;
    }
    const FollowerOrderIntent again = only_intent(out);
    EXPECT_EQ(again.action, CopyAction::modify);
    EXPECT_EQ(again.order.price_paise, 98'00);
    EXPECT_EQ(again.target_order_id.value, "B1");
    EXPECT_NE(again.tag, modify.tag);
  }
}

TEST(Decide, ModifyNeverGoesBelowWhatTheFollowerFilled) {
  CopySim sim(false);
  sim.setup({sim_follower("a")});
  auto u = limit_buy(225);
  const auto placed = only_intent(sim.apply(u));
  sim.record(FollowerOrderAck{placed.tag, {"a"}, {"B1"}});
  sim.record(FollowerOrderUpdate{placed.tag, {"a"}, {"B1"}, OrderStatus::open, 150, 99'00, 0, 225});
  u.quantity_units = 75;  // the leader shrinks its order below the follower's fills
  const CopyDecision d = only_decision(sim.apply(u));
  EXPECT_EQ(d.action, CopyAction::modify);
  EXPECT_EQ(d.quantity_units, 150);
  EXPECT_EQ(d.clamp, Clamp::already_filled);
}

TEST(Decide, LeaderCancelCancelsTheFollowerOrder) {
  CopySim sim(false);
  sim.setup({sim_follower("a")});
  auto u = limit_buy(75);
  const auto placed = only_intent(sim.apply(u));
  sim.record(FollowerOrderAck{placed.tag, {"a"}, {"B7"}});
  u.status = OrderStatus::cancelled;
  const auto out = sim.apply(u);
  EXPECT_EQ(only_decision(out).action, CopyAction::cancel);
  const FollowerOrderIntent cancel = only_intent(out);
  EXPECT_EQ(cancel.target_order_id.value, "B7");
  EXPECT_TRUE(sim.apply(u).empty());  // a repeated cancel sends nothing more
}

TEST(Decide, ExitIsClampedToTheFollowersPosition) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.max_position_units = 75;
  sim.setup({f});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  ASSERT_EQ(sim.position("a", kOption), 75);  // capped by its max position
  const auto out =
      sim.apply(leader_order("L2", sim_option(), Side::sell, 150, OrderStatus::complete, 150));
  const CopyDecision d = only_decision(out);
  EXPECT_EQ(d.action, CopyAction::place);
  EXPECT_EQ(d.quantity_units, 75);  // what it holds, not the leader's 150
  EXPECT_EQ(d.sizing.target_units, 0);
  EXPECT_EQ(d.sizing.position_before_units, 75);
  EXPECT_EQ(sim.position("a", kOption), 0);
}

TEST(Decide, ExitWithNoPositionIsSkippedWithItsReason) {
  CopySim sim;
  FollowerSettings late = sim_follower("late");
  late.enabled = false;
  sim.setup({late});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  // The follower is enabled only after the leader's entry; the exit must not open a short.
  late.enabled = true;
  sim.apply(FollowerConfigured{late});
  const CopyDecision d =
      only_decision(sim.apply(leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::open)));
  EXPECT_EQ(d.action, CopyAction::skip);
  EXPECT_EQ(d.skip_reason, SkipReason::no_position_to_exit);
}

TEST(Decide, CopyOnFillCopiesEachFilledDelta) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.copy_on = CopyOn::fill;
  sim.setup({f});
  EXPECT_TRUE(
      sim.apply(leader_order("L1", sim_option(), Side::buy, 225, OrderStatus::open)).empty());
  const auto first =
      sim.apply(leader_order("L1", sim_option(), Side::buy, 225, OrderStatus::open, 75));
  EXPECT_EQ(only_decision(first).quantity_units, 75);
  const auto second =
      sim.apply(leader_order("L1", sim_option(), Side::buy, 225, OrderStatus::complete, 225));
  const CopyDecision d = only_decision(second);
  EXPECT_EQ(d.quantity_units, 150);
  // copy_on = fill is convergence: market orders of Tandem's own, each under its own id.
  EXPECT_TRUE(d.leader_order_id.value.starts_with("converge:")) << d.leader_order_id.value;
  EXPECT_NE(d.leader_order_id, only_decision(first).leader_order_id);
  EXPECT_EQ(sim.position("a", kOption), 225);
}

TEST(Decide, ReverseCopyingSellsWhenTheLeaderBuys) {
  CopySim sim;
  FollowerSettings f = sim_follower("r");
  f.reverse = true;
  sim.setup({f});
  const CopyDecision d = only_decision(
      sim.apply(leader_order("L1", sim_equity(), Side::buy, 10, OrderStatus::complete, 10)));
  EXPECT_EQ(d.side, Side::sell);
  EXPECT_EQ(sim.position("r", sim_equity().key), -10);
}

// One refusal per scenario, each named.
struct SkipCase {
  const char* name;
  std::function<void(FollowerSettings&)> settings;
  std::function<void(LeaderOrderUpdate&)> order;
  SkipReason reason;
};

class DecideSkips : public ::testing::TestWithParam<SkipCase> {};

TEST_P(DecideSkips, RefusesWithItsNamedReason) {
  const SkipCase& c = GetParam();
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  c.settings(f);
  sim.setup({f}, c.reason == SkipReason::no_capital_snapshot ? 0 : 10'00'000'00);
  LeaderOrderUpdate u = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  c.order(u);
  const CopyDecision d = only_decision(sim.apply(u));
  EXPECT_EQ(d.action, CopyAction::skip);
  EXPECT_EQ(d.skip_reason, c.reason) << c.name;
  EXPECT_EQ(d.ordinal, 0u);
}

auto none_settings = [](FollowerSettings&) {};
auto none_order = [](LeaderOrderUpdate&) {};

INSTANTIATE_TEST_SUITE_P(
    AllReasons, DecideSkips,
    ::testing::Values(
        SkipCase{"disabled", [](FollowerSettings& f) { f.enabled = false; }, none_order,
                 SkipReason::follower_disabled},
        SkipCase{"market closed", none_settings,
                 [](LeaderOrderUpdate& u) { u.exchange_time_ns += 6LL * 3600 * 1'000'000'000; },
                 SkipReason::market_closed},
        SkipCase{"copy window",
                 [](FollowerSettings& f) {
                   f.copy_window_start_min = 11 * 60;
                   f.copy_window_end_min = 15 * 60;
                 },
                 none_order, SkipReason::outside_copy_window},
        SkipCase{"stale", [](FollowerSettings& f) { f.staleness_limit_ms = 1000; },
                 [](LeaderOrderUpdate& u) { u.received_time_ns += 5'000'000'000; },
                 SkipReason::stale_event},
        SkipCase{"unknown instrument", none_settings,
                 [](LeaderOrderUpdate& u) { u.instrument.tradingsymbol = "UNLISTED"; },
                 SkipReason::unknown_instrument},
        SkipCase{"deny list", [](FollowerSettings& f) { f.deny_underlyings = {"NIFTY"}; },
                 none_order, SkipReason::instrument_not_allowed},
        SkipCase{"product", [](FollowerSettings& f) { f.allow_products = {Product::delivery}; },
                 none_order, SkipReason::product_not_allowed},
        SkipCase{"below one lot",
                 [](FollowerSettings& f) {
                   f.sizing = SizingPolicy::fixed_ratio;
                   f.ratio_ppm = kPpm / 2;
                 },
                 none_order, SkipReason::below_one_lot},
        SkipCase{"no capital",
                 [](FollowerSettings& f) { f.sizing = SizingPolicy::capital_proportional; },
                 none_order, SkipReason::no_capital_snapshot},
        SkipCase{"max order value", [](FollowerSettings& f) { f.max_order_value_paise = 1'000'00; },
                 [](LeaderOrderUpdate& u) {
                   u.order_type = OrderType::limit;
                   u.price_paise = 100'00;
                 },
                 SkipReason::max_order_value},
        SkipCase{"max position", [](FollowerSettings& f) { f.max_position_units = 50; }, none_order,
                 SkipReason::max_position_reached},
        SkipCase{"no reference price", [](FollowerSettings& f) { f.max_order_value_paise = 1; },
                 none_order, SkipReason::no_reference_price}),
    [](const ::testing::TestParamInfo<SkipCase>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (ch == ' ') ch = '_';
      }
      return name;
    });

TEST(Decide, PriceGuardComparesWithTheLastLeaderFill) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.price_guard_bp = 100;
  sim.setup({f});
  sim.apply(leader_order("L0", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  auto u = leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open);
  u.order_type = OrderType::limit;
  u.price_paise = 100'50;  // 0.5% from ₹100
  EXPECT_EQ(only_decision(sim.apply(u)).action, CopyAction::place);
  u.order_id = {"L2"};
  u.price_paise = 102'00;  // 2%
  EXPECT_EQ(only_decision(sim.apply(u)).skip_reason, SkipReason::price_guard);
}

TEST(Decide, LeaderChangeAfterTheFollowerFilledIsSkippedAsAlreadyFilled) {
  CopySim sim;  // the broker fills follower orders at once
  sim.setup({sim_follower("a")});
  auto u = limit_buy(75);
  sim.apply(u);
  u.price_paise = 98'00;
  const CopyDecision d = only_decision(sim.apply(u));
  EXPECT_EQ(d.action, CopyAction::skip);
  EXPECT_EQ(d.skip_reason, SkipReason::already_filled);
}

TEST(Decide, LeaderChangeAfterTheFollowerOrderWasRejectedHasNoOrderToChange) {
  CopySim sim(false);
  sim.setup({sim_follower("a")});
  auto u = limit_buy(75);
  const FollowerOrderIntent placed = only_intent(sim.apply(u));
  sim.record(
      FollowerOrderRejected{placed.tag, {"a"}, OrderFailure::rejected, "insufficient funds"});
  u.quantity_units = 150;
  const CopyDecision d = only_decision(sim.apply(u));
  EXPECT_EQ(d.skip_reason, SkipReason::no_mapped_order);
  EXPECT_EQ(sim.state().counters.today({"a"}).orders_rejected, 1);
}

TEST(Decide, PausedFollowerIsSkippedUntilResumed) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(FollowerPaused{{"a"}, "ops", "checking margin"});
  EXPECT_EQ(
      only_decision(sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open)))
          .skip_reason,
      SkipReason::follower_paused);
  sim.apply(FollowerResumed{{"a"}, "ops"});
  EXPECT_EQ(
      only_decision(sim.apply(leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::open)))
          .action,
      CopyAction::place);
}

TEST(Decide, DailyTradeLimitStopsCopiesUntilTheNextDay) {
  CopySim sim;
  FollowerSettings f = sim_follower("a");
  f.max_daily_trades = 2;
  sim.setup({f});
  auto order = [&](const char* id, TimeNs at) {
    return only_decision(
        sim.apply(leader_order(id, sim_equity(), Side::buy, 1, OrderStatus::open, 0, at)));
  };
  EXPECT_EQ(order("L1", testing::kSimTenAm).action, CopyAction::place);
  EXPECT_EQ(order("L2", testing::kSimTenAm).action, CopyAction::place);
  EXPECT_EQ(order("L3", testing::kSimTenAm).skip_reason, SkipReason::daily_trade_limit);
  // Monday 23 November: a new trading day, new counters.
  sim.apply(TradingDayOpened{20261123});
  const TimeNs monday = testing::kSimTenAm + 3LL * 24 * 3600 * 1'000'000'000;
  EXPECT_EQ(order("L4", monday).action, CopyAction::place);
}

TEST(Decide, HolidayIsAClosedMarket) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(MarketCalendarConfigured{{testing::kSimDay}});
  EXPECT_EQ(
      only_decision(sim.apply(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open)))
          .skip_reason,
      SkipReason::market_closed);
}

// A leader order found by a recovery, five minutes after it happened.
LeaderOrderUpdate recovered(LeaderOrderUpdate u) {
  u.recovered = true;
  u.received_time_ns = u.exchange_time_ns + 300'000'000'000;
  return u;
}

FollowerSettings late_follower(const std::string& id, LateEvents policy) {
  FollowerSettings f = sim_follower(id);
  f.staleness_limit_ms = 60'000;
  f.late_events = policy;
  return f;
}

TEST(Decide, LateEventsSkipLeavesARecoveredOrderToTheStalenessLimit) {
  CopySim sim;
  sim.setup({late_follower("a", LateEvents::skip)});
  const auto u = recovered(leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::open));
  EXPECT_EQ(only_decision(sim.apply(u)).skip_reason, SkipReason::stale_event);
}

TEST(Decide, LateEventsCopyMirrorsARecoveredOrderWhateverItsAge) {
  CopySim sim;
  sim.setup({late_follower("a", LateEvents::copy)});
  const CopyDecision d = only_decision(sim.apply(recovered(limit_buy(150))));
  EXPECT_EQ(d.action, CopyAction::place);
  EXPECT_EQ(d.quantity_units, 150);
  // A live update that is stale is still skipped: the policy is for recovered orders only.
  LeaderOrderUpdate live = leader_order("L2", sim_option(), Side::buy, 75, OrderStatus::open);
  live.received_time_ns += 300'000'000'000;
  EXPECT_EQ(only_decision(sim.apply(live)).skip_reason, SkipReason::stale_event);
}

TEST(Decide, LateEventsConvergeBuysWhatTheLeaderExecutedAtMarket) {
  CopySim sim;
  sim.setup({late_follower("a", LateEvents::converge)});
  // Found working with 75 of 225 filled: only the 75 is bought, at market.
  LeaderOrderUpdate u = recovered(limit_buy(225));
  u.filled_units = 75;
  u.average_price_paise = 99'00;
  const FollowerOrderIntent first = only_intent(sim.apply(u));
  EXPECT_EQ(first.order.order_type, OrderType::market);
  EXPECT_EQ(first.order.quantity_units, 75);
  EXPECT_EQ(sim.position("a", kOption), 75);
  // The leader modifies it live: nothing to mirror. It fills live: caught up again.
  LeaderOrderUpdate modified = limit_buy(300);
  modified.filled_units = 75;
  EXPECT_TRUE(decisions_of(sim.apply(modified)).empty());
  LeaderOrderUpdate filled = limit_buy(300);
  filled.status = OrderStatus::complete;
  filled.filled_units = 300;
  const FollowerOrderIntent second = only_intent(sim.apply(filled));
  EXPECT_EQ(second.order.quantity_units, 225);
  EXPECT_NE(second.tag, first.tag);
  EXPECT_EQ(sim.position("a", kOption), 300);
  // A recovered sell of more than the leader held turns it short: the follower follows.
  const auto exit = sim.apply(
      recovered(leader_order("L2", sim_option(), Side::sell, 450, OrderStatus::complete, 450)));
  EXPECT_EQ(only_intent(exit).order.quantity_units, 450);
  EXPECT_EQ(sim.position("a", kOption), -150);
}

TEST(Decide, LateEventsConvergeLeavesOrdersSeenLiveToTheirMirror) {
  CopySim sim(false);
  sim.setup({late_follower("a", LateEvents::converge)});
  const auto placed = only_intent(sim.apply(limit_buy(150)));  // seen live: mirrored
  sim.record(FollowerOrderAck{placed.tag, {"a"}, {"B7"}});
  // Cancelled while Tandem was away: the mirror is cancelled, nothing is converged.
  LeaderOrderUpdate cancelled = recovered(limit_buy(150));
  cancelled.status = OrderStatus::cancelled;
  EXPECT_EQ(only_decision(sim.apply(cancelled)).action, CopyAction::cancel);
}

TEST(Decide, FlattenCancelsWorkingCopiesThenClosesEveryPositionAtMarket) {
  CopySim sim(false);
  FollowerSettings a = sim_follower("a");
  sim.setup({a, sim_follower("b")});
  // a holds 150 of the option (filled) and 10 of the equity short, and has a working limit.
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  sim.broker_step();
  sim.apply(leader_order("L2", sim_equity(), Side::sell, 10, OrderStatus::complete, 10));
  sim.broker_step();
  LeaderOrderUpdate limit = limit_buy(75);
  limit.order_id = {"L3"};
  sim.apply(limit);
  sim.broker_step(false);  // acknowledged and working at the broker, not filled
  ASSERT_EQ(sim.position("a", kOption), 150);
  ASSERT_EQ(sim.position("a", sim_equity().key), -10);

  const FollowerFlattenRequested request{{"a"}, "alice", "r1"};
  const auto out = sim.apply(request);
  const auto decisions = decisions_of(out);
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[0].action, CopyAction::cancel);  // the working limit first
  std::vector<FollowerOrderIntent> intents;
  for (const auto& e : out) {
    if (const auto* i = std::get_if<FollowerOrderIntent>(&e)) intents.push_back(*i);
  }
  ASSERT_EQ(intents.size(), 3u);
  EXPECT_EQ(intents[0].leader_order_id.value, "L3");
  EXPECT_FALSE(intents[0].target_order_id.empty());  // the broker's id of the working copy
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(intents[i].action, CopyAction::place);
    EXPECT_EQ(intents[i].order.order_type, OrderType::market);
    EXPECT_TRUE(intents[i].leader_order_id.value.starts_with("flatten:r1:"));
    EXPECT_EQ(intents[i].follower.value, "a");  // b is untouched
  }
  // Sells what is long, buys back what is short, each whole.
  std::map<InstrumentKey, std::pair<Side, int64_t>> closing;
  for (size_t i = 1; i < 3; ++i) {
    closing[intents[i].order.instrument] = {intents[i].order.side, intents[i].order.quantity_units};
  }
  EXPECT_EQ(closing[kOption], std::pair(Side::sell, int64_t{150}));
  EXPECT_EQ(closing[sim_equity().key], std::pair(Side::buy, int64_t{10}));
  // The same request decides the same orders (replay), and another request new tags.
  EXPECT_EQ(decide(sim.state(), request), decide(sim.state(), request));
  sim.broker_step();
  EXPECT_EQ(sim.position("a", kOption), 0);
  EXPECT_EQ(sim.position("a", sim_equity().key), 0);
  EXPECT_TRUE(decisions_of(sim.apply(FollowerFlattenRequested{{"a"}, "alice", "r2"})).empty());
  EXPECT_TRUE(decide(sim.state(), FollowerFlattenRequested{{"nobody"}, "x", "r3"}).empty());
}

// An exit already working when the flatten comes is turned into a market order and the
// flatten closes only what it does not cover: however the two fill, the follower ends flat
// and never short.
TEST(Decide, FlattenHurriesAWorkingExitAndClosesOnlyTheRest) {
  CopySim sim(false);
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_option(), Side::buy, 150, OrderStatus::complete, 150));
  sim.broker_step();
  LeaderOrderUpdate exit = leader_order("L2", sim_option(), Side::sell, 75, OrderStatus::open);
  exit.order_type = OrderType::limit;
  exit.price_paise = 120'00;
  sim.apply(exit);
  sim.broker_step(false);  // the exit works at the broker, unfilled
  const auto out = sim.apply(FollowerFlattenRequested{{"a"}, "alice", "r1"});
  std::vector<FollowerOrderIntent> intents;
  for (const auto& e : out) {
    if (const auto* i = std::get_if<FollowerOrderIntent>(&e)) intents.push_back(*i);
  }
  ASSERT_EQ(intents.size(), 2u);
  EXPECT_EQ(intents[0].action, CopyAction::modify);  // the working exit, now at market
  EXPECT_EQ(intents[0].leader_order_id.value, "L2");
  EXPECT_EQ(intents[0].order.order_type, OrderType::market);
  EXPECT_EQ(intents[0].order.quantity_units, 75);
  EXPECT_EQ(intents[1].action, CopyAction::place);  // the 75 it does not cover
  EXPECT_EQ(intents[1].order.side, Side::sell);
  EXPECT_EQ(intents[1].order.quantity_units, 75);
}

// ---- The causes of drift found in the order-mirroring core (issue: position targets) ----

namespace causes {

const InstrumentKey kInfy = sim_equity().key;

// The follower's broker answers an intent now: acknowledged, and filled `filled` of it.
void answer(CopySim& sim, const FollowerOrderIntent& i, int64_t filled, OrderStatus status) {
  sim.record(FollowerOrderAck{i.tag, i.follower, {"B" + i.tag.value}});
  sim.record(FollowerOrderUpdate{i.tag,
                                 i.follower,
                                 {"B" + i.tag.value},
                                 status,
                                 filled,
                                 filled > 0 ? 100'00 : 0,
                                 0,
                                 i.order.quantity_units});
}

TEST(DecideCauses, AReversalTurnsTheFollowerAroundToo) {
  CopySim sim;
  sim.setup({sim_follower("a")});
  sim.apply(leader_order("L1", sim_equity(), Side::buy, 40, OrderStatus::complete, 40));
  const auto out =
      sim.apply(leader_order("L2", sim_equity(), Side::sell, 80, OrderStatus::complete, 80));
  EXPECT_EQ(only_intent(out).order.quantity_units, 80);
  EXPECT_EQ(sim.position("a", kInfy), -40);
}

TEST(DecideCauses, AChangeReportedWithTheFinalStatusResizesTheCopy) {
  CopySim sim(false);
  sim.setup({sim_follower("a")});
  LeaderOrderUpdate u = leader_order("L1", sim_equity(), Side::buy, 600, OrderStatus::open);
  u.order_type = OrderType::limit;
  u.price_paise = 99'00;
  answer(sim, only_intent(sim.apply(u)), 0, OrderStatus::open);
  u.quantity_units = 450;  // modified, and reported only together with its completion
  u.filled_units = 450;
  u.average_price_paise = 99'00;
  u.status = OrderStatus::complete;
  const FollowerOrderIntent resize = only_intent(sim.apply(u));
  EXPECT_EQ(resize.action, CopyAction::modify);
  EXPECT_EQ(resize.order.quantity_units, 450);
}

TEST(DecideCauses, AnExitHeldBackWhileAStopLossCancelIsInFlightGoesOnceItConfirms) {
  CopySim sim(false);
  sim.setup({sim_follower("a", SizingPolicy::multiplier, 2 * kPpm)});
  answer(sim,
         only_intent(sim.apply(
             leader_order("L1", sim_equity(), Side::buy, 140, OrderStatus::complete, 140))),
         280, OrderStatus::complete);
  LeaderOrderUpdate sl =
      leader_order("L2", sim_equity(), Side::sell, 140, OrderStatus::trigger_pending);
  sl.order_type = OrderType::stop_loss_market;
  sl.trigger_price_paise = 95'00;
  const FollowerOrderIntent stop = only_intent(sim.apply(sl));
  EXPECT_EQ(stop.order.quantity_units, 280);
  answer(sim, stop, 0, OrderStatus::trigger_pending);
  sl.status = OrderStatus::cancelled;
  EXPECT_EQ(only_intent(sim.apply(sl)).action, CopyAction::cancel);  // not confirmed yet
  // The leader sells at market at once: the stop-loss may still fill, so nothing more now.
  const auto exit =
      sim.apply(leader_order("L3", sim_equity(), Side::sell, 140, OrderStatus::complete, 140));
  EXPECT_TRUE(std::none_of(exit.begin(), exit.end(), [](const Event& e) {
    return std::holds_alternative<FollowerOrderIntent>(e);
  }));
  // The cancel confirms: the whole 280 goes at market.
  const auto converged = sim.record_and_decide(FollowerOrderUpdate{
      stop.tag, {"a"}, {"B" + stop.tag.value}, OrderStatus::cancelled, 0, 0, 0, 280});
  const FollowerOrderIntent close = only_intent(converged);
  EXPECT_EQ(close.order.order_type, OrderType::market);
  EXPECT_EQ(close.order.quantity_units, 280);
  answer(sim, close, 280, OrderStatus::complete);
  EXPECT_EQ(sim.position("a", kInfy), 0);
}

TEST(DecideCauses, AStopLossDecidedWhileTheEntryFillsIsToppedUp) {
  CopySim sim(false);
  sim.setup({sim_follower("a", SizingPolicy::multiplier, 2 * kPpm)});
  const FollowerOrderIntent entry = only_intent(
      sim.apply(leader_order("L1", sim_equity(), Side::buy, 140, OrderStatus::complete, 140)));
  answer(sim, entry, 100, OrderStatus::open);  // 100 of 280 so far
  LeaderOrderUpdate sl =
      leader_order("L2", sim_equity(), Side::sell, 140, OrderStatus::trigger_pending);
  sl.order_type = OrderType::stop_loss_market;
  sl.trigger_price_paise = 95'00;
  const FollowerOrderIntent stop = only_intent(sim.apply(sl));
  EXPECT_EQ(stop.order.quantity_units, 100);  // what it holds, not more
  answer(sim, stop, 0, OrderStatus::trigger_pending);
  const auto topped = sim.record_and_decide(FollowerOrderUpdate{
      entry.tag, {"a"}, {"B" + entry.tag.value}, OrderStatus::complete, 280, 100'00, 0, 280});
  const FollowerOrderIntent up = only_intent(topped);
  EXPECT_EQ(up.action, CopyAction::modify);
  EXPECT_EQ(up.target_tag, stop.tag);
  EXPECT_EQ(up.order.quantity_units, 280);
}

TEST(DecideCauses, AnExitTheDailyLimitWouldRefuseGoesOut) {
  FollowerSettings f = sim_follower("a");
  f.max_daily_trades = 1;
  CopySim sim;
  sim.setup({f});
  sim.apply(leader_order("L1", sim_equity(), Side::buy, 10, OrderStatus::complete, 10));
  const auto out =
      sim.apply(leader_order("L2", sim_equity(), Side::sell, 10, OrderStatus::complete, 10));
  EXPECT_EQ(only_decision(out).action, CopyAction::place);
  EXPECT_EQ(sim.position("a", kInfy), 0);
}

}  // namespace causes

}  // namespace
}  // namespace tandem::domain::decide_test
