// Goal: every scenario the two seed copiers promise holds end to end — leader orders read
// off the simulator's WebSocket, decided, journaled, sent over TLS to the follower's Kite
// account: multiplier, fixed ratio, capital-proportional and risk-based sizing, a quantity
// that rounds to zero skipped, the daily trade limit, the maximum position, exits clamped to
// the follower's position (and none without one), copy_on = fill with partial fills, and
// nothing copied while the market is closed, and the order-errors and position-drift alerts.
// Method: one simulator and engine per scenario (tests/support/engine_rig.h); the follower
// book at the simulator and the decisions in the journal are what is checked.
#include <gtest/gtest.h>

#include <map>

#include "tests/support/engine_rig.h"

namespace tandem::engine::engine_scenarios_test {
namespace {

using namespace rig;

struct Outcome {
  std::vector<brokers::BrokerOrder> book;  // FOLLOW1's orders at the simulator
  std::vector<d::CopyDecision> decisions;  // for FOLLOW1, from the journal
  std::map<std::string, int> skips;
  std::map<std::string, int> alerts;    // AlertRaised, by kind
  std::map<std::string, int> acks;      // FollowerOrderAck, by tag
  std::map<std::string, int> rejected;  // FollowerOrderRejected, by failure class
};

using Script = std::function<void(Rig&, Engine&)>;

Outcome run_scenario(d::FollowerSettings settings, const Script& script,
                     brokers::sim::KiteSimConfig config = sim_config(),
                     std::vector<d::TradingDay> holidays = {}, d::FreezeLimits freeze = {},
                     EngineSetup setup = {},
                     std::chrono::milliseconds rest_deadline = std::chrono::seconds(5)) {
  Rig rig(std::move(config), rest_deadline);
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {settings};
  setup.holidays = std::move(holidays);
  setup.freeze_limits = std::move(freeze);
  auto store = with_engine(rig, setup, {{settings.follower, rig.follow1.get()}},
                           [&](Engine& engine) { script(rig, engine); });
  Outcome out;
  if (!store) return out;
  out.book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* a = std::get_if<d::AlertRaised>(&r.event)) ++out.alerts[a->kind];
    if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) ++out.acks[a->tag.value];
    if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
      ++out.rejected[std::string(d::to_string(j->error_class))];
    }
    if (const auto* c = std::get_if<d::CopyDecision>(&r.event)) {
      out.decisions.push_back(*c);
      if (c->action == d::CopyAction::skip) ++out.skips[std::string(d::to_string(c->skip_reason))];
    }
  }
  return out;
}

// The leader trades on the simulator; returns once the engine has decided on it and every
// follower order it sent has been answered.
void leader_trades(Rig& rig, Engine& engine, d::Side side, int64_t qty) {
  const int64_t before = engine.stats().leader_updates;
  ASSERT_TRUE(rig.on_brokers([&] {
                   return rig.sim->kite().place_as_owner(
                       "LEADER1", rig.order(side, d::OrderType::market, qty));
                 })
                  .ok());
  ASSERT_TRUE(wait_for([&] { return engine.stats().leader_updates > before; }, 5s));
  ASSERT_TRUE(wait_for(
      [&] {
        const auto s = engine.stats();
        return s.in_flight == 0;
      },
      5s))
      << describe(engine.stats());
  std::this_thread::sleep_for(50ms);  // the follower's fill reaches the journal
}

d::FollowerSettings kite_follower(d::SizingPolicy policy, int64_t ratio_ppm = d::kPpm) {
  return follower("FOLLOW1", d::Broker::kite, policy, ratio_ppm);
}

// How many alerts of `kind` were raised (journaled).
int alerts_of(const Outcome& o, const std::string& kind) {
  const auto it = o.alerts.find(kind);
  return it == o.alerts.end() ? 0 : it->second;
}

std::vector<int64_t> quantities(const Outcome& o) {
  std::vector<int64_t> q;
  for (const auto& order : o.book) q.push_back(order.quantity_units);
  return q;
}

TEST(EngineScenarios, MultiplierFixedRatioCapitalAndRiskSizing) {
  const Script buy10 = [](Rig& r, Engine& e) { leader_trades(r, e, d::Side::buy, 10); };
  EXPECT_EQ(
      quantities(run_scenario(kite_follower(d::SizingPolicy::multiplier, 3 * d::kPpm), buy10)),
      std::vector<int64_t>{30});
  EXPECT_EQ(
      quantities(run_scenario(kite_follower(d::SizingPolicy::fixed_ratio, d::kPpm / 2), buy10)),
      std::vector<int64_t>{5});
  // ₹10 lakh against the leader's ₹50 lakh: a fifth.
  EXPECT_EQ(quantities(run_scenario(kite_follower(d::SizingPolicy::capital_proportional), buy10)),
            std::vector<int64_t>{2});
  // 1% of ₹10 lakh at ₹1500 a share: 6 shares.
  auto risk = kite_follower(d::SizingPolicy::risk_based);
  risk.max_position_pct_bp = 100;
  const auto risk_outcome = run_scenario(risk, buy10);
  EXPECT_EQ(quantities(risk_outcome), std::vector<int64_t>{6}) << risk_outcome.decisions.size();
}

TEST(EngineScenarios, AQuantityThatRoundsToZeroIsSkippedWithItsReason) {
  const auto o = run_scenario(kite_follower(d::SizingPolicy::fixed_ratio, d::kPpm / 100),
                              [](Rig& r, Engine& e) { leader_trades(r, e, d::Side::buy, 10); });
  EXPECT_TRUE(o.book.empty());
  EXPECT_EQ(o.skips.at("below_one_lot"), 1);
}

TEST(EngineScenarios, NothingIsCopiedWhileTheMarketIsClosed) {
  // The test's market clock reads Friday 20 November 2026; the calendar makes it a holiday.
  const auto o = run_scenario(kite_follower(d::SizingPolicy::multiplier),
                              [](Rig& r, Engine& e) {
                                leader_trades(r, e, d::Side::buy, 10);
                                leader_trades(r, e, d::Side::sell, 10);
                              },
                              sim_config(), {20261120});
  EXPECT_TRUE(o.book.empty());
  EXPECT_EQ(o.skips.at("market_closed"), 2);
  EXPECT_EQ(o.decisions.size(), 2u);
}

TEST(EngineScenarios, TheDailyTradeLimitStopsCopiesWithItsReason) {
  auto f = kite_follower(d::SizingPolicy::multiplier);
  f.max_daily_trades = 2;
  const auto o = run_scenario(f, [](Rig& r, Engine& e) {
    for (int i = 0; i < 3; ++i) leader_trades(r, e, d::Side::buy, 1);
  });
  EXPECT_EQ(o.book.size(), 2u);
  EXPECT_EQ(o.skips.at("daily_trade_limit"), 1);
}

// Exits always go out (DESIGN.md invariant 8): the daily limit refuses no exit.
TEST(EngineScenarios, AnExitGoesOutPastTheDailyTradeLimit) {
  auto f = kite_follower(d::SizingPolicy::multiplier);
  f.max_daily_trades = 1;
  const auto o = run_scenario(f, [](Rig& r, Engine& e) {
    leader_trades(r, e, d::Side::buy, 5);
    leader_trades(r, e, d::Side::sell, 5);
    std::this_thread::sleep_for(700ms);  // past the drift rule's settling time
  });
  ASSERT_EQ(o.book.size(), 2u);
  EXPECT_EQ(o.book[1].side, d::Side::sell);
  EXPECT_EQ(o.book[1].filled_units, 5);  // flat at the broker, as the leader is
  EXPECT_FALSE(o.skips.contains("daily_trade_limit"));
  EXPECT_FALSE(o.alerts.contains("position_drift"));
}

// An entry the daily limit refused leaves the follower settled below its target: the
// operator is told once, with the gap and the reason (position_drift); the leader's exit
// then brings both flat, and nothing more is said.
TEST(EngineScenarios, AnEntryTheDailyLimitRefusedRaisesPositionDriftOnce) {
  auto f = kite_follower(d::SizingPolicy::multiplier);
  f.max_daily_trades = 1;
  const auto o = run_scenario(f, [](Rig& r, Engine& e) {
    leader_trades(r, e, d::Side::buy, 5);
    leader_trades(r, e, d::Side::buy, 5);  // refused: 5 held where the target is 10
    std::this_thread::sleep_for(700ms);
    leader_trades(r, e, d::Side::sell, 10);  // the exit goes: 5, to flat
    std::this_thread::sleep_for(700ms);
  });
  ASSERT_EQ(o.book.size(), 2u);
  EXPECT_EQ(o.book[1].side, d::Side::sell);
  EXPECT_EQ(o.book[1].quantity_units, 5);
  EXPECT_EQ(o.skips.at("daily_trade_limit"), 1);
  EXPECT_EQ(o.alerts.count("position_drift") ? o.alerts.at("position_drift") : 0, 1);
}

TEST(EngineScenarios, MaxPositionClampsEntriesAndExitsNeverOpenAPosition) {
  auto f = kite_follower(d::SizingPolicy::multiplier);
  f.max_position_units = 15;
  const auto o = run_scenario(f, [](Rig& r, Engine& e) {
    leader_trades(r, e, d::Side::buy, 20);   // clamped to 15
    leader_trades(r, e, d::Side::sell, 20);  // the exit: clamped to the 15 held
    leader_trades(r, e, d::Side::buy, 5);    // a new entry
    leader_trades(r, e, d::Side::sell, 5);   // exit
    std::this_thread::sleep_for(700ms);      // the position_drift rule has looked
  });
  ASSERT_EQ(o.book.size(), 4u);
  EXPECT_EQ(o.book[0].quantity_units, 15);
  EXPECT_EQ(o.book[1].side, d::Side::sell);
  EXPECT_EQ(o.book[1].quantity_units, 15);
  int clamped_entry = 0, clamped_exit = 0;
  for (const auto& c : o.decisions) {
    clamped_entry += c.clamp == d::Clamp::max_position;
    clamped_exit += c.clamp == d::Clamp::exit_position;
  }
  EXPECT_EQ(clamped_entry, 1);
  EXPECT_GE(clamped_exit, 1);
  EXPECT_FALSE(o.alerts.contains("position_drift"));  // on target whenever settled
  // Flat at the end: never short because of an exit.
  int64_t net = 0;
  for (const auto& order : o.book) {
    net += (order.side == d::Side::buy ? 1 : -1) * order.filled_units;
  }
  EXPECT_EQ(net, 0);
}

TEST(EngineScenarios, CopyOnFillCopiesEachPartialFillOfTheLeader) {
  auto config = sim_config();
  config.fills.max_fill_units = 4;  // the leader's 10 fill as 4, 4, 2
  auto f = kite_follower(d::SizingPolicy::multiplier);
  f.copy_on = d::CopyOn::fill;
  const auto o = run_scenario(
      f,
      [](Rig& r, Engine& e) {
        leader_trades(r, e, d::Side::buy, 10);  // the first 4 fill at once
        for (int64_t price : {1501'00, 1502'00}) {
          const int64_t before = e.stats().leader_updates;
          r.on_brokers([&] {
            r.sim->kite().set_price(kInfy, price);
            return 0;
          });
          ASSERT_TRUE(wait_for([&] { return e.stats().leader_updates > before; }, 5s));
          ASSERT_TRUE(wait_for([&] { return e.stats().in_flight == 0; }, 5s));
        }
        std::this_thread::sleep_for(100ms);
      },
      config);
  int64_t total = 0;
  for (const auto& order : o.book) total += order.quantity_units;
  EXPECT_EQ(total, 10);
  EXPECT_EQ(o.book.size(), 3u) << "one follower order per leader fill";
}

// A copy whose place lost its connection, and whose lookups by tag lost theirs too, is looked
// up again (engine/dispatcher.h): found absent, it is sent again under its tag, once. Still
// unknown after the last lookup, it is kept unanswered with an alert, never journaled
// rejected (it may be at the broker), and looked up again until the book is read
// (engine/unknown_places.h): then it is sent under its tag, once.
TEST(EngineScenarios, AnUnknownPlaceIsLookedUpAgainUntilItsBrokerAnswers) {
  // Two lost reads: the place's own lookup and the first look again; the second finds none.
  // Ten: the place and three looks again, then two rechecks of four reads each, all lost.
  for (const auto& [lost_reads, found_in_time] : {std::pair{2, true}, std::pair{10, false}}) {
    SCOPED_TRACE("order-book reads lost: " + std::to_string(lost_reads));
    EngineSetup setup;
    setup.look_again_after = 50ms;
    setup.recheck_unknown_after = 100ms;
    const auto o = run_scenario(
        kite_follower(d::SizingPolicy::multiplier),
        [&](Rig& r, Engine& e) {
          brokers::sim::Faults faults;
          faults.reset_next_orders = 1;
          faults.reset_next_books = lost_reads;
          ASSERT_TRUE(
              r.on_brokers([&] { return r.sim->kite().set_faults("FOLLOW1", faults); }).ok());
          leader_trades(r, e, d::Side::buy, 1);
          ASSERT_TRUE(wait_for([&] { return e.stats().acks == 1; }, 5s)) << describe(e.stats());
        },
        sim_config(), {}, {}, setup);
    ASSERT_EQ(o.book.size(), 1u) << "sent under its tag once the book was read";
    ASSERT_EQ(o.acks.size(), 1u);
    EXPECT_EQ(o.acks.at(o.book[0].tag), 1) << "acknowledged once";
    EXPECT_TRUE(o.rejected.empty()) << "an unknown outcome is not a rejection";
    EXPECT_EQ(alerts_of(o, "order_outcome_unknown"), found_in_time ? 0 : 1) << "alerted once";
  }
}

// The place reached the broker but its answer never came back (the broker stalls past the
// request's deadline) and every lookup by its tag fails: the follower's order stream reports
// the order under its tag, and that report settles it, whether it came before the outcome
// was given up as unknown or after (the stream down meanwhile, its gap fill on reconnect).
// It is acknowledged with the reported order, its fill counts, and nothing is placed twice.
TEST(EngineScenarios, AnUnknownPlaceReportedByTheFollowersStreamIsAcknowledgedOnce) {
  for (const bool stream_down : {false, true}) {
    SCOPED_TRACE(stream_down ? "reported after" : "reported before");
    EngineSetup setup;
    setup.look_again_after = 50ms;
    setup.recheck_unknown_after = std::chrono::hours(1);  // only the report can settle it
    const auto o = run_scenario(
        kite_follower(d::SizingPolicy::multiplier),
        [&](Rig& r, Engine& e) {
          brokers::sim::Faults faults;
          faults.stall_next_orders = 1;
          faults.stall = 5s;  // past the request's deadline (below)
          faults.reset_next_books = 100;
          faults.streams_down = stream_down;
          ASSERT_TRUE(r.on_brokers([&] {
                         Status s = r.sim->kite().set_faults("FOLLOW1", faults);
                         return s.ok() && stream_down ? r.sim->kite().drop_websockets("FOLLOW1")
                                                      : s;
                       }).ok());
          leader_trades(r, e, d::Side::buy, 3);
          if (stream_down) {
            EXPECT_EQ(e.stats().unknown_outcomes, 1) << describe(e.stats());
            EXPECT_EQ(e.stats().acks, 0);
            ASSERT_TRUE(r.on_brokers([&] {
                           return r.sim->kite().set_faults("FOLLOW1", brokers::sim::Faults{});
                         }).ok());
          }
          ASSERT_TRUE(wait_for([&] { return e.stats().acks == 1; }, 10s)) << describe(e.stats());
          ASSERT_TRUE(wait_for([&] { return e.stats().follower_updates >= 1; }, 5s));
        },
        sim_config(), {}, {}, setup, 500ms);
    ASSERT_EQ(o.book.size(), 1u) << "placed once";
    EXPECT_EQ(o.book[0].filled_units, 3);
    ASSERT_EQ(o.acks.size(), 1u);
    EXPECT_EQ(o.acks.at(o.book[0].tag), 1);
    EXPECT_TRUE(o.rejected.empty());
    // Given up before any report: alerted once. With the stream up the report usually comes
    // first (no alert), but a loaded machine can deliver it after the give-up: at most once.
    if (stream_down) {
      EXPECT_EQ(alerts_of(o, "order_outcome_unknown"), 1);
    } else {
      EXPECT_LE(alerts_of(o, "order_outcome_unknown"), 1);
    }
  }
}

// A place still of unknown outcome when the engine stops is left unanswered (the stop does
// not wait for it, and EngineStopped says so); the next start looks it up by its tag: found,
// it is acknowledged with the broker's order, never placed a second time.
TEST(EngineScenarios, AnUnknownPlaceLeftAtAStopIsLookedUpAtTheNextStart) {
  Rig rig(sim_config(), 500ms);
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {kite_follower(d::SizingPolicy::multiplier)};
  setup.look_again_after = 50ms;
  setup.recheck_unknown_after = std::chrono::hours(1);
  const Engine::Followers followers{{setup.followers[0].follower, rig.follow1.get()}};
  auto first = with_engine(rig, setup, followers, [&](Engine& e) {
    brokers::sim::Faults faults;
    faults.stall_next_orders = 1;
    faults.stall = 5s;  // carried out, answered past the 500 ms deadline
    faults.reset_next_books = 100;
    faults.streams_down = true;  // and no report of it comes
    ASSERT_TRUE(rig.on_brokers([&] {
                     Status s = rig.sim->kite().set_faults("FOLLOW1", faults);
                     return s.ok() ? rig.sim->kite().drop_websockets("FOLLOW1") : s;
                   })
                    .ok());
    leader_trades(rig, e, d::Side::buy, 3);
    EXPECT_EQ(e.stats().unknown_outcomes, 1) << describe(e.stats());
    // Shown to the operator (/metrics: tandem_orders_outcome_unknown) within a view interval.
    EXPECT_TRUE(wait_for([&] { return e.view()->counters.unknown_places == 1; }, 2s));
  });
  ASSERT_TRUE(first);
  std::string stopped;
  for (const auto& r : testing::read_all(*first)) {
    if (const auto* s = std::get_if<d::EngineStopped>(&r.event)) stopped = s->reason;
    EXPECT_FALSE(std::holds_alternative<d::FollowerOrderAck>(r.event));
    EXPECT_FALSE(std::holds_alternative<d::FollowerOrderRejected>(r.event));
  }
  EXPECT_NE(stopped.find("1 place(s) of unknown outcome"), std::string::npos) << stopped;
  first.reset();
  ASSERT_TRUE(
      rig.on_brokers([&] { return rig.sim->kite().set_faults("FOLLOW1", brokers::sim::Faults{}); })
          .ok());
  auto second = with_engine(rig, setup, followers, [&](Engine& e) {
    ASSERT_TRUE(wait_for([&] { return e.stats().acks == 1; }, 5s)) << describe(e.stats());
  });
  ASSERT_TRUE(second);
  int acks = 0, rejections = 0;
  for (const auto& r : testing::read_all(*second)) {
    acks += std::holds_alternative<d::FollowerOrderAck>(r.event);
    rejections += std::holds_alternative<d::FollowerOrderRejected>(r.event);
  }
  EXPECT_EQ(acks, 1);
  EXPECT_EQ(rejections, 0);
  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 1u) << "placed once";
  EXPECT_EQ(book[0].filled_units, 3);
}

TEST(EngineScenarios, RejectionsOverFivePercentRaiseOneOrderErrorsAlert) {
  const auto o = run_scenario(kite_follower(d::SizingPolicy::multiplier), [](Rig& r, Engine& e) {
    brokers::sim::Faults faults;
    faults.reject_symbols = {"INFY"};  // the follower's broker refuses every copy
    ASSERT_TRUE(r.on_brokers([&] { return r.sim->kite().set_faults("FOLLOW1", faults); }).ok());
    for (int i = 0; i < 25; ++i) leader_trades(r, e, d::Side::buy, 1);
    std::this_thread::sleep_for(200ms);  // the time-based rules run when the engine is idle
  });
  EXPECT_TRUE(o.book.empty());  // refused: nothing booked
  EXPECT_EQ(o.decisions.size(), 25u);
  // 20 answers are the rule's minimum: raised once, not again for the next five.
  EXPECT_EQ(o.alerts.count("order_errors") ? o.alerts.at("order_errors") : 0, 1);
}

// The freeze quantity of an index option is not in Kite's instrument list: the engine takes
// it from data/nse (here NIFTY's 1800) and a 2100-unit copy goes with autoslice, in two
// orders, instead of being refused by the exchange.
TEST(EngineScenarios, ACopyAboveTheFreezeQuantityIsSlicedNotRefused) {
  const d::InstrumentKey call{d::Exchange::nfo, "NIFTY26N2423500CE"};
  auto config = sim_config();
  d::Instrument option;
  option.key = call;
  option.underlying = "NIFTY";
  option.segment = d::Segment::derivatives;
  option.lot_size_units = 75;
  option.kite_token = 10001;
  option.freeze_qty_units = 1800;  // the exchange's rule, which the simulator enforces
  config.instruments.push_back(option);
  const auto o = run_scenario(
      kite_follower(d::SizingPolicy::multiplier, 2 * d::kPpm),
      [&](Rig& r, Engine& e) {
        r.on_brokers([&] {
          r.sim->kite().set_price(call, 180'00);
          return 0;
        });
        const int64_t before = e.stats().leader_updates;
        d::OrderTerms order = r.order(d::Side::buy, d::OrderType::market, 1050);
        order.instrument = call;
        order.product = d::Product::carry_forward;
        ASSERT_TRUE(
            r.on_brokers([&] { return r.sim->kite().place_as_owner("LEADER1", order); }).ok());
        ASSERT_TRUE(wait_for([&] { return e.stats().leader_updates > before; }, 5s));
        ASSERT_TRUE(wait_for([&] { return e.stats().in_flight == 0; }, 5s));
        std::this_thread::sleep_for(200ms);
      },
      config, {}, {{"NIFTY", 1800}});
  int64_t booked = 0;
  for (const auto& b : o.book) {
    EXPECT_NE(b.status, d::OrderStatus::rejected) << b.status_message;
    booked += b.filled_units;
  }
  EXPECT_EQ(booked, 2100);
  EXPECT_GE(o.book.size(), 2u) << "sliced at 1800";
}

// A paper follower's book lives in memory: after a restart the engine rebuilds it from the
// journal, so that the leader's cancel of an order placed before the restart cancels the
// paper copy instead of failing ("paper: no order P1").
TEST(EngineScenarios, APaperFollowersWorkingOrdersSurviveARestart) {
  Rig rig;
  const auto paper = follower("PAPER1", d::Broker::paper, d::SizingPolicy::multiplier, d::kPpm);
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {paper};
  d::BrokerOrderId leader_order;
  auto first = with_engine(rig, setup, {{paper.follower, rig.paper1.get()}}, [&](Engine& e) {
    const int64_t before = e.stats().leader_updates;
    auto placed = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner(
          "LEADER1", rig.order(d::Side::buy, d::OrderType::limit, 10, 1000'00));
    });
    ASSERT_TRUE(placed.ok());
    leader_order = placed->order_id;
    ASSERT_TRUE(wait_for([&] { return e.stats().leader_updates > before; }, 5s));
    ASSERT_TRUE(wait_for([&] { return e.stats().acks >= 1 && e.stats().in_flight == 0; }, 5s));
  });
  ASSERT_TRUE(first);
  first.reset();  // the first engine's journal closed, its paper book gone with it
  brokers::PaperAccount account;
  account.funds.available_paise = 5'00'000'00;
  auto fresh =
      std::make_unique<brokers::PaperGateway>(rig.broker_io.get_executor(), account, market_clock);
  auto second = with_engine(rig, setup, {{paper.follower, fresh.get()}}, [&](Engine& e) {
    const int64_t before = e.stats().leader_updates;
    ASSERT_TRUE(
        rig.on_brokers([&] { return rig.sim->kite().cancel_as_owner("LEADER1", leader_order); })
            .ok());
    ASSERT_TRUE(wait_for([&] { return e.stats().leader_updates > before; }, 5s));
    ASSERT_TRUE(wait_for([&] { return e.stats().in_flight == 0; }, 5s));
    std::this_thread::sleep_for(200ms);
  });
  ASSERT_TRUE(second);
  int cancels = 0, refused = 0;
  for (const auto& r : testing::read_all(*second)) {
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event))
      cancels += i->action == d::CopyAction::cancel;
    if (std::holds_alternative<d::FollowerOrderRejected>(r.event)) ++refused;
  }
  EXPECT_EQ(cancels, 1);
  EXPECT_EQ(refused, 0);
  const auto book = rig.on_brokers([&] { return fresh->book().order_book(); });
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].status, d::OrderStatus::cancelled);
  rig.on_brokers([&] {
    fresh->stop();
    return 0;
  });
}

}  // namespace
}  // namespace tandem::engine::engine_scenarios_test
