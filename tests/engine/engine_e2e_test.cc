// Goal: the live engine copies a leader's orders end to end, over real sockets, as DESIGN.md
// says: each follower order is journaled as an intent before it is sent (write-ahead),
// carries its deterministic tag to the broker, is acknowledged exactly once, and leader
// modifies, cancels and exits are mirrored; a paper follower fills against the leader's
// prices; the engine's own latency is measured for every copy placed. The journal verifies
// afterwards.
// Method: the broker simulator (Kite over loopback TLS) on a broker thread with the leader
// and a Kite follower; a paper follower; the engine on its own thread with a RocksDB journal
// on disk. The leader trades "elsewhere" (as on Kite web) through the simulator.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/support/engine_rig.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

using namespace rig;

TEST(EngineE2E, LeaderOrdersAreCopiedWriteAheadOnceEachWithModifyCancelAndExit) {
  Rig rig;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.version = "test";
  setup.config_hash = "h1";
  setup.followers = {
      follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, 2 * d::kPpm),
      follower("PAPER1", d::Broker::paper, d::SizingPolicy::fixed_ratio, d::kPpm / 2)};
  const Engine::Followers followers{{{"FOLLOW1"}, rig.follow1.get()},
                                    {{"PAPER1"}, rig.paper1.get()}};
  auto store = with_engine(rig, setup, followers, [&](Engine& engine) {
    // Leader: a market buy, a limit that is modified then cancelled, and the exit.
    auto buy = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner("LEADER1",
                                            rig.order(d::Side::buy, d::OrderType::market, 10));
    });
    ASSERT_TRUE(buy.ok());
    auto limit = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner(
          "LEADER1", rig.order(d::Side::buy, d::OrderType::limit, 4, 1490'00));
    });
    ASSERT_TRUE(limit.ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 3; }, 5s)) << describe(engine.stats());
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().modify_as_owner(
                         "LEADER1", limit->order_id,
                         rig.order(d::Side::buy, d::OrderType::limit, 6, 1495'00));
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 4; }, 5s));
    ASSERT_TRUE(
        rig.on_brokers([&] { return rig.sim->kite().cancel_as_owner("LEADER1", limit->order_id); })
            .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 5; }, 5s));
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().place_as_owner(
                         "LEADER1", rig.order(d::Side::sell, d::OrderType::market, 10));
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 7; }, 5s)) << engine.stats().acks;
    std::this_thread::sleep_for(300ms);  // fills and late updates settle
    // The engine's own time is measured for every copy placed (3 places × 2 followers, the
    // paper one included): read off the socket → written to the broker's, before its ack.
    const EngineStats stats = engine.stats();
    ASSERT_EQ(stats.send_latency_ns.size(), 6u) << describe(stats);
    const int64_t slowest_ack =
        *std::max_element(stats.ack_latency_ns.begin(), stats.ack_latency_ns.end());
    for (const int64_t ns : stats.send_latency_ns) {
      EXPECT_GT(ns, 0);
      EXPECT_LT(ns, slowest_ack);
    }
  });
  ASSERT_TRUE(store);

  // The Kite follower's book: ×2 of each leader order, our tags, each tag once.
  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 3u);  // buy, limit (modified, then cancelled), exit
  std::set<std::string> tags;
  for (const auto& o : book) tags.insert(o.tag);
  EXPECT_EQ(tags.size(), 3u);
  EXPECT_EQ(book[0].quantity_units, 20);
  EXPECT_EQ(book[0].status, d::OrderStatus::complete);
  EXPECT_EQ(book[1].quantity_units, 12);  // the modify, rescaled
  EXPECT_EQ(book[1].price_paise, 1495'00);
  EXPECT_EQ(book[1].status, d::OrderStatus::cancelled);
  EXPECT_EQ(book[2].side, d::Side::sell);
  EXPECT_EQ(book[2].quantity_units, 20);
  // The paper follower bought 5 and sold 5 at the leader's prices: flat.
  const auto paper = rig.await_on_brokers<Result<std::vector<d::BrokerPosition>>>(
      [&] { return rig.paper1->positions(); });
  ASSERT_TRUE(paper.ok());
  ASSERT_EQ(paper->size(), 1u);
  EXPECT_EQ(paper->at(0).net_qty_units, 0);
  const auto paper_trades = rig.await_on_brokers<Result<std::vector<brokers::BrokerTrade>>>(
      [&] { return rig.paper1->trades(); });
  ASSERT_TRUE(paper_trades.ok());
  EXPECT_EQ(paper_trades->size(), 2u);  // the limit never reached its price

  // The journal: every intent before its ack, each acknowledged once, chain intact.
  const auto records = testing::read_all(*store);
  std::map<std::string, uint64_t> intent_seq;
  std::map<std::string, int> acks;
  int stopped = 0;
  for (const auto& r : records) {
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event))
      intent_seq[i->tag.value] = r.seq;
    if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      ASSERT_TRUE(intent_seq.contains(a->tag.value)) << "ack before its intent: " << a->tag.value;
      EXPECT_LT(intent_seq[a->tag.value], r.seq);
      ++acks[a->tag.value];
    }
    stopped += std::holds_alternative<d::EngineStopped>(r.event);
  }
  EXPECT_EQ(intent_seq.size(), 10u);  // 5 leader actions × 2 followers
  for (const auto& [tag, n] : acks) EXPECT_EQ(n, 1) << tag;
  EXPECT_EQ(acks.size(), intent_seq.size());
  EXPECT_EQ(stopped, 1);
  for (const auto& t : tags) EXPECT_TRUE(intent_seq.contains(t)) << t;
}

TEST(EngineE2E, LeaderOrdersWhileItsSocketIsDownAreRecoveredAndCopiedOnce) {
  Rig rig;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.funds_interval = 100ms;  // and funds are taken again while it runs
  setup.followers = {follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, d::kPpm)};
  auto place = [&](int qty) {
    return rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner("LEADER1",
                                            rig.order(d::Side::buy, d::OrderType::market, qty));
    });
  };
  auto store = with_engine(rig, setup, {{{"FOLLOW1"}, rig.follow1.get()}}, [&](Engine& engine) {
    ASSERT_TRUE(place(1).ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 1; }, 5s));
    // The leader's socket drops; the leader keeps trading meanwhile.
    ASSERT_TRUE(rig.on_brokers([&] { return rig.sim->kite().drop_websockets("LEADER1"); }).ok());
    for (int q = 2; q <= 6; ++q) ASSERT_TRUE(place(q).ok());
    // Meanwhile the follower's funds change (a withdrawal): the engine takes note.
    ASSERT_TRUE(
        rig.on_brokers([&] { return rig.sim->kite().set_funds("FOLLOW1", 7'00'000'00); }).ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 6; }, 10s))
        << describe(engine.stats());
    std::this_thread::sleep_for(500ms);  // nothing more may come
  });
  ASSERT_TRUE(store);

  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 6u);  // one follower order per leader order, none twice
  std::set<int64_t> quantities;
  for (const auto& o : book) quantities.insert(o.quantity_units);
  EXPECT_EQ(quantities, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));
  int recovered = 0;
  std::set<std::string> digests;
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
      recovered += u->recovered;
      // The digest of the frame it came in (a socket message, or the gap fill's order book).
      EXPECT_EQ(u->raw_digest.size(), 64u) << u->order_id.value;
      digests.insert(u->raw_digest);
    }
  }
  EXPECT_GE(recovered, 1);  // what was missed came from the gap fill, marked as such
  EXPECT_GE(digests.size(), 2u) << "socket messages and the gap fill's answer are other frames";
  int64_t last_funds = 0, snapshots = 0;
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* f = std::get_if<d::FundsSnapshot>(&r.event);
        f && f->account.value == "FOLLOW1") {
      last_funds = f->available_paise;
      ++snapshots;
    }
  }
  EXPECT_EQ(snapshots, 2);  // at start, and once after the change (not on every poll)
  EXPECT_EQ(last_funds, 7'00'000'00);
}

TEST(EngineE2E, AChangeDecidedBeforeItsOrderIsAcknowledgedWaitsForTheAck) {
  Rig rig;
  brokers::sim::Faults slow;
  slow.latency = 300ms;  // the follower's broker answers late
  ASSERT_TRUE(rig.on_brokers([&] { return rig.sim->kite().set_faults("FOLLOW1", slow); }).ok());
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {}, {}}};
  setup.followers = {follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, d::kPpm)};
  auto store = with_engine(rig, setup, {{{"FOLLOW1"}, rig.follow1.get()}}, [&](Engine& engine) {
    auto limit = rig.on_brokers([&] {
      return rig.sim->kite().place_as_owner(
          "LEADER1", rig.order(d::Side::buy, d::OrderType::limit, 4, 1490'00));
    });
    ASSERT_TRUE(limit.ok());
    // The leader modifies and cancels while the follower's place is still unanswered.
    ASSERT_TRUE(wait_for([&] { return engine.stats().intents >= 1; }, 5s));
    ASSERT_TRUE(rig.on_brokers([&] {
                     return rig.sim->kite().modify_as_owner(
                         "LEADER1", limit->order_id,
                         rig.order(d::Side::buy, d::OrderType::limit, 6, 1495'00));
                   })
                    .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().intents >= 2; }, 5s));
    ASSERT_TRUE(
        rig.on_brokers([&] { return rig.sim->kite().cancel_as_owner("LEADER1", limit->order_id); })
            .ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 3; }, 10s))
        << describe(engine.stats());
    EXPECT_EQ(engine.stats().rejections, 0) << describe(engine.stats());
  });
  ASSERT_TRUE(store);
  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].quantity_units, 6);                  // modified…
  EXPECT_EQ(book[0].status, d::OrderStatus::cancelled);  // …then cancelled
}

// A named leader (`[[leader]]`, docs/configuration.md): its orders are journaled under
// "<name>:<broker id>", its follower's share is named for it, and every tag at the follower's
// broker starts with its code; the follower holds twice the leader, as its broker reports.
TEST(EngineE2E, ANamedLeaderIsCopiedUnderItsNameAndTagCode) {
  Rig rig;
  EngineSetup setup;
  setup.leaders = {{{"LEADER1"}, d::Broker::kite, {"scalper"}, "S"}};
  setup.version = "test";
  setup.config_hash = "h1";
  d::FollowerSettings share =
      follower("FOLLOW1", d::Broker::kite, d::SizingPolicy::multiplier, 2 * d::kPpm);
  share.follower = {"FOLLOW1@scalper"};
  share.leader = {"scalper"};
  setup.followers = {share};
  const Engine::Followers followers{{share.follower, rig.follow1.get()}};
  auto store = with_engine(rig, setup, followers, [&](Engine& engine) {
    ASSERT_TRUE(rig.leader_places(d::Side::buy, d::OrderType::market, 10).ok());
    ASSERT_TRUE(wait_for([&] { return engine.stats().acks >= 1; }, 5s)) << describe(engine.stats());
    std::this_thread::sleep_for(300ms);  // its fill settles
  });
  ASSERT_TRUE(store);

  const auto book = rig.on_brokers([&] { return rig.sim->kite().orders_of("FOLLOW1"); });
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].tag.substr(0, 1), "S") << book[0].tag;
  EXPECT_EQ(book[0].quantity_units, 20);
  const auto held = rig.on_brokers([&] { return rig.sim->kite().positions_of("FOLLOW1"); });
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].net_qty_units, 20);

  int named_updates = 0, named_leaders = 0;
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
      EXPECT_EQ(u->leader.value, "scalper");
      EXPECT_EQ(u->order_id.value.rfind("scalper:", 0), 0u) << u->order_id.value;
      ++named_updates;
    }
    if (const auto* l = std::get_if<d::LeaderConfigured>(&r.event)) {
      EXPECT_EQ(l->name.value, "scalper");
      EXPECT_EQ(l->tag_code, "S");
      ++named_leaders;
    }
  }
  EXPECT_GT(named_updates, 0);
  EXPECT_EQ(named_leaders, 1);
}

}  // namespace
}  // namespace tandem::engine
