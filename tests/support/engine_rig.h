// The live engine against the broker simulator, for end-to-end tests: the simulator (Kite
// over loopback TLS) and every gateway on a broker thread — a leader, a Kite follower and a
// paper follower — and with_engine() to run an engine with a RocksDB journal around a test
// body. A market clock at 10:00 IST on a trading Friday keeps the market open.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <thread>

#include "brokers/dhan/dhan_gateway.h"
#include "brokers/kite/kite_gateway.h"
#include "brokers/paper/paper_gateway.h"
#include "brokers/renamed_gateway.h"
#include "brokers/sim/sim_server.h"
#include "engine/engine.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/sim_loop.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine::rig {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

// Market time: 10:00 IST on Friday 2026-11-20 when the test starts, then real time.
inline d::TimeNs market_clock() {
  static const d::TimeNs start = testing::wall_clock();
  return 1'795'149'000'000'000'000 + (testing::wall_clock() - start);
}

inline const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

inline brokers::sim::KiteSimConfig sim_config() {
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

inline d::FollowerSettings follower(const std::string& id, d::Broker broker, d::SizingPolicy policy,
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
  // The same simulated account FOLLOW1, reached through the simulator's Dhan dialect.
  std::unique_ptr<brokers::dhan::DhanGateway> dhan_follow1;
  // LEADER1 through the Dhan dialect (Dhan's own names), and FOLLOW1 on Kite as a follower
  // of it (renamed to Dhan's names at the border).
  std::unique_ptr<brokers::dhan::DhanGateway> dhan_leader;
  std::unique_ptr<brokers::Gateway> renamed_follow1;
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

  // `rest_deadline`: the Kite gateways' deadline for a REST answer.
  explicit Rig(brokers::sim::KiteSimConfig config = sim_config(),
               std::chrono::milliseconds rest_deadline = std::chrono::seconds(5)) {
    const std::vector<d::Instrument> instruments = config.instruments;
    sim = std::move(brokers::sim::SimServer::create(broker_io.get_executor(), std::move(config),
                                                    market_clock))
              .value();
    port = *sim->listen("127.0.0.1", 0);
    sim->kite().set_price(kInfy, 1500'00);
    auto account = [&](const std::string& token) {
      brokers::kite::KiteAccount a;
      a.rest = net::https_target("localhost", std::to_string(port), sim->ca_pem());
      a.stream = a.rest;
      a.credentials = {"e2ekey", token};
      a.stream_options.backoff_first = 50ms;
      a.deadline = rest_deadline;
      return a;
    };
    leader = std::make_unique<brokers::kite::KiteGateway>(broker_io.get_executor(), account("tokL"),
                                                          market_clock);
    follow1 = std::make_unique<brokers::kite::KiteGateway>(broker_io.get_executor(),
                                                           account("tokF"), market_clock);
    brokers::dhan::DhanAccount dhan;
    dhan.rest = net::https_target("localhost", std::to_string(port), sim->ca_pem());
    dhan.stream = dhan.rest;
    dhan.credentials = {"FOLLOW1", "tokF"};
    dhan.securities = sim->kite().dhan_securities().for_instruments(instruments);
    dhan.stream_options.backoff_first = 50ms;
    dhan_follow1 =
        std::make_unique<brokers::dhan::DhanGateway>(broker_io.get_executor(), dhan, market_clock);
    brokers::dhan::DhanAccount dhan_lead = dhan;
    dhan_lead.credentials = {"LEADER1", "tokL"};
    dhan_lead.securities = sim->kite().dhan_securities();
    dhan_leader = std::make_unique<brokers::dhan::DhanGateway>(broker_io.get_executor(), dhan_lead,
                                                               market_clock);
    renamed_follow1 = std::make_unique<brokers::RenamedGateway>(
        std::make_unique<brokers::kite::KiteGateway>(broker_io.get_executor(), account("tokF"),
                                                     market_clock),
        brokers::contract_names(sim->kite().dhan_securities().instruments(), instruments));
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
            (void)co_await dhan_follow1->warm();
            (void)co_await dhan_leader->warm();
            (void)co_await renamed_follow1->warm();
          },
          asio::detached);
    });
  }
  ~Rig() {
    on_brokers([this] {
      leader->stop();
      follow1->stop();
      dhan_follow1->stop();
      dhan_leader->stop();
      renamed_follow1->stop();
      paper1->stop();
      sim->stop();
    });
    work.reset();
    broker_io.stop();
    broker_thread.join();
  }
  d::OrderTerms order(d::Side side, d::OrderType type, int64_t qty, int64_t price = 0) {
    d::OrderTerms o;
    o.instrument = kInfy;
    o.side = side;
    o.order_type = type;
    o.product = d::Product::intraday;
    o.quantity_units = qty;
    o.price_paise = price;
    return o;
  }
  // LEADER1 trades "elsewhere" (as on Kite web), at its broker.
  auto leader_places(d::Side side, d::OrderType type, int64_t qty, int64_t price = 0) {
    return on_brokers(
        [&] { return sim->kite().place_as_owner("LEADER1", order(side, type, qty, price)); });
  }
};

inline std::string describe(const EngineStats& s) {
  std::string out = "leader updates " + std::to_string(s.leader_updates) + ", intents " +
                    std::to_string(s.intents) + ", acks " + std::to_string(s.acks) +
                    ", rejections " + std::to_string(s.rejections) + ", follower updates " +
                    std::to_string(s.follower_updates) + ", unknown outcomes " +
                    std::to_string(s.unknown_outcomes) + ", in flight " +
                    std::to_string(s.in_flight) + ", skips:";
  for (const auto& [reason, n] : s.skips) out += " " + reason + "=" + std::to_string(n);
  return out;
}

inline bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Opens the journal, starts an engine on its own thread, waits for the leaders' streams,
// runs `body`, then stops the engine cleanly; returns the journal for inspection.
// `leaders`: the gateways of setup.leaders, in order.
inline std::unique_ptr<journal::Store> with_engine_of(Rig& rig, EngineSetup setup,
                                                      std::vector<brokers::Gateway*> leaders,
                                                      Engine::Followers followers,
                                                      const std::function<void(Engine&)>& body) {
  auto store = testing::open_store(rig.dir.path("journal"));
  if (!store) return nullptr;
  Engine engine(*store, std::move(setup), std::move(leaders), std::move(followers), market_clock);
  EXPECT_TRUE(engine.start().ok());
  Status run_status;
  std::thread engine_thread([&] { run_status = engine.run(); });
  EXPECT_TRUE(wait_for([&] { return engine.view()->leader_connected; }, 5s));
  // The session's opening tick before the body trades (on a trading day: the market clock
  // reads 10:00): taken after a refused copy, it would converge that pair once more, a
  // decision more than the body's trades, as busy machines showed.
  wait_for([&] { return engine.stats().clock_ticks > 0; }, 2s);
  body(engine);
  engine.request_stop();
  engine_thread.join();
  EXPECT_TRUE(run_status.ok()) << run_status.to_string();
  return store;
}

// As with_engine_of, with LEADER1 as the one leader (`dhan_leader`: reached through the
// simulator's Dhan dialect).
inline std::unique_ptr<journal::Store> with_engine(Rig& rig, EngineSetup setup,
                                                   Engine::Followers followers,
                                                   const std::function<void(Engine&)>& body,
                                                   bool dhan_leader = false) {
  brokers::Gateway* leader = dhan_leader ? static_cast<brokers::Gateway*>(rig.dhan_leader.get())
                                         : static_cast<brokers::Gateway*>(rig.leader.get());
  return with_engine_of(rig, std::move(setup), {leader}, std::move(followers), body);
}

}  // namespace tandem::engine::rig
