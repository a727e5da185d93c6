#pragma once

namespace tandem::bench {

struct BrokerBenchOptions {
  int repetitions = 30;  // per configuration; p50/p99 are over these
};

int run_broker_bench(const BrokerBenchOptions& options);

}  // namespace tandem::bench
