// `tandem-bench e2e`: the live engine end to end against the broker simulator over loopback
// TLS, with N followers (Kite accounts on the simulator), a RocksDB journal on disk, and
// 0 ms or 20 ms of simulated broker latency. For each leader order:
//   internal — the engine's own time, as issue #6 defines it: from the leader's update read
//              off its WebSocket to the last follower order written to its broker's socket
//              (decided, its input synced, sent in parallel; the decisions and intents
//              follow in the journal without a sync); the engine's
//              EngineStats::send_latency_ns;
//   at broker — from the simulator pushing the leader's update to the last follower order
//              arriving at the simulator: internal plus both loopback hops and the
//              simulator's own reading, on the same two cores;
//   total    — from the same push to the engine handling the last follower's ack.
// `--broker-threads K` spreads the gateways over K broker threads as `tandem run` does with
// `broker_threads = K` (the leader's on the first). A baseline places the same N orders one
// follower after another through the same gateways, the way a copier that loops over
// followers would. The reference beside them is this machine's raw fdatasync where the
// journal is, back to back and paced like the leader orders here (the target is
// internal p99 <= raw fdatasync p99 + 0.5 ms).
#include "bench/e2e_bench.h"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "bench/fdatasync_probe.h"
#include "bench/latency.h"
#include "brokers/await_on.h"
#include "brokers/kite/kite_gateway.h"
#include "brokers/sim/kite_sim.h"
#include "engine/broker_threads.h"
#include "engine/engine.h"
#include "net/https_server.h"

namespace tandem::bench {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using Steady = std::chrono::steady_clock;
// Between two leader orders (within Kite's 10 orders/s); the paced fdatasync reference
// uses the same pause.
constexpr std::chrono::milliseconds kBetweenOrders{120};
// About the journal's write for one leader update with 100 followers: 201 records encode to
// ~62 KB, plus RocksDB's log framing and the index entries.
constexpr size_t kBatchOf100Bytes = 64 * 1024;

// Market time: 10:00 IST on Friday 2026-11-20 at start, then real time.
d::TimeNs market_clock() {
  static const auto start = Steady::now();
  return 1'795'149'000'000'000'000 +
         std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - start).count();
}

template <typename F>
auto on(asio::io_context& io, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto done = task.get_future();
  asio::post(io, [&] { task(); });
  return done.get();
}

struct Figures {
  Percentiles internal, at_broker, total;
  double baseline_ms = -1;
  // Bytes synced before a leader update's orders leave, per update that decided orders.
  uint64_t synced_bytes = 0;
  bool ok = true;
};

Figures measure(int followers, std::chrono::milliseconds latency, int runs, bool baseline,
                int broker_threads) {
  brokers::sim::KiteSimConfig config;
  config.api_key = "e2e";
  brokers::sim::Faults faults;
  faults.latency = latency;
  faults.orders_per_second = 1000;
  auto account = [&](const std::string& user) {
    brokers::sim::SimAccount a;
    a.user_id = user;
    a.access_token = "t" + user;
    a.funds_paise = 1'000'000'000'00;
    a.faults = faults;
    return a;
  };
  config.accounts.push_back(account("LEADER"));
  for (int i = 0; i < followers; ++i) config.accounts.push_back(account("F" + std::to_string(i)));
  d::Instrument infy;
  infy.key = {d::Exchange::nse, "INFY"};
  infy.underlying = "INFY";
  config.instruments = {infy};
  // The simulator on its own thread; follower order arrivals timed as they are read. The
  // io_context outlives the simulator's sockets.
  asio::io_context sim_io;
  brokers::sim::KiteSim kite(config, market_clock);
  kite.set_price(infy.key, 1500'00);
  std::mutex arrivals_mu;
  std::vector<Steady::time_point> arrivals;
  const auto identity = *net::make_tls_identity({"localhost"});
  net::HttpsServer server(sim_io.get_executor(), identity, [&](const net::HttpRequest& r) {
    if (r.method == boost::beast::http::verb::post) {
      std::lock_guard lock(arrivals_mu);
      arrivals.push_back(Steady::now());
    }
    return kite.handle(r);
  });
  server.on_websocket(
      [&](const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
        return kite.on_websocket(r, std::move(c));
      },
      std::chrono::milliseconds(1000));
  const uint16_t port = *server.listen("127.0.0.1", 0);
  auto sim_work = asio::make_work_guard(sim_io);
  std::thread sim_thread([&] { sim_io.run(); });

  // The gateways spread over the broker threads as `tandem run` spreads them, each with one
  // warm connection.
  engine::BrokerThreads threads(broker_threads);
  size_t accounts = 0;
  auto gateway = [&](const std::string& user) {
    brokers::kite::KiteAccount a;
    a.rest = net::https_target("localhost", std::to_string(port), identity.ca_pem);
    a.stream = a.rest;
    a.credentials = {"e2e", "t" + user};
    return std::make_unique<brokers::kite::KiteGateway>(
        threads.for_account(accounts++).get_executor(), a, market_clock);
  };
  asio::io_context& leader_io = threads.io(0);
  auto leader = gateway("LEADER");
  std::vector<std::unique_ptr<brokers::kite::KiteGateway>> gateways;
  engine::Engine::Followers engine_followers;
  engine::EngineSetup setup;
  setup.leaders = {{{"LEADER"}, d::Broker::kite, {}, {}}};
  for (int i = 0; i < followers; ++i) {
    const std::string id = "F" + std::to_string(i);
    gateways.push_back(gateway(id));
    d::FollowerSettings f;
    f.follower = {id};
    f.account = {id};
    f.broker = d::Broker::kite;
    setup.followers.push_back(f);
    engine_followers[{id}] = gateways.back().get();
  }
  Figures out;
  std::vector<brokers::kite::KiteGateway*> all = {leader.get()};
  for (auto& g : gateways) all.push_back(g.get());
  for (brokers::kite::KiteGateway* g : all) {
    std::promise<Status> warmed;
    asio::co_spawn(
        g->executor(), [&]() -> asio::awaitable<void> { warmed.set_value(co_await g->warm()); },
        asio::detached);
    if (!warmed.get_future().get().ok()) out.ok = false;
  }

  const auto dir =
      std::filesystem::temp_directory_path() / ("tandem-bench-e2e-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  journal::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = journal::Store::open(dir.string(), store_options);
  if (!store.ok()) {
    fmt::print(stderr, "tandem-bench e2e: {}\n", store.status().message());
    out.ok = false;
    return out;
  }
  engine::Engine engine(**store, setup, {leader.get()}, engine_followers, market_clock);
  std::atomic<int64_t> target_acks{0};
  std::atomic<int64_t> all_acked_ns{0};
  std::mutex sends_mu;
  std::vector<int64_t> sends;  // the engine's send latencies so far, in the order handled
  engine.on_progress([&](const engine::EngineStats& s) {
    {
      std::lock_guard lock(sends_mu);
      // By index: a configuration adds far fewer than kMaxLatencySamples, so none is dropped.
      for (size_t i = sends.size(); i < s.send_latency_ns.size(); ++i) {
        sends.push_back(s.send_latency_ns[i]);
      }
    }
    if (s.acks >= target_acks.load() && all_acked_ns.load() == 0) {
      all_acked_ns = Steady::now().time_since_epoch().count();
    }
  });
  if (Status s = engine.start(); !s.ok()) {
    fmt::print(stderr, "tandem-bench e2e: {}\n", s.message());
    out.ok = false;
  }
  std::thread engine_thread([&] { (void)engine.run(); });
  // Every stream connected (and gap-filled) before the first leader order.
  while (on(leader_io, [&] { return leader->stream_connects(); }) < 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300 + followers));

  d::OrderTerms order;
  order.instrument = infy.key;
  order.order_type = d::OrderType::market;
  order.product = d::Product::intraday;
  order.quantity_units = 1;
  std::vector<int64_t> internal, at_broker, total;
  for (int run = 0; run < runs; ++run) {
    {
      std::lock_guard lock(arrivals_mu);
      arrivals.clear();
    }
    size_t sends_before = 0;
    {
      std::lock_guard lock(sends_mu);
      sends_before = sends.size();
    }
    all_acked_ns = 0;
    // The leader's market order: OPEN then COMPLETE; each is a leader update that copies
    // once (the place), so one run adds N acks.
    target_acks = static_cast<int64_t>(followers) * (run + 1);
    Steady::time_point pushed;
    on(sim_io, [&] {
      pushed = Steady::now();
      return kite.place_as_owner("LEADER", order).ok();
    });
    const auto deadline = Steady::now() + std::chrono::seconds(30);
    while (all_acked_ns.load() == 0 && Steady::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (all_acked_ns.load() == 0) {
      out.ok = false;
      break;
    }
    Steady::time_point last_arrival = pushed;
    {
      std::lock_guard lock(arrivals_mu);
      if (static_cast<int>(arrivals.size()) < followers) out.ok = false;
      for (const auto& t : arrivals) last_arrival = std::max(last_arrival, t);
    }
    at_broker.push_back((last_arrival - pushed).count());
    {
      std::lock_guard lock(sends_mu);
      if (sends.size() - sends_before < static_cast<size_t>(followers)) out.ok = false;
      int64_t last_sent = 0;
      for (size_t i = sends_before; i < sends.size(); ++i)
        last_sent = std::max(last_sent, sends[i]);
      internal.push_back(last_sent);
    }
    total.push_back(all_acked_ns.load() - pushed.time_since_epoch().count());
    std::this_thread::sleep_for(kBetweenOrders);
  }
  out.internal = percentiles(internal);
  out.at_broker = percentiles(at_broker);
  out.total = percentiles(total);
  engine.request_stop();
  engine_thread.join();
  const engine::EngineStats stats = engine.stats();
  if (stats.leader_syncs > 0) {
    out.synced_bytes = stats.leader_sync_bytes / static_cast<uint64_t>(stats.leader_syncs);
  }

  if (baseline) {
    // One follower after another, each waiting for its ack, through the same gateways.
    std::promise<int64_t> elapsed;
    asio::co_spawn(
        leader_io,
        [&]() -> asio::awaitable<void> {
          const auto t0 = Steady::now();
          for (int i = 0; i < followers; ++i) {
            const d::ClientTag tag{"base" + std::to_string(i)};
            brokers::kite::KiteGateway* g = gateways[i].get();
            Result<brokers::Placement> r = co_await brokers::await_on<Result<brokers::Placement>>(
                g->executor(), [&] { return g->place(order, tag, brokers::PlaceOptions{}); });
            if (!r.ok()) out.ok = false;
          }
          elapsed.set_value((Steady::now() - t0).count());
        },
        asio::detached);
    out.baseline_ms = static_cast<double>(elapsed.get_future().get()) / 1e6;
  }
  for (brokers::kite::KiteGateway* g : all) brokers::stop_and_wait(*g);
  threads.stop();
  server.stop();
  sim_work.reset();
  sim_io.stop();
  sim_thread.join();
  store->reset();
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace

int run_e2e_bench(const E2eBenchOptions& options) {
  fmt::print(
      "tandem-bench e2e: the engine against the simulator over loopback TLS, N Kite followers,\n"
      "journal on disk ({} leader orders per row; internal = leader update read off the socket\n"
      "-> last follower order written to its socket; at broker = leader update pushed by the\n"
      "simulator -> last follower order read by it; total = pushed -> last ack handled;\n"
      "baseline = the same N orders placed one follower after another; peak RSS = the whole\n"
      "process so far, simulator included)\n\n",
      options.runs);
  const std::string where = std::filesystem::temp_directory_path().string();  // the journal's
  const Percentiles busy = raw_fdatasync(where, 200);
  const Percentiles paced = raw_fdatasync(where, std::max(options.runs, 30), kBetweenOrders);
  // What the disk alone asks for the bytes of a leader update's batch with 100 followers
  // (201 records, ~62 KB of log): the part of the internal time no engine can avoid.
  const Percentiles paced_batch =
      raw_fdatasync(where, std::max(options.runs, 30), kBetweenOrders, kBatchOf100Bytes);
  fmt::print(
      "reference: raw fdatasync of a 256 B append in {}: back to back p50 {:.3f} ms, p99 "
      "{:.3f} ms;\none every {} ms (as the leader orders below) p50 {:.3f} ms, p99 {:.3f} ms;\n"
      "of a {} KiB append (the batch of 100 followers) every {} ms p50 {:.3f} ms, p99 {:.3f} "
      "ms\n\n",
      where, busy.p50_us / 1000, busy.p99_us / 1000, kBetweenOrders.count(), paced.p50_us / 1000,
      paced.p99_us / 1000, kBatchOf100Bytes / 1024, kBetweenOrders.count(),
      paced_batch.p50_us / 1000, paced_batch.p99_us / 1000);
  fmt::print(
      "  broker latency  followers  internal p50 ms  p99 ms   at broker p50 ms  p99 ms   "
      "total p50 ms  p99 ms   baseline ms  peak RSS MiB  synced B/update\n");
  bool ok = true;
  for (const int latency : {0, 20}) {
    for (const int n : options.followers) {
      const bool baseline = latency == 0 || n <= 100;
      const Figures f = measure(n, std::chrono::milliseconds(latency), options.runs, baseline,
                                options.broker_threads);
      ok &= f.ok;
      fmt::print(
          "  {:>11} ms  {:>9}  {:>15.2f}  {:>6.2f}   {:>16.2f}  {:>6.2f}   {:>12.2f}  {:>6.2f}   "
          "{:>11}  {:>11.0f}  {:>15}{}\n",
          latency, n, f.internal.p50_us / 1000, f.internal.p99_us / 1000, f.at_broker.p50_us / 1000,
          f.at_broker.p99_us / 1000, f.total.p50_us / 1000, f.total.p99_us / 1000,
          f.baseline_ms < 0 ? std::string("-") : fmt::format("{:.1f}", f.baseline_ms),
          peak_rss_mib(), f.synced_bytes, f.ok ? "" : "  (FAILED)");
      std::fflush(stdout);
    }
  }
  return ok ? 0 : 1;
}

}  // namespace tandem::bench
