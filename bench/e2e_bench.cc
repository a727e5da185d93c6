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

#include <filesystem>
#include <future>
#include <thread>

#include "bench/copier_rig.h"
#include "bench/fdatasync_probe.h"
#include "brokers/await_on.h"

namespace tandem::bench {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
// About the journal's write for one leader update with 100 followers: 201 records encode to
// ~62 KB, plus RocksDB's log framing and the index entries.
constexpr size_t kBatchOf100Bytes = 64 * 1024;

// The N orders a copier that loops over followers would place: one after another, each
// waiting for its ack, through the rig's gateways. Milliseconds, or -1 when one failed.
double one_after_another(CopierRig& rig, int followers) {
  std::promise<double> elapsed;
  asio::co_spawn(
      rig.leader_io(),
      [&]() -> asio::awaitable<void> {
        const auto t0 = Steady::now();
        bool ok = true;
        for (int i = 0; i < followers; ++i) {
          const d::ClientTag tag{"base" + std::to_string(i)};
          brokers::kite::KiteGateway& g = rig.follower_gateway(static_cast<size_t>(i));
          Result<brokers::Placement> r = co_await brokers::await_on<Result<brokers::Placement>>(
              g.executor(),
              [&] { return g.place(one_share_market_order(), tag, brokers::PlaceOptions{}); });
          ok &= r.ok();
        }
        elapsed.set_value(ok ? static_cast<double>((Steady::now() - t0).count()) / 1e6 : -1);
      },
      asio::detached);
  return elapsed.get_future().get();
}

}  // namespace

std::vector<std::string> follower_names(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

E2eFigures measure_single_process(int followers, std::chrono::milliseconds latency, int runs,
                                  bool baseline, int broker_threads) {
  E2eFigures out;
  const std::vector<std::string> names = follower_names("F", followers);
  std::vector<std::string> users = {"LEADER"};
  users.insert(users.end(), names.begin(), names.end());
  SimBroker broker(users, latency);
  CopierRig rig(broker, names, broker_threads);
  if (!rig.start()) {
    out.ok = false;
    return out;
  }
  (void)broker.take_arrivals();
  std::vector<int64_t> internal, at_broker, total;
  for (int run = 0; run < runs; ++run) {
    // The leader's market order: OPEN then COMPLETE; each is a leader update that copies
    // once (the place), so one run adds N acks.
    const int64_t target_acks = static_cast<int64_t>(followers) * (run + 1);
    const auto pushed = broker.place_as_owner("LEADER", one_share_market_order());
    if (!pushed) {
      out.ok = false;
      break;
    }
    const auto deadline = Steady::now() + std::chrono::seconds(30);
    while (rig.acks() < target_acks && Steady::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const auto all_acked = Steady::now();
    if (rig.acks() < target_acks) {
      out.ok = false;
      break;
    }
    const std::vector<Steady::time_point> arrivals = broker.take_arrivals();
    if (static_cast<int>(arrivals.size()) < followers) out.ok = false;
    Steady::time_point last_arrival = *pushed;
    for (const auto& t : arrivals) last_arrival = std::max(last_arrival, t);
    at_broker.push_back((last_arrival - *pushed).count());
    const std::vector<int64_t> sends = rig.take_send_latencies();
    if (sends.size() < static_cast<size_t>(followers)) out.ok = false;
    internal.push_back(sends.empty() ? 0 : *std::max_element(sends.begin(), sends.end()));
    total.push_back((all_acked - *pushed).count());
    std::this_thread::sleep_for(kBetweenOrders);
  }
  out.internal = percentiles(internal);
  out.at_broker = percentiles(at_broker);
  out.total = percentiles(total);
  rig.stop_engine();
  const engine::EngineStats stats = rig.stats();
  if (stats.leader_syncs > 0) {
    out.synced_bytes = stats.leader_sync_bytes / static_cast<uint64_t>(stats.leader_syncs);
  }
  if (baseline) out.baseline_ms = one_after_another(rig, followers);
  out.ok &= !baseline || out.baseline_ms >= 0;
  return out;
}

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
      const E2eFigures f = measure_single_process(n, std::chrono::milliseconds(latency),
                                                  options.runs, baseline, options.broker_threads);
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
