// `tandem-bench broker`: the time from handing N orders (one per account, N = 1, 10, 100)
// to the Kite or the Dhan adapter until the last acknowledgement arrives, against the broker
// simulator over loopback TLS, with 0 ms and 20 ms of simulated broker latency. The orders go out
// in parallel over connections warmed beforehand, so with latency the total should stay near one
// round trip, not N of them.
#include "bench/broker_bench.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <thread>

#include "bench/latency.h"
#include "brokers/dhan/rest_session.h"
#include "brokers/kite/rest_session.h"
#include "brokers/sim/kite_sim.h"
#include "net/https_server.h"

namespace tandem::bench {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using Clock = std::chrono::steady_clock;

d::TimeNs wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Figures {
  Percentiles total;
  size_t handshakes_during = 0;
  bool ok = true;
};

Figures measure(d::Broker broker, int accounts, std::chrono::milliseconds latency,
                int repetitions) {
  brokers::sim::KiteSimConfig config;
  d::Instrument infy;
  infy.key = {d::Exchange::nse, "INFY"};
  infy.underlying = "INFY";
  infy.kite_token = 408065;  // Dhan's securityId in the simulator's scrip master
  config.instruments = {infy};
  config.api_key = "benchkey";
  brokers::sim::Faults faults;
  faults.orders_per_second = 1'000'000;  // the bench measures transport, not Kite's cap
  faults.latency = latency;
  for (int i = 0; i < accounts; ++i) {
    config.accounts.push_back(
        {"U" + std::to_string(i), "tok" + std::to_string(i), 1'00'000'00, faults});
  }
  brokers::sim::KiteSim kite(config, wall_clock);
  kite.set_price({d::Exchange::nse, "INFY"}, 1500'00);

  asio::io_context server_io;
  const auto identity = *net::make_tls_identity({"localhost"});
  net::HttpsServer server(server_io.get_executor(), identity,
                          [&](const net::HttpRequest& r) { return kite.handle(r); });
  const uint16_t port = *server.listen("127.0.0.1", 0);
  auto guard = asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  Figures out;
  asio::io_context client_io;
  asio::co_spawn(
      client_io,
      [&]() -> asio::awaitable<void> {
        std::vector<std::unique_ptr<net::HttpsClient>> clients;
        std::vector<std::unique_ptr<brokers::RateLimiter>> limiters;
        std::vector<std::unique_ptr<brokers::kite::RestSession>> sessions;
        std::vector<std::unique_ptr<brokers::dhan::RestSession>> dhan_sessions;
        const auto securities = kite.dhan_securities().for_instruments(config.instruments);
        for (int i = 0; i < accounts; ++i) {
          clients.push_back(std::make_unique<net::HttpsClient>(
              client_io.get_executor(),
              net::https_target("localhost", std::to_string(port), identity.ca_pem), 1,
              std::chrono::milliseconds(5000)));
          if (!(co_await clients.back()->warm(1)).ok()) out.ok = false;
          // Repetitions come faster than Kite's 10 orders/s per account; pacing them is the
          // limiter's job, measured elsewhere, so this bench lets every order through.
          limiters.push_back(std::make_unique<brokers::RateLimiter>(
              brokers::RateLimits{{{1'000'000'000, 1'000'000'000}}}));
          if (broker == d::Broker::dhan) {
            brokers::dhan::Credentials credentials;
            credentials.client_id = "U" + std::to_string(i);
            credentials.access_token = "tok" + std::to_string(i);
            dhan_sessions.push_back(std::make_unique<brokers::dhan::RestSession>(
                client_io.get_executor(), *clients.back(), credentials, *limiters.back(),
                wall_clock, securities));
          } else {
            sessions.push_back(std::make_unique<brokers::kite::RestSession>(
                client_io.get_executor(), *clients.back(),
                brokers::kite::Credentials{"benchkey", "tok" + std::to_string(i)}, *limiters.back(),
                wall_clock));
          }
        }
        size_t handshakes_before = 0;
        for (const auto& c : clients) handshakes_before += c->handshakes();
        d::OrderTerms order;
        order.instrument = {d::Exchange::nse, "INFY"};
        order.order_type = d::OrderType::market;
        order.quantity_units = 1;
        std::vector<int64_t> totals;
        for (int rep = 0; rep < repetitions; ++rep) {
          int pending = accounts;
          asio::steady_timer all_done(client_io, asio::steady_timer::time_point::max());
          const auto t0 = Clock::now();
          for (int i = 0; i < accounts; ++i) {
            asio::co_spawn(
                client_io,
                [&, i]() -> asio::awaitable<void> {
                  const d::ClientTag tag{"b" + std::to_string(rep) + "x" + std::to_string(i)};
                  // An if, not ?: — GCC 12 mishandles co_await inside a conditional expression.
                  bool placed = false;
                  if (broker == d::Broker::dhan) {
                    placed = (co_await dhan_sessions[i]->place(order, tag)).ok();
                  } else {
                    placed = (co_await sessions[i]->place(order, tag)).ok();
                  }
                  if (!placed) out.ok = false;
                  if (--pending == 0) all_done.cancel();
                },
                asio::detached);
          }
          co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
          totals.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
        }
        size_t handshakes_after = 0;
        for (const auto& c : clients) handshakes_after += c->handshakes();
        out.handshakes_during = handshakes_after - handshakes_before;
        out.total = percentiles(std::move(totals));
      },
      asio::detached);
  client_io.run();
  server.stop();
  guard.reset();
  server_io.stop();
  server_thread.join();
  return out;
}

}  // namespace

int run_broker_bench(const BrokerBenchOptions& options) {
  fmt::print(
      "tandem-bench broker: N orders on N accounts, Kite and Dhan adapters -> simulator over "
      "loopback TLS\n");
  fmt::print(
      "(time from handing the orders over to the last acknowledgement; {} runs each;\n"
      " the per-account 10 orders/s pacing is switched off so runs measure transport)\n\n",
      options.repetitions);
  fmt::print("  broker   broker latency   accounts   p50 ms    p99 ms    new handshakes\n");
  bool ok = true;
  for (const d::Broker broker : {d::Broker::kite, d::Broker::dhan}) {
    for (int latency_ms : {0, 20}) {
      for (int n : {1, 10, 100}) {
        const Figures f =
            measure(broker, n, std::chrono::milliseconds(latency_ms), options.repetitions);
        ok = ok && f.ok;
        fmt::print("  {:<6} {:>11} ms   {:>8}   {:>7.3f}   {:>7.3f}   {:>14}{}\n",
                   d::to_string(broker), latency_ms, n, f.total.p50_us / 1000,
                   f.total.p99_us / 1000, f.handshakes_during,
                   f.ok ? "" : "   (some orders failed)");
      }
    }
  }
  return ok ? 0 : 1;
}

}  // namespace tandem::bench
