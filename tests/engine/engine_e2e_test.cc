// Goal: the live engine copies a leader's orders end to end, over real sockets, as DESIGN.md
// says: each follower order is journaled as an intent before it is sent (write-ahead),
// carries its deterministic tag to the broker, is acknowledged exactly once, and leader
// modifies, cancels and exits are mirrored; a paper follower fills against the leader's
// prices. The journal verifies afterwards.
// Method: the broker simulator (Kite over loopback TLS) on a broker thread with the leader
// and a Kite follower; a paper follower; the engine on its own thread with a RocksDB journal
// on disk. The leader trades "elsewhere" (as on Kite web) through the simulator.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <set>
#include <thread>

#include "brokers/kite/kite_gateway.h"
#include "brokers/paper/paper_gateway.h"
#include "brokers/sim/sim_server.h"
#include "engine/engine.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/sim_loop.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

// Market time: 10:00 IST on Friday 2026-11-20 when the test starts, then real time.
d::TimeNs market_clock() {
  static const d::TimeNs start = testing::wall_clock();
  return 1'795'149'000'000'000'000 + (testing::wall_clock() - start);
}

const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

brokers::sim::KiteSimConfig sim_config() {
  brokers::sim::KiteSimConfig c;
  c.api_key = "e2ekey";
  c.api_secret = "e2esecret";
  c.accounts = {testing::sim_account("LEADER1", "tokL", 50'00'000'00),
                testing::sim_account("FOLLOW1", "tokF", 10'00'000'00)};
  d::Instrument infy;
  infy.key = kInfy;
  infy.underlying = "INFY";
  infy.kite_token = 408065;
  c.instruments = {infy};
  return c;
}

d::FollowerSettings follower(const std::string& id, d::Broker broker, d::SizingPolicy policy,
                             int64_t ratio_ppm) {
  d::FollowerSettings f;
  f.follower = {id};
  f.account = {id};
  f.broker = broker;
  f.sizing = policy;
  f.ratio_ppm = ratio_ppm;
  return f;
}

// The brokers' side: the simulator and every gateway, on one thread.
struct Rig {
  testing::TempDir dir;
  asio::io_context broker_io;
  std::unique_ptr<brokers::sim::SimServer> sim;
  uint16_t port = 0;
  std::unique_ptr<brokers::kite::KiteGateway> leader;
  std::unique_ptr<brokers::kite::KiteGateway> follow1;
  std::unique_ptr<brokers::PaperGateway> paper1;
  std::thread broker_thread;
  asio::executor_work_guard<asio::io_context::executor_type> work{broker_io.get_executor()};

  // Runs `f` on the broker thread and waits for it.
  template <typename F>
  auto on_brokers(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto done = task.get_future();
    asio::post(broker_io, [&] { task(); });
    return done.get();
  }
  // Runs an awaitable on the broker thread and waits for its result.
  template <typename T>
  T await_on_brokers(std::function<asio::awaitable<T>()> make) {
    std::promise<T> promise;
    auto done = promise.get_future();
    asio::co_spawn(
        broker_io, [&]() -> asio::awaitable<void> { promise.set_value(co_await make()); },
        asio::detached);
    return done.get();
  }

  Rig() {
    sim = std::move(
              brokers::sim::SimServer::create(broker_io.get_executor(), sim_config(), market_clock))
              .value();
    port = *sim->listen("127.0.0.1", 0);
    sim->kite().set_price(kInfy, 1500'00);
    auto account = [&](const std::string& token) {
      brokers::kite::KiteAccount a;
      a.rest = brokers::net::https_target("localhost", std::to_string(port), sim->ca_pem());
      a.stream = a.rest;
      a.credentials = {"e2ekey", token};
      a.stream_options.backoff_first = 50ms;
      return a;
    };
    leader = std::make_unique<brokers::kite::KiteGateway>(broker_io.get_executor(), account("tokL"),
                                                          market_clock);
    follow1 = std::make_unique<brokers::kite::KiteGateway>(broker_io.get_executor(),
                                                           account("tokF"), market_clock);
    brokers::PaperAccount paper;
    paper.funds.available_paise = 5'00'000'00;
    paper1 = std::make_unique<brokers::PaperGateway>(broker_io.get_executor(), paper, market_clock);
    broker_thread = std::thread([this] { broker_io.run(); });
    on_brokers([this] {
      asio::co_spawn(
          broker_io,
          [this]() -> asio::awaitable<void> {
            (void)co_await leader->warm();
            (void)co_await follow1->warm();
          },
          asio::detached);
    });
  }
  ~Rig() {
    on_brokers([this] {
      leader->stop();
      follow1->stop();
      paper1->stop();
      sim->stop();
    });
    work.reset();
    broker_io.stop();
    broker_thread.join();
  }
  d::OrderRequest order(d::Side side, d::OrderType type, int64_t qty, int64_t price = 0) {
    d::OrderRequest o;
    o.instrument = kInfy;
    o.side = side;
    o.order_type = type;
    o.product = d::Product::intraday;
    o.quantity_units = qty;
    o.price_paise = price;
    return o;
  }
};

std::string describe(const EngineStats& s) {
  std::string out = "leader updates " + std::to_string(s.leader_updates) + ", intents " +
                    std::to_string(s.intents) + ", acks " + std::to_string(s.acks) +
                    ", rejections " + std::to_string(s.rejections) + ", skips:";
  for (const auto& [reason, n] : s.skips) out += " " + reason + "=" + std::to_string(n);
  return out;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Opens the journal, starts an engine on its own thread, waits for the leader's stream,
// runs `body`, then stops the engine cleanly; returns the journal for inspection.
std::unique_ptr<journal::Store> with_engine(Rig& rig, EngineSetup setup,
                                            Engine::Followers followers,
                                            const std::function<void(Engine&)>& body) {
  auto store = testing::open_store(rig.dir.path("journal"));
  if (!store) return nullptr;
  Engine engine(*store, std::move(setup), *rig.leader, std::move(followers),
                rig.broker_io.get_executor(), market_clock);
  EXPECT_TRUE(engine.start().ok());
  Status run_status;
  std::thread engine_thread([&] { run_status = engine.run(); });
  EXPECT_TRUE(wait_for(
      [&] { return rig.on_brokers([&] { return rig.leader->stream_connects(); }) >= 1; }, 5s));
  body(engine);
  engine.request_stop();
  engine_thread.join();
  EXPECT_TRUE(run_status.ok()) << run_status.to_string();
  return store;
}

TEST(EngineE2E, LeaderOrdersAreCopiedWriteAheadOnceEachWithModifyCancelAndExit) {
  Rig rig;
  EngineSetup setup;
  setup.leader = {"LEADER1"};
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
  setup.leader = {"LEADER1"};
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
  for (const auto& r : testing::read_all(*store)) {
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) recovered += u->recovered;
  }
  EXPECT_GE(recovered, 1);  // what was missed came from the gap fill, marked as such
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
  setup.leader = {"LEADER1"};
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

}  // namespace
}  // namespace tandem::engine
