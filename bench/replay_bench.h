#pragma once

#include <cstdint>
#include <string>

namespace tandem::bench {

struct ReplayBenchOptions {
  std::string dir = "./bench-replay";
  uint64_t events = 1'000'000;  // at least this many records in the generated journal
  int runs = 3;                 // replays timed (the best and the median are reported)
  bool keep = false;            // leave the generated journal for `tandem replay`
};

int run_replay_bench(const ReplayBenchOptions& options);

}  // namespace tandem::bench
