// Goal (issue 5): a Kite leader with a Dhan follower produces the same follower orders, in
// domain terms, as a Kite leader with a Kite follower — the same decisions, the same
// intents with the same tags, each acknowledged, the same fills — and the follower's book at
// the broker ends the same.
// Method: the same leader day run twice against the simulator, once with FOLLOW1 reached
// through Kite's dialect and once through Dhan's (REST under /v2, the order-update socket
// with its login, securityIds from the simulator's scrip master); the two journals compared.
#include <gtest/gtest.h>

#include <set>

#include "journal/record_reader.h"
#include "tests/support/engine_rig.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;
using namespace rig;

struct Outcome {
  std::vector<d::Event> decided;     // CopyDecisions and FollowerOrderIntents, in order
  std::vector<std::string> updates;  // tag/status/filled of each follower order update
  int64_t acks = 0;
  std::vector<brokers::BrokerOrder> book;
};

Outcome run_day(d::Broker broker) {
  Rig rig;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.version = "test";
  setup.config_hash = "h";
  setup.followers = {follower("FOLLOW1", broker, d::SizingPolicy::multiplier, 2 * d::kPpm)};
  brokers::Gateway* gateway = broker == d::Broker::dhan
                                  ? static_cast<brokers::Gateway*>(rig.dhan_follow1.get())
                                  : static_cast<brokers::Gateway*>(rig.follow1.get());
  const Engine::Followers followers{{{"FOLLOW1"}, gateway}};
  auto store = with_engine(rig, setup, followers, [&](Engine& engine) {
    auto buy = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner("LEADER1",
                                            rig.order(d::Side::buy, d::OrderType::market, 10));
    });
    ASSERT_TRUE(buy.ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 1; }, 5s)) << describe(engine.stats());
    auto limit = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner(
          "LEADER1", rig.order(d::Side::buy, d::OrderType::limit, 4, 1490'00));
    });
    ASSERT_TRUE(limit.ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 2; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().modify_as_owner(
                         "LEADER1", limit->order_id,
                         rig.order(d::Side::buy, d::OrderType::limit, 6, 1495'00));
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 3; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(
        rig.on_brokers([&] { return rig.sim->kite().cancel_as_owner("LEADER1", limit->order_id); })
            .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 4; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().place_as_owner(
                         "LEADER1", rig.order(d::Side::sell, d::OrderType::market, 10));
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 5; }, 5s)) << describe(engine.stats());
    std::this_thread::sleep_for(500ms);  // fills and late updates settle
  });
  Outcome out;
  if (!store) return out;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (std::holds_alternative<d::CopyDecision>(r.event) ||
                    std::holds_alternative<d::FollowerOrderIntent>(r.event)) {
                  out.decided.push_back(r.event);
                } else if (std::holds_alternative<d::FollowerOrderAck>(r.event)) {
                  ++out.acks;
                } else if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&r.event)) {
                  out.updates.push_back(u->tag.value + "/" + std::string(d::to_string(u->status)) +
                                        "/" + std::to_string(u->filled_units));
                }
                return true;
              }).ok());
  out.book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  return out;
}

TEST(EngineCrossBroker, ADhanFollowerOfAKiteLeaderGetsTheSameOrdersAsAKiteFollower) {
  const Outcome kite = run_day(d::Broker::kite);
  const Outcome dhan = run_day(d::Broker::dhan);
  ASSERT_FALSE(kite.decided.empty());
  ASSERT_EQ(kite.decided.size(), dhan.decided.size());
  for (size_t i = 0; i < kite.decided.size(); ++i) {
    EXPECT_TRUE(kite.decided[i] == dhan.decided[i]) << "decision or intent " << i << " differs";
  }
  EXPECT_EQ(kite.acks, 5);
  EXPECT_EQ(dhan.acks, 5);
  // The final state of every follower order is the same (the stream of updates may differ
  // in how many intermediate states each broker reports).
  auto final_states = [](const Outcome& o) {
    std::map<std::string, std::string> last;
    for (const auto& u : o.updates) last[u.substr(0, u.find('/'))] = u;
    return last;
  };
  EXPECT_EQ(final_states(kite), final_states(dhan));
  ASSERT_EQ(kite.book.size(), dhan.book.size());
  for (size_t i = 0; i < kite.book.size(); ++i) {
    EXPECT_EQ(kite.book[i].tag, dhan.book[i].tag);
    EXPECT_EQ(kite.book[i].instrument, dhan.book[i].instrument);
    EXPECT_EQ(kite.book[i].side, dhan.book[i].side);
    EXPECT_EQ(kite.book[i].quantity_units, dhan.book[i].quantity_units);
    EXPECT_EQ(kite.book[i].filled_units, dhan.book[i].filled_units);
    EXPECT_EQ(kite.book[i].status, dhan.book[i].status);
  }
}

TEST(EngineCrossBroker, AnExpiredDhanTokenStopsTheFollowerWithOneAlert) {
  Rig rig;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.version = "test";
  setup.config_hash = "h";
  setup.followers = {follower("FOLLOW1", d::Broker::dhan, d::SizingPolicy::multiplier, d::kPpm)};
  const Engine::Followers followers{{{"FOLLOW1"}, rig.dhan_follow1.get()}};
  std::map<std::string, std::string> stopped;
  auto store = with_engine(rig, setup, followers, [&](Engine& engine) {
    ASSERT_TRUE(rig.on_brokers([&] { return rig.sim->kite().expire_token("FOLLOW1"); }).ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(rig.on_brokers([&] {
                       return rig.sim->kite().place_as_owner(
                           "LEADER1", rig.order(d::Side::buy, d::OrderType::market, 5));
                     })
                      .ok());
    }
    ASSERT_TRUE(wait_for([&] { return engine.stats().rejections >= 3; }, 5s))
        << describe(engine.stats());
    stopped = engine.stats().stopped_followers;
  });
  ASSERT_TRUE(store);
  EXPECT_EQ(stopped.size(), 1u);
  EXPECT_NE(stopped["FOLLOW1"].find("DH-901"), std::string::npos) << stopped["FOLLOW1"];
  int alerts = 0, refused = 0;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (const auto* c = std::get_if<d::BrokerConnectionChanged>(&r.event);
                    c != nullptr && c->account.value == "FOLLOW1") {
                  ++alerts;
                  EXPECT_NE(c->detail.find("tandem login dhan"), std::string::npos) << c->detail;
                  EXPECT_EQ(c->broker, d::Broker::dhan);
                }
                if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
                  refused += j->error_class == d::OrderFailure::unauthenticated;
                }
                return true;
              }).ok());
  EXPECT_EQ(alerts, 1);  // one alert, however many orders the stopped account refuses
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); }).size(), 0u);
}

// A day on a NIFTY option (Kite calls it NIFTY26DEC24000CE, Dhan NIFTY-Dec2026-24000-CE)
// and INFY, with LEADER1 on Kite or on Dhan and FOLLOW1 on Kite.
struct LeaderRun {
  std::vector<d::CopyDecision> decisions;
  std::vector<brokers::BrokerOrder> book;
  std::set<std::string> instruments;  // as the engine named them in its decisions
};

LeaderRun run_leader_day(bool dhan_leader) {
  brokers::sim::KiteSimConfig config = sim_config();
  config.instruments = testing::test_instruments();
  Rig rig(config);
  rig.on_brokers([&] { rig.sim->kite().set_price(testing::kTestNifty, 120'00); });
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, dhan_leader ? d::Broker::dhan : d::Broker::kite, {}, {}}};
  setup.version = "test";
  setup.config_hash = "h";
  setup.followers = {
      follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, 2 * d::kPpm)};
  brokers::Gateway* gateway =
      dhan_leader ? rig.renamed_follow1.get() : static_cast<brokers::Gateway*>(rig.follow1.get());
  const Engine::Followers followers{{{"FOLLOW1"}, gateway}};
  auto leader_order = [&](d::Side side, const d::InstrumentKey& key, int64_t qty) {
    d::OrderTerms o = rig.order(side, d::OrderType::market, qty);
    o.instrument = key;
    o.product = d::Product::carry_forward;
    return rig.on_brokers([&] { return rig.sim->kite().place_as_owner("LEADER1", o); });
  };
  auto store = with_engine(
      rig, setup, followers,
      [&](Engine& engine) {
        ASSERT_TRUE(leader_order(d::Side::buy, testing::kTestNifty, 150).ok());
        ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 1; }, 5s))
            << describe(engine.stats());
        ASSERT_TRUE(leader_order(d::Side::buy, testing::kTestInfy, 10).ok());
        ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 2; }, 5s))
            << describe(engine.stats());
        ASSERT_TRUE(leader_order(d::Side::sell, testing::kTestNifty, 75).ok());
        ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 3; }, 5s))
            << describe(engine.stats());
        std::this_thread::sleep_for(300ms);
      },
      dhan_leader);
  LeaderRun out;
  if (!store) return out;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (const auto* c = std::get_if<d::CopyDecision>(&r.event)) {
                  out.decisions.push_back(*c);
                  out.instruments.insert(c->instrument.tradingsymbol);
                }
                return true;
              }).ok());
  out.book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  return out;
}

TEST(EngineCrossBroker, AKiteFollowerOfADhanLeaderGetsTheSameOrdersAsOfAKiteLeader) {
  const LeaderRun kite = run_leader_day(false);
  const LeaderRun dhan = run_leader_day(true);
  // The engine names instruments as the leader's broker does.
  EXPECT_TRUE(kite.instruments.contains("NIFTY26DEC24000CE"));
  EXPECT_TRUE(dhan.instruments.contains("NIFTY-Dec2026-24000-CE"));
  ASSERT_EQ(kite.decisions.size(), dhan.decisions.size());
  for (size_t i = 0; i < kite.decisions.size(); ++i) {
    d::CopyDecision a = kite.decisions[i], b = dhan.decisions[i];
    a.instrument = b.instrument = {};            // named by each leader's broker
    a.leader_order_id = b.leader_order_id = {};  // each dialect's order id
    EXPECT_TRUE(a == b) << "decision " << i << " differs beyond the instrument's name";
  }
  // At Kite, FOLLOW1's book is the same whichever broker the leader is on.
  ASSERT_EQ(kite.book.size(), 3u);
  ASSERT_EQ(kite.book.size(), dhan.book.size());
  for (size_t i = 0; i < kite.book.size(); ++i) {
    EXPECT_EQ(kite.book[i].instrument, dhan.book[i].instrument);
    EXPECT_EQ(kite.book[i].side, dhan.book[i].side);
    EXPECT_EQ(kite.book[i].quantity_units, dhan.book[i].quantity_units);
    EXPECT_EQ(kite.book[i].status, dhan.book[i].status);
  }
  EXPECT_EQ(dhan.book[0].instrument, testing::kTestNifty);
  EXPECT_EQ(dhan.book[0].quantity_units, 300);
}

}  // namespace
}  // namespace tandem::engine
