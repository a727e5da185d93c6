#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bench/latency.h"

namespace tandem::bench {

struct E2eBenchOptions {
  std::vector<int> followers = {1, 10, 100, 1000};
  int runs = 20;           // leader orders per configuration; p50/p99 are over these
  int broker_threads = 1;  // the gateways spread over this many threads, as tandem run does
};

// Between two leader orders (within Kite's 10 orders/s); the paced fdatasync references
// use the same pause.
inline constexpr std::chrono::milliseconds kBetweenOrders{120};

int run_e2e_bench(const E2eBenchOptions& options);

// One configuration of `tandem-bench e2e`: one process copying a leader to `followers`
// followers on the simulator (see e2e_bench.cc for what each figure spans).
struct E2eFigures {
  Percentiles internal, at_broker, total;
  double baseline_ms = -1;  // the same orders one follower after another; -1 when not run
  // Bytes synced before a leader update's orders leave, per update that decided orders.
  uint64_t synced_bytes = 0;
  bool ok = true;
};
E2eFigures measure_single_process(int followers, std::chrono::milliseconds latency, int runs,
                                  bool baseline, int broker_threads);

// "<prefix>0", "<prefix>1", … (`count` of them).
std::vector<std::string> follower_names(const std::string& prefix, int count);

}  // namespace tandem::bench
