#pragma once

#include <vector>

namespace tandem::bench {

struct E2eBenchOptions {
  std::vector<int> followers = {1, 10, 100, 1000};
  int runs = 20;           // leader orders per configuration; p50/p99 are over these
  int broker_threads = 1;  // the gateways spread over this many threads, as tandem run does
};

int run_e2e_bench(const E2eBenchOptions& options);

}  // namespace tandem::bench
