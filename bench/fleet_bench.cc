// `tandem-bench fleet` (issue 28): the fleet's latency beside one process's. A real 3-node
// nats-server cluster on loopback (an R3 stream; --replicas 1 for comparison), the tap in
// this process (the leader's broker, its gateway, the tap's journal on disk, publishing),
// and each shard a child process (`tandem-bench fleet-shard`) holding the engine fed by the
// stream and a simulator of its own for its followers: one process's 20,000 file
// descriptors could not hold 10,000 followers' connections at both ends. For each leader
// order:
//   at broker — from the leader's simulator pushing the update to the last follower order
//               read by a shard's simulator, over every shard (the steady clock is the
//               machine's CLOCK_MONOTONIC, common to the processes);
//   shard internal — the longest of the shards' own time, from the update handed over by
//               the feed to the last follower order written to its socket.
// Beside each layout, one process copying to as many followers as one of its shards
// (`tandem-bench e2e`'s figure at 0 ms broker latency); the difference of the at-broker
// figures is what the tap, the stream and the feed add.
#include "bench/fleet_bench.h"

#include <fmt/format.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <filesystem>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "bench/copier_rig.h"
#include "bench/e2e_bench.h"
#include "bench/fdatasync_probe.h"
#include "engine/run_on.h"
#include "fleet/feed.h"
#include "fleet/tap_loop.h"
#include "tests/support/nats_cluster.h"

namespace tandem::bench {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

struct Layout {
  int shards = 0, per_shard = 0;
};

std::optional<Layout> parse_layout(const std::string& text) {
  Layout l;
  char x = 0;
  std::istringstream in(text);
  if (!(in >> l.shards >> x >> l.per_shard) || x != 'x' || l.shards < 1 || l.per_shard < 1 ||
      in.peek() != std::char_traits<char>::eof()) {
    return std::nullopt;
  }
  return l;
}

// The leader's side of the fleet: its broker, its gateway, and the tap journaling and
// publishing on a thread of its own.
class TapRig {
 public:
  TapRig(std::vector<std::string> urls, int replicas)
      : urls_(std::move(urls)), replicas_(replicas), broker_({"LEADER"}, 0ms), threads_(1) {}
  ~TapRig() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (gateway_) brokers::stop_and_wait(*gateway_);
    threads_.stop();
    tap_.reset();
    js_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_.path());
  }

  // Opens the tap (waiting for the cluster to elect the stream's leader), connects the
  // leader's stream and starts the tap's thread.
  bool start() {
    journal::StoreOptions store_options;
    store_options.create_if_missing = true;
    auto store = journal::Store::open(dir_.path("tap"), store_options);
    if (!store.ok()) return said(store.status());
    store_ = std::move(*store);
    const auto until = Steady::now() + 60s;
    auto opened = fleet::open_tap_when_ready(
        *store_, urls_, bench_leader(), replicas_, market_clock,
        [until] { return Steady::now() < until; }, [](const Status&) {});
    if (!opened.ok()) return said(opened.status());
    js_ = std::move(opened->js);
    tap_ = std::move(opened->tap);
    brokers::kite::KiteAccount a;
    a.rest = net::https_target("localhost", std::to_string(broker_.port()), broker_.ca_pem());
    a.stream = a.rest;
    a.credentials = {"e2e", SimBroker::token_of("LEADER")};
    gateway_ = std::make_unique<brokers::kite::KiteGateway>(threads_.io(0).get_executor(), a,
                                                            market_clock);
    if (Status s =
            engine::run_on<Status>(gateway_->executor(), [this] { return gateway_->warm(); }, {});
        !s.ok()) {
      return said(s);
    }
    asio::post(threads_.io(0), [this] {
      fleet::subscribe_tap(*gateway_, bench_leader(), market_clock, inbox_,
                           [](bool, const Status&) {});
    });
    while (connects() < 1) std::this_thread::sleep_for(10ms);
    thread_ = std::thread([this] {
      fleet::TapHooks hooks;
      hooks.turn = [this](std::chrono::nanoseconds journal, std::chrono::nanoseconds publish) {
        std::lock_guard lock(mu_);
        turns_.push_back({journal.count(), publish.count()});
      };
      const Status ended = fleet::journal_and_publish(*tap_, inbox_, market_clock, stop_, hooks);
      if (!ended.ok()) said(ended);
    });
    return true;
  }

  SimBroker& broker() { return broker_; }
  // The tap's turns so far: the time to journal each leader update, then to publish it.
  std::vector<std::pair<int64_t, int64_t>> take_turns() {
    std::lock_guard lock(mu_);
    return std::exchange(turns_, {});
  }

 private:
  static bool said(const Status& s) {
    fmt::print(stderr, "tandem-bench fleet: the tap: {}\n", s.message());
    return false;
  }
  int connects() {
    int n = 0;
    engine::call_on(gateway_->executor(), [&] { n = gateway_->stream_connects(); }, {});
    return n;
  }

  std::vector<std::string> urls_;
  int replicas_;
  testing::TempDir dir_;
  SimBroker broker_;
  engine::BrokerThreads threads_;
  std::unique_ptr<journal::Store> store_;
  std::unique_ptr<fleet::JetStream> js_;
  std::unique_ptr<fleet::Tap> tap_;
  std::unique_ptr<brokers::kite::KiteGateway> gateway_;
  fleet::TapInbox inbox_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::pair<int64_t, int64_t>> turns_;  // GUARDED_BY(mu_)
  std::thread thread_;
};

// This binary, to run the shards with.
std::string self_path() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).string();
}

// A shard's "arrived RUN LAST_NS SEND_NS" line, once its output holds it.
struct Arrival {
  int64_t last_ns = 0, send_ns = 0;
};
std::optional<Arrival> arrival(const std::string& output, int run) {
  const std::string text = testing::read_file(output);
  const std::string key = fmt::format("arrived {} ", run);
  const size_t at = text.find(key);
  if (at == std::string::npos || text.find('\n', at) == std::string::npos) return std::nullopt;
  Arrival a;
  std::istringstream in(text.substr(at + key.size()));
  in >> a.last_ns >> a.send_ns;
  return a;
}

struct FleetFigures {
  Percentiles at_broker, shard_internal, tap_journal, tap_publish;
  bool ok = true;
};

FleetFigures measure_fleet(const Layout& layout, int runs, int broker_threads, int replicas) {
  FleetFigures out;
  const auto failed = [] {
    FleetFigures f;
    f.ok = false;
    return f;
  };
  testing::NatsCluster cluster(3);
  std::string urls;
  for (const std::string& u : cluster.urls()) urls += (urls.empty() ? "" : ",") + u;
  TapRig tap(cluster.urls(), replicas);
  if (!tap.start()) return failed();
  testing::TempDir dir;
  std::vector<std::unique_ptr<testing::Process>> shards;
  std::vector<std::string> outputs;
  for (int k = 0; k < layout.shards; ++k) {
    outputs.push_back(dir.path(fmt::format("shard{}.out", k + 1)));
    shards.push_back(std::make_unique<testing::Process>(
        self_path(),
        std::vector<std::string>{
            "fleet-shard", "--nats", urls, "--shard", fmt::format("s{}", k + 1), "--followers",
            std::to_string(layout.per_shard), "--runs", std::to_string(runs + 1),
            "--broker-threads", std::to_string(broker_threads)},
        outputs.back(), dir.path()));
  }
  const auto ready_limit = std::chrono::milliseconds(60'000 + 100 * layout.per_shard);
  for (const std::string& o : outputs) {
    if (!testing::wait_for_text(o, "ready\n", ready_limit)) {
      fmt::print(stderr, "tandem-bench fleet: a shard did not start:\n{}\n", testing::read_file(o));
      return failed();
    }
  }
  std::vector<int64_t> at_broker, shard_internal, tap_journal, tap_publish;
  for (int run = 0; run <= runs; ++run) {  // run 0 warms the path and is not counted
    const auto pushed = tap.broker().place_as_owner("LEADER", one_share_market_order());
    if (!pushed) return failed();
    int64_t last = pushed->time_since_epoch().count(), send = 0;
    for (const std::string& o : outputs) {
      const auto until = Steady::now() + 120s;
      std::optional<Arrival> a;
      while (!(a = arrival(o, run)) && Steady::now() < until) std::this_thread::sleep_for(1ms);
      if (!a) {
        fmt::print(stderr, "tandem-bench fleet: run {} did not arrive:\n{}\n", run,
                   testing::read_file(o));
        return failed();
      }
      last = std::max(last, a->last_ns);
      send = std::max(send, a->send_ns);
    }
    const auto turns = tap.take_turns();
    if (run > 0) {
      at_broker.push_back(last - pushed->time_since_epoch().count());
      shard_internal.push_back(send);
      for (const auto& [journal, publish] : turns) {
        tap_journal.push_back(journal);
        tap_publish.push_back(publish);
      }
    }
    std::this_thread::sleep_for(kBetweenOrders);
  }
  for (auto& s : shards) out.ok &= s->wait_for(60s) == 0;
  out.at_broker = percentiles(at_broker);
  out.shard_internal = percentiles(shard_internal);
  out.tap_journal = percentiles(tap_journal);
  out.tap_publish = percentiles(tap_publish);
  return out;
}

}  // namespace

int run_fleet_shard(const FleetShardOptions& o) {
  const std::vector<std::string> names = follower_names("F", o.followers);
  std::vector<std::string> users = {"LEADER"};
  users.insert(users.end(), names.begin(), names.end());
  SimBroker broker(users, 0ms);
  fleet::StreamFeed feed(fleet::FeedOptions{fleet::split_urls(o.nats), bench_leader(), o.shard});
  CopierRig rig(broker, names, o.broker_threads, &feed);
  if (!rig.start()) return 1;
  (void)broker.take_arrivals();
  (void)rig.take_send_latencies();
  fmt::print("ready\n");
  std::fflush(stdout);
  for (int run = 0; run < o.runs; ++run) {
    std::vector<Steady::time_point> arrivals;
    const auto until = Steady::now() + 120s;
    while (static_cast<int>(arrivals.size()) < o.followers && Steady::now() < until) {
      std::vector<Steady::time_point> more = broker.take_arrivals();
      arrivals.insert(arrivals.end(), more.begin(), more.end());
      std::this_thread::sleep_for(100us);
    }
    if (static_cast<int>(arrivals.size()) < o.followers) {
      fmt::print("failed: run {}: {} of {} follower orders arrived\n", run, arrivals.size(),
                 o.followers);
      return 1;
    }
    // Every copy of this run answered, so that its send times are all in (one run's come
    // with the engine's progress, later than the orders reach the simulator).
    const int64_t acks = static_cast<int64_t>(o.followers) * (run + 1);
    while (rig.acks() < acks && Steady::now() < until) std::this_thread::sleep_for(1ms);
    const std::vector<int64_t> sends = rig.take_send_latencies();
    fmt::print("arrived {} {} {}\n", run,
               std::max_element(arrivals.begin(), arrivals.end())->time_since_epoch().count(),
               sends.empty() ? 0 : *std::max_element(sends.begin(), sends.end()));
    std::fflush(stdout);
  }
  return 0;
}

int run_fleet_bench(const FleetBenchOptions& options) {
  std::vector<Layout> layouts;
  for (const std::string& text : options.layouts) {
    const auto l = parse_layout(text);
    if (!l) {
      fmt::print(stderr, "tandem-bench fleet: \"{}\" is not SHARDSxFOLLOWERS (e.g. 4x2500)\n",
                 text);
      return 2;
    }
    layouts.push_back(*l);
  }
  fmt::print(
      "tandem-bench fleet: a tap and N shards over a 3-node nats-server cluster on loopback,\n"
      "each shard a process with its followers on a simulator of its own, against one\n"
      "process copying to one shard's followers ({} leader orders per row after one not\n"
      "counted; at broker = leader update pushed by the simulator -> last follower order read\n"
      "by a simulator; shard internal = update handed over by the feed -> last follower order\n"
      "written to its socket; broker latency 0 ms; {} broker thread(s) per process; the\n"
      "stream R{})\n\n",
      options.runs, options.broker_threads, options.replicas);
  const std::string where = std::filesystem::temp_directory_path().string();
  const Percentiles paced = raw_fdatasync(where, std::max(options.runs, 30), kBetweenOrders);
  fmt::print(
      "reference: raw fdatasync of a 256 B append in {} every {} ms: p50 {:.3f} ms, p99 {:.3f} "
      "ms\n(the tap syncs each leader update once before publishing it; each shard syncs it "
      "again)\n\n",
      where, kBetweenOrders.count(), paced.p50_us / 1000, paced.p99_us / 1000);
  fmt::print(
      "                      one process                      fleet\n"
      "  shards x followers  internal p50/p99  at broker p50/p99  at broker p50/p99  "
      "tap journal p50/p99  tap publish p50/p99  shard internal p50/p99  added p50/p99 ms\n");
  bool ok = true;
  for (const Layout& l : layouts) {
    const E2eFigures single =
        measure_single_process(l.per_shard, 0ms, options.runs, false, options.broker_threads);
    const FleetFigures fleet =
        measure_fleet(l, options.runs, options.broker_threads, options.replicas);
    ok &= single.ok && fleet.ok;
    const auto pair = [](const Percentiles& p) {
      return fmt::format("{:.2f} / {:.2f}", p.p50_us / 1000, p.p99_us / 1000);
    };
    fmt::print(
        "  {:>6} x {:<10}  {:>17}  {:>17}  {:>17}  {:>19}  {:>19}  {:>22}  {:>5.2f} / {:.2f}{}\n",
        l.shards, l.per_shard, pair(single.internal), pair(single.at_broker), pair(fleet.at_broker),
        pair(fleet.tap_journal), pair(fleet.tap_publish), pair(fleet.shard_internal),
        (fleet.at_broker.p50_us - single.at_broker.p50_us) / 1000,
        (fleet.at_broker.p99_us - single.at_broker.p99_us) / 1000,
        single.ok && fleet.ok ? "" : "  (FAILED)");
    std::fflush(stdout);
  }
  return ok ? 0 : 1;
}

}  // namespace tandem::bench
