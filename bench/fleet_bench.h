#pragma once

#include <string>
#include <vector>

namespace tandem::bench {

struct FleetBenchOptions {
  // Layouts as SHARDSxFOLLOWERS_PER_SHARD; each is measured beside one process copying to
  // as many followers as one of its shards.
  std::vector<std::string> layouts = {"1x100", "1x1000", "4x2500"};
  int runs = 20;           // leader orders per layout (after one not counted)
  int broker_threads = 1;  // per shard, as `broker_threads` in a shard's tandem.toml
  int replicas = 3;        // the stream's; 1 shows what replication costs
};
int run_fleet_bench(const FleetBenchOptions& options);

// One shard of the fleet bench, run by it as a child process (`tandem-bench fleet-shard`):
// its own simulator holding its followers, and the engine fed by the tap's stream. It says
// "ready" once copying, then "arrived RUN LAST_NS SEND_NS" as each leader order's copies
// have all reached its simulator: the steady clock (CLOCK_MONOTONIC, common to the
// machine's processes) of the last, and the engine's longest send latency.
struct FleetShardOptions {
  std::string nats;  // the cluster's URLs, comma-separated
  std::string shard;
  int followers = 100;
  int runs = 21;
  int broker_threads = 1;
};
int run_fleet_shard(const FleetShardOptions& options);

}  // namespace tandem::bench
