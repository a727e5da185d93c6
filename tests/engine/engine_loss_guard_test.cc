// Goal: the daily loss guard works live, end to end: the engine subscribes the leader's
// instruments on Kite's ticker, journals the simulator's price moves as PriceSnapshots, and
// when a follower's day P&L at those prices reaches its maximum loss it journals a
// LossGuardTripped, raises a loss_guard alert and applies the follower's action — flatten
// sends the closing order to the broker at once — after which only exits are copied; and
// replay --verify recomputes every one of those decisions from the journal.
// Method: the simulator over loopback TLS; a Kite follower with flatten and a paper
// follower with exits_only, each allowed to lose ₹200 on the day; the leader buys 10 INFY
// at ₹1500, the price falls to ₹1480, the leader buys 5 more, then sells 15.
#include <gtest/gtest.h>

#include <map>

#include "replay/verify.h"
#include "tests/support/engine_rig.h"

namespace tandem::engine {
namespace {

using namespace rig;

TEST(EngineLossGuard, TripsOnTickerPricesAppliesTheActionAndReplaysExactly) {
  Rig rig;
  d::FollowerSettings kite_f =
      follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, d::kPpm);
  kite_f.max_daily_loss_paise = 200'00;
  kite_f.loss_guard_action = d::LossGuardAction::flatten;
  d::FollowerSettings paper_f =
      follower("PAPER1", d::Broker::paper, d::SizingPolicy::multiplier, d::kPpm);
  paper_f.max_daily_loss_paise = 200'00;
  paper_f.loss_guard_action = d::LossGuardAction::exits_only;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {kite_f, paper_f};
  setup.price_snapshot_interval = 100ms;
  std::vector<AlertRow> alerts;
  auto place = [&](const d::OrderTerms& o) {
    return rig.on_brokers([&] { return rig.sim->kite().place_as_owner("LEADER1", o); });
  };
  auto store = with_engine(
      rig, setup, {{kite_f.follower, rig.follow1.get()}, {paper_f.follower, rig.paper1.get()}},
      [&](Engine& engine) {
        ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::market, 10)).ok());
        ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 2; }, 5s))
            << describe(engine.stats());
        ASSERT_TRUE(wait_for([&] { return engine.stats().in_flight == 0; }, 5s));
        std::this_thread::sleep_for(300ms);  // the fills reach the journal

        // ₹1490: ₹100 down each, inside the limit; ₹1480: ₹200 down, the limit.
        rig.on_brokers([&] {
          rig.sim->kite().set_price(kInfy, 1490'00);
          return 0;
        });
        std::this_thread::sleep_for(300ms);
        EXPECT_TRUE(engine.view()->alerts.empty());
        rig.on_brokers([&] {
          rig.sim->kite().set_price(kInfy, 1480'00);
          return 0;
        });
        ASSERT_TRUE(wait_for(
            [&] {
              int n = 0;
              for (const auto& a : engine.view()->alerts) n += a.kind == "loss_guard";
              return n == 2;
            },
            5s))
            << describe(engine.stats());
        ASSERT_TRUE(wait_for([&] { return engine.stats().in_flight == 0; }, 5s));
        std::this_thread::sleep_for(300ms);
        alerts.assign(engine.view()->alerts.begin(), engine.view()->alerts.end());
        for (const auto& row : engine.view()->followers) {
          EXPECT_EQ(row.guard, row.id == "FOLLOW1" ? "flatten" : "exits_only") << row.id;
        }

        // The leader adds (refused by both guards), then exits all 15 (only PAPER1 holds).
        const int64_t seen = engine.stats().leader_updates;
        ASSERT_TRUE(place(rig.order(d::Side::buy, d::OrderType::market, 5)).ok());
        ASSERT_TRUE(place(rig.order(d::Side::sell, d::OrderType::market, 15)).ok());
        ASSERT_TRUE(wait_for([&] { return engine.stats().leader_updates >= seen + 2; }, 5s));
        ASSERT_TRUE(wait_for([&] { return engine.stats().in_flight == 0; }, 5s));
        std::this_thread::sleep_for(300ms);
      });
  ASSERT_TRUE(store);

  std::vector<d::LossGuardTripped> trips;
  std::vector<d::PriceSnapshot> snapshots;
  std::map<std::string, std::vector<d::CopyDecision>> decisions;  // by follower
  int guard_alerts = 0;
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* t = std::get_if<d::LossGuardTripped>(&r.event)) trips.push_back(*t);
    if (const auto* p = std::get_if<d::PriceSnapshot>(&r.event)) snapshots.push_back(*p);
    if (const auto* c = std::get_if<d::CopyDecision>(&r.event)) {
      decisions[c->follower.value].push_back(*c);
    }
    if (const auto* a = std::get_if<d::AlertRaised>(&r.event))
      guard_alerts += a->kind == "loss_guard";
  }
  ASSERT_FALSE(snapshots.empty());
  EXPECT_EQ(snapshots.back().prices.back(), (d::InstrumentPrice{kInfy, 1480'00}));
  ASSERT_EQ(trips.size(), 2u);
  for (const auto& t : trips) {
    EXPECT_EQ(t.day_pnl_paise, -200'00) << t.follower.value;
    EXPECT_EQ(t.threshold_paise, -200'00);
  }
  EXPECT_EQ(guard_alerts, 2);

  // FOLLOW1 at the broker: bought 10, sold 10 by the flatten, nothing after.
  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 2u);
  EXPECT_EQ(book[1].side, d::Side::sell);
  EXPECT_EQ(book[1].quantity_units, 10);
  EXPECT_EQ(book[1].status, d::OrderStatus::complete);
  // After the trip: the add refused for both — FOLLOW1's target is held at zero by the
  // guard's flatten (as an operator's flatten holds it), PAPER1's entry by exits_only; the
  // exit has nothing to close for FOLLOW1, and is copied for PAPER1 (it holds 10).
  for (const char* id : {"FOLLOW1", "PAPER1"}) ASSERT_GE(decisions[id].size(), 3u) << id;
  EXPECT_EQ(decisions["FOLLOW1"][decisions["FOLLOW1"].size() - 2].skip_reason,
            d::SkipReason::flattened);
  EXPECT_EQ(decisions["PAPER1"][decisions["PAPER1"].size() - 2].skip_reason,
            d::SkipReason::loss_guard);
  EXPECT_EQ(decisions["FOLLOW1"].back().skip_reason, d::SkipReason::no_position_to_exit);
  EXPECT_EQ(decisions["PAPER1"].back().action, d::CopyAction::place);
  EXPECT_EQ(decisions["PAPER1"].back().quantity_units, 10);
  EXPECT_EQ(decisions["PAPER1"].back().clamp, d::Clamp::exit_position);

  // Replay recomputes the guard's decisions, field for field.
  const d::TradingDay day = d::ist_trading_day(market_clock());
  auto replayed = replay::verify_days(*store, day, day);
  ASSERT_TRUE(replayed.ok()) << replayed.status().to_string();
  EXPECT_FALSE(replayed->divergence) << replayed->divergence->what << "\n"
                                     << replayed->divergence->recorded << "\n"
                                     << replayed->divergence->recomputed;
}

}  // namespace
}  // namespace tandem::engine
