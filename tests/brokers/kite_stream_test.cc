// Goal: the leader's order stream survives what real sockets do. Orders placed while the
// socket is down are recovered by the gap fill after reconnecting, each exactly once;
// heartbeats keep an idle stream alive; silence past the liveness timeout forces a
// reconnect. Method: KiteSim serving REST and its WebSocket on one loopback TLS port; the
// leader trades "elsewhere" (place_as_owner), as a trader on Kite web would.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>

#include "brokers/kite/order_stream.h"
#include "brokers/sim/kite_sim.h"
#include "net/https_server.h"
#include "net/websocket_connector.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

using testing::wait_until;
using testing::wall_clock;

sim::KiteSimConfig leader_only() {
  auto leader = testing::sim_account("L1", "tokL", 1'00'000'00);
  leader.faults.orders_per_second = 100;
  sim::KiteSimConfig config;
  config.api_key = "k";
  config.accounts = {leader};
  return config;
}

// An OrderStream (and the RestSession its gap fill uses) against the simulator.
struct StreamLoop : testing::KiteSimLoop {
  std::vector<std::pair<BrokerOrder, bool>> got;  // (order, recovered)

  explicit StreamLoop(std::chrono::milliseconds heartbeat) : KiteSimLoop(leader_only(), heartbeat) {
    kite.set_price({d::Exchange::nse, "INFY"}, 1500'00);
  }

  void run(kite::StreamOptions options,
           std::function<asio::awaitable<void>(kite::OrderStream&)> body) {
    const bool done = KiteSimLoop::run([&]() -> asio::awaitable<void> {
      net::HttpsClient http(io.get_executor(), target(), 2, 3000ms);
      RateLimiter limiter(RateLimits::kite_orders());
      kite::RestSession rest(io.get_executor(), http, {"k", "tokL"}, limiter, wall_clock);
      kite::OrderStream stream(
          io.get_executor(), net::websocket_connector(io.get_executor(), target()), {"k", "tokL"},
          rest, options,
          [this](const BrokerOrder& o, bool recovered) { got.emplace_back(o, recovered); },
          [](bool, const Status&) {});
      stream.start();
      co_await body(stream);
      stream.stop();
      co_await testing::sleep_for(50ms);  // let the stream's coroutine see the stop
    });
    EXPECT_TRUE(done);
  }
};

d::OrderTerms buy(d::OrderType type, int64_t qty, int64_t price = 0) {
  d::OrderTerms o;
  o.instrument = {d::Exchange::nse, "INFY"};
  o.order_type = type;
  o.quantity_units = qty;
  o.price_paise = price;
  return o;
}

TEST(KiteStream, OrdersPlacedWhileDisconnectedArriveByGapFillExactlyOnce) {
  StreamLoop loop(100ms);
  kite::StreamOptions options;
  options.backoff_first = 100ms;
  loop.run(options, [&](kite::OrderStream& stream) -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_until([&] { return stream.connects() == 1; }, 5000ms));
    EXPECT_TRUE(loop.kite.place_as_owner("L1", buy(d::OrderType::market, 1)).ok());
    EXPECT_TRUE(loop.kite.place_as_owner("L1", buy(d::OrderType::limit, 2, 1400'00)).ok());
    EXPECT_TRUE(co_await wait_until([&] { return loop.got.size() == 2; }, 5000ms));
    EXPECT_TRUE(loop.kite.drop_websockets("L1").ok());
    // The leader keeps trading while the socket is down.
    EXPECT_TRUE(loop.kite.place_as_owner("L1", buy(d::OrderType::market, 3)).ok());
    EXPECT_TRUE(loop.kite.place_as_owner("L1", buy(d::OrderType::market, 4)).ok());
    loop.kite.set_price({d::Exchange::nse, "INFY"}, 1390'00);  // the limit order fills
    EXPECT_TRUE(co_await wait_until([&] { return stream.connects() == 2 && loop.got.size() == 5; },
                                    10000ms));
    asio::steady_timer quiet(co_await asio::this_coro::executor, 300ms);
    co_await quiet.async_wait(asio::use_awaitable);  // nothing more may arrive
  });
  ASSERT_EQ(loop.got.size(), 5u);
  std::map<std::string, int> states;
  for (const auto& [o, recovered] : loop.got) {
    ++states[o.order_id.value + "/" + o.broker_status];
  }
  for (const auto& [state, count] : states) EXPECT_EQ(count, 1) << state;
  // The three changes made while disconnected can only have come from the gap fill (the
  // first two may come either way: they were placed while the first connect was filling).
  for (size_t i = 2; i < 5; ++i) EXPECT_TRUE(loop.got[i].second) << i;
  EXPECT_EQ(loop.got[4].first.status, d::OrderStatus::complete);  // the limit, now filled
}

TEST(KiteStream, HeartbeatsKeepAnIdleStreamAlive) {
  StreamLoop loop(100ms);
  kite::StreamOptions options;
  options.liveness_timeout = 400ms;
  loop.run(options, [&](kite::OrderStream& stream) -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_until([&] { return stream.connects() == 1; }, 5000ms));
    asio::steady_timer idle(co_await asio::this_coro::executor, 1500ms);
    co_await idle.async_wait(asio::use_awaitable);
    EXPECT_EQ(stream.connects(), 1);
  });
}

TEST(KiteStream, SilenceBeyondTheLivenessTimeoutReconnects) {
  StreamLoop loop(0ms);  // a broker that sends no heartbeats
  kite::StreamOptions options;
  options.liveness_timeout = 300ms;
  options.backoff_first = 50ms;
  loop.run(options, [&](kite::OrderStream& stream) -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_until([&] { return stream.connects() >= 2; }, 5000ms));
  });
}

}  // namespace
}  // namespace tandem::brokers
