// The broker simulator's Kite dialect served over real loopback TLS (REST and WebSocket on
// one port, its own CA) on one io_context, for tests that drive sessions and gateways
// against it. run() drives a coroutine to completion, then winds the server down.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "brokers/kite/kite_gateway.h"
#include "brokers/sim/kite_sim.h"
#include "net/https_server.h"

namespace tandem::testing {

inline domain::TimeNs wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls `done` every 10 ms for up to `limit`.
inline boost::asio::awaitable<bool> wait_until(std::function<bool()> done,
                                               std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) co_return false;
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor,
                                std::chrono::milliseconds(10));
    co_await t.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

// One simulated account: user, token and funds; faults default to none.
inline brokers::sim::SimAccount sim_account(std::string user, std::string token,
                                            int64_t funds_paise = 10'00'000'00) {
  brokers::sim::SimAccount a;
  a.user_id = std::move(user);
  a.access_token = std::move(token);
  a.funds_paise = funds_paise;
  return a;
}

// Two instruments the gateway tests trade: a NIFTY option (freeze 1800) and INFY.
inline const domain::InstrumentKey kTestNifty{domain::Exchange::nfo, "NIFTY26DEC24000CE"};
inline const domain::InstrumentKey kTestInfy{domain::Exchange::nse, "INFY"};
inline std::vector<domain::Instrument> test_instruments() {
  domain::Instrument nifty;
  nifty.key = kTestNifty;
  nifty.underlying = "NIFTY";
  nifty.segment = domain::Segment::derivatives;
  nifty.kite_token = 12345;
  nifty.lot_size_units = 75;
  nifty.tick_size_paise = 5;
  nifty.expiry_day = 20261229;
  nifty.strike_paise = 24000'00;
  nifty.option_type = domain::OptionType::call;
  nifty.freeze_qty_units = 1800;
  domain::Instrument infy;
  infy.key = kTestInfy;
  infy.underlying = "INFY";
  infy.kite_token = 408065;
  return {nifty, infy};
}

struct KiteSimLoop {
  boost::asio::io_context io;
  brokers::sim::KiteSim kite;
  net::TlsIdentity identity;
  std::unique_ptr<net::HttpsServer> server;
  uint16_t port = 0;

  explicit KiteSimLoop(brokers::sim::KiteSimConfig config,
                       std::chrono::milliseconds heartbeat = std::chrono::milliseconds(1000))
      : kite(std::move(config), wall_clock) {
    identity = *net::make_tls_identity({"localhost", "127.0.0.1"});
    server = std::make_unique<net::HttpsServer>(
        io.get_executor(), identity, [this](const net::HttpRequest& r) { return kite.handle(r); });
    server->on_websocket(
        [this](const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
          if (r.target.find("api_key=") == std::string::npos) {
            return kite.on_dhan_websocket(std::move(c));  // Dhan's socket logs in by message
          }
          return kite.on_websocket(r, std::move(c));
        },
        heartbeat);
    port = *server->listen("127.0.0.1", 0);
  }

  net::HttpsTarget target() const {
    return net::https_target("localhost", std::to_string(port), identity.ca_pem);
  }

  // A gateway account for the simulated `api_key`/`token`, pointed at this server.
  brokers::kite::KiteAccount account(std::string api_key, std::string token) const {
    brokers::kite::KiteAccount a;
    a.rest = target();
    a.stream = target();
    a.credentials = {std::move(api_key), std::move(token)};
    a.connections = 4;
    a.deadline = std::chrono::milliseconds(3000);
    a.stream_options.backoff_first = std::chrono::milliseconds(50);
    return a;
  }

  // Runs `body` on the loop; true when it finished within `limit`.
  bool run(std::function<boost::asio::awaitable<void>()> body,
           std::chrono::seconds limit = std::chrono::seconds(30)) {
    bool done = false;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          co_await body();
          done = true;
          server->stop();
          io.stop();  // the simulator's own sessions wind down with the context
        },
        boost::asio::detached);
    io.run_for(limit);
    return done;
  }
};

}  // namespace tandem::testing
