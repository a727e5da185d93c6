// Goal (issue 27): one engine copies two leaders at once — a Kite leader and a Dhan leader —
// to a Kite and a Dhan follower that each follow both, one journal, one sequence. When one
// leader exits fully while the other holds, each follower's position at its broker is the
// remaining leader's target, and every order's tag names the leader it copied. The operator
// flattens one share, and pauses a follower of both by its own id (both shares).
// Method: the broker simulator over loopback TLS: LEADER1 in Kite's dialect (it names the
// instruments), LEADER2 in Dhan's (its contracts renamed to Kite's at its border), FOLLOW1 on
// Kite and FOLLOW2 on Dhan; the engine on its own thread with a RocksDB journal on disk.
#include <gtest/gtest.h>

#include <set>

#include "journal/record_reader.h"
#include "tests/support/engine_rig.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;
using namespace rig;

brokers::sim::KiteSimConfig two_leader_config() {
  brokers::sim::KiteSimConfig c = sim_config();
  c.instruments = testing::test_instruments();
  c.accounts.push_back(testing::sim_account("LEADER2", "tokL2", 50'00'000'00));
  c.accounts.push_back(testing::sim_account("FOLLOW2", "tokF2", 10'00'000'00));
  return c;
}

d::FollowerSettings share(const std::string& account, d::Broker broker, const std::string& leader,
                          int64_t ratio_ppm) {
  d::FollowerSettings f = follower(account, broker, d::SizingPolicy::multiplier, ratio_ppm);
  f.follower = {account + "@" + leader};
  f.leader = {leader};
  return f;
}

int64_t held(Rig& rig, const std::string& account, const d::InstrumentKey& key) {
  int64_t net = 0;
  for (const auto& p : rig.on_brokers([&] { return rig.sim->kite().positions_of(account); })) {
    if (p.instrument == key) net += p.net_qty_units;
  }
  return net;
}

// LEADER1 on Kite (alpha, tag code A) and LEADER2 on Dhan (beta, B); FOLLOW1 on Kite follows
// alpha at 2× and beta at 1×, FOLLOW2 on Dhan both at 1×.
struct TwoLeaders {
  brokers::sim::KiteSimConfig config = two_leader_config();
  Rig rig{config};
  std::unique_ptr<brokers::Gateway> leader2;
  std::unique_ptr<brokers::dhan::DhanGateway> follower2;
  EngineSetup setup;
  Engine::Followers followers;

  TwoLeaders() {
    rig.on_brokers([&] { rig.sim->kite().set_price(testing::kTestNifty, 120'00); });
    const auto& dhan_names = rig.sim->kite().dhan_securities();
    // LEADER2 on Dhan, renamed to the engine's (Kite's) names at its border.
    brokers::dhan::DhanAccount lead2;
    lead2.rest = net::https_target("localhost", std::to_string(rig.port), rig.sim->ca_pem());
    lead2.stream = lead2.rest;
    lead2.credentials = {"LEADER2", "tokL2"};
    lead2.securities = dhan_names;
    lead2.stream_options.backoff_first = 50ms;
    leader2 = std::make_unique<brokers::RenamedGateway>(
        std::make_unique<brokers::dhan::DhanGateway>(rig.broker_io.get_executor(), lead2,
                                                     market_clock),
        brokers::contract_names(config.instruments, dhan_names.instruments()));
    brokers::dhan::DhanAccount follow2 = lead2;
    follow2.credentials = {"FOLLOW2", "tokF2"};
    follow2.securities = dhan_names.for_instruments(config.instruments);
    follower2 = std::make_unique<brokers::dhan::DhanGateway>(rig.broker_io.get_executor(), follow2,
                                                             market_clock);
    (void)rig.await_on_brokers<Status>([&]() -> asio::awaitable<Status> {
      (void)co_await leader2->warm();
      co_return co_await follower2->warm();
    });
    setup.leaders = {{{"LEADER1"}, d::Broker::kite, {"alpha"}, "A"},
                     {{"LEADER2"}, d::Broker::dhan, {"beta"}, "B"}};
    setup.version = "test";
    setup.config_hash = "h";
    setup.followers = {share("FOLLOW1", d::Broker::kite, "alpha", 2 * d::kPpm),
                       share("FOLLOW1", d::Broker::kite, "beta", d::kPpm),
                       share("FOLLOW2", d::Broker::dhan, "alpha", d::kPpm),
                       share("FOLLOW2", d::Broker::dhan, "beta", d::kPpm)};
    followers = {{{"FOLLOW1@alpha"}, rig.follow1.get()},
                 {{"FOLLOW1@beta"}, rig.follow1.get()},
                 {{"FOLLOW2@alpha"}, follower2.get()},
                 {{"FOLLOW2@beta"}, follower2.get()}};
  }
  ~TwoLeaders() {
    rig.on_brokers([&] {
      leader2->stop();
      follower2->stop();
    });
  }

  bool place(const std::string& leader, d::Side side, const d::InstrumentKey& key, int64_t qty) {
    d::OrderTerms o = rig.order(side, d::OrderType::market, qty);
    o.instrument = key;
    o.product = d::Product::carry_forward;
    return rig.on_brokers([&] { return rig.sim->kite().place_as_owner(leader, o); }).ok();
  }
  template <class Body>
  std::unique_ptr<journal::Store> run(Body body) {
    return with_engine_of(rig, setup, {rig.leader.get(), leader2.get()}, followers, body);
  }
};

TEST(EngineManyLeaders, OneLeaderExitsTheOtherHoldsAndEachFollowerHoldsTheOnesShare) {
  TwoLeaders two;
  Rig& rig = two.rig;
  auto place = [&](const std::string& leader, d::Side side, const d::InstrumentKey& key,
                   int64_t qty) { return two.place(leader, side, key, qty); };
  auto store = two.run([&](Engine& engine) {
    ASSERT_TRUE(place("LEADER1", d::Side::buy, testing::kTestInfy, 10));
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 2; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(place("LEADER2", d::Side::buy, testing::kTestInfy, 5));
    ASSERT_TRUE(place("LEADER2", d::Side::buy, testing::kTestNifty, 150));
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 6; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(place("LEADER1", d::Side::sell, testing::kTestInfy, 10));  // alpha exits
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 8; }, 5s)) << describe(engine.stats());
    std::this_thread::sleep_for(300ms);  // fills settle
    // The operator flattens one share (FOLLOW2's of beta), then pauses the whole of
    // FOLLOW1 (both its shares) by the follower's own id.
    OperatorCommand flatten{OperatorCommand::Kind::flatten, {"FOLLOW2@beta"}, "ops", "", true};
    auto flattened = engine.command(flatten).get();
    ASSERT_TRUE(flattened.ok()) << flattened.status().to_string();
    EXPECT_TRUE(flattened->changed);
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 10; }, 5s))
        << describe(engine.stats());
    auto paused =
        engine.command({OperatorCommand::Kind::pause, {"FOLLOW1"}, "ops", "", false}).get();
    ASSERT_TRUE(paused.ok()) << paused.status().to_string();
    EXPECT_TRUE(paused->changed);
    auto nobody =
        engine.command({OperatorCommand::Kind::pause, {"NOBODY"}, "ops", "", false}).get();
    EXPECT_EQ(nobody.status().code(), StatusCode::not_found);
    std::this_thread::sleep_for(300ms);  // the closing orders fill
  });
  ASSERT_TRUE(store);

  // What each follower's broker holds: FOLLOW1 beta's share alone (alpha is flat); FOLLOW2
  // nothing (its share of beta flattened).
  EXPECT_EQ(held(rig, "FOLLOW1", testing::kTestInfy), 5);
  EXPECT_EQ(held(rig, "FOLLOW1", testing::kTestNifty), 150);
  EXPECT_EQ(held(rig, "FOLLOW2", testing::kTestInfy), 0);
  EXPECT_EQ(held(rig, "FOLLOW2", testing::kTestNifty), 0);

  // Every order's tag names its leader: the journal's intent for it says whose copy it is.
  std::map<std::string, std::string> leader_of_tag;
  std::map<std::string, std::string> share_of_tag;  // the intent's follower: whose order it is
  int misattributed = 0, reports = 0;
  int updates_of[2] = {0, 0};
  std::set<std::string> paused;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
                  const std::string& id = i->follower.value;
                  leader_of_tag[i->tag.value] = id.substr(id.find('@') + 1);
                  share_of_tag[i->tag.value] = id;
                }
                // Each report of an order is journaled for the share that placed it, though
                // the account's one stream carries every share's orders.
                if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&r.event)) {
                  ++reports;
                  misattributed += share_of_tag[u->tag.value] != u->follower.value;
                }
                if (const auto* p = std::get_if<d::FollowerPaused>(&r.event)) {
                  paused.insert(p->follower.value);
                }
                if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
                  ++updates_of[u->leader.value == "beta"];
                }
                return true;
              }).ok());
  EXPECT_GT(updates_of[0], 0);  // alpha's, from Kite's stream
  EXPECT_GT(updates_of[1], 0);  // beta's, from Dhan's
  EXPECT_GT(reports, 0);
  EXPECT_EQ(misattributed, 0) << "follower order reports journaled for another share";
  EXPECT_EQ(paused, (std::set<std::string>{"FOLLOW1@alpha", "FOLLOW1@beta", "FOLLOW2@beta"}));
  for (const std::string account : {"FOLLOW1", "FOLLOW2"}) {
    const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of(account); });
    // alpha's buy and sell, beta's two buys; FOLLOW2 also the flatten's two closing orders
    EXPECT_EQ(book.size(), account == "FOLLOW1" ? 4u : 6u) << account;
    for (const auto& o : book) {
      ASSERT_TRUE(leader_of_tag.contains(o.tag)) << account << " " << o.tag;
      EXPECT_EQ(o.tag.substr(0, 1), leader_of_tag[o.tag] == "alpha" ? "A" : "B") << o.tag;
    }
  }
}

// While one leader's stream is down the other leader keeps being copied, and what the downed
// leader did meanwhile is recovered by its gap fill and copied once.
TEST(EngineManyLeaders, WhileOneLeadersStreamIsDownTheOtherKeepsCopying) {
  TwoLeaders two;
  Rig& rig = two.rig;
  brokers::sim::Faults down;
  down.streams_down = true;
  bool alpha_copied_while_beta_down = false;
  auto store = two.run([&](Engine& engine) {
    ASSERT_TRUE(rig.on_brokers([&] {
                     (void)rig.sim->kite().set_faults("LEADER2", down);
                     return rig.sim->kite().drop_websockets("LEADER2");
                   })
                    .ok());
    auto beta_connected = [&] { return engine.view()->leaders.at(1).connected; };
    ASSERT_TRUE(wait_for([&] { return !beta_connected(); }, 5s));
    EXPECT_TRUE(engine.view()->leaders.at(0).connected) << "alpha's stream is its own";
    ASSERT_TRUE(two.place("LEADER1", d::Side::buy, testing::kTestInfy, 10));
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 2; }, 5s)) << describe(engine.stats());
    alpha_copied_while_beta_down = !beta_connected();
    // beta trades while its stream is down. Its gap fill brings the order (a reconnect's
    // REST read of the book, which works while the socket is refused, or the one after).
    ASSERT_TRUE(two.place("LEADER2", d::Side::buy, testing::kTestNifty, 150));
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().set_faults("LEADER2", brokers::sim::Faults{});
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 4; }, 10s))
        << describe(engine.stats());
    EXPECT_TRUE(wait_for(beta_connected, 5s));
    std::this_thread::sleep_for(300ms);  // fills settle; nothing more may come
  });
  ASSERT_TRUE(store);
  EXPECT_TRUE(alpha_copied_while_beta_down);

  EXPECT_EQ(held(rig, "FOLLOW1", testing::kTestInfy), 20);  // alpha at 2×
  EXPECT_EQ(held(rig, "FOLLOW1", testing::kTestNifty), 150);
  EXPECT_EQ(held(rig, "FOLLOW2", testing::kTestInfy), 10);
  EXPECT_EQ(held(rig, "FOLLOW2", testing::kTestNifty), 150);
  for (const std::string account : {"FOLLOW1", "FOLLOW2"}) {
    EXPECT_EQ(rig.on_brokers([&] { return rig.sim->kite().orders_of(account); }).size(), 2u)
        << account << ": one order per leader order, none twice";
  }
  int recovered_beta = 0;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
                  recovered_beta += u->leader.value == "beta" && u->recovered;
                }
                return true;
              }).ok());
  EXPECT_GE(recovered_beta, 1) << "beta's order came from its gap fill";
}

}  // namespace
}  // namespace tandem::engine
