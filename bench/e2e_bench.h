#pragma once

#include <vector>

namespace tandem::bench {

struct E2eBenchOptions {
  std::vector<int> followers = {1, 10, 100, 1000};
  int runs = 20;  // leader orders per configuration; p50/p99 are over these
};

int run_e2e_bench(const E2eBenchOptions& options);

}  // namespace tandem::bench
