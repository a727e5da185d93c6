#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::bench {

struct JournalBenchOptions {
  std::string dir = "./bench-journal";
  bool quick = false;  // small counts, for a smoke run
  std::vector<int> appenders = {1, 8, 64};
  uint64_t replay_records = 1'000'000;
  int runs = 3;  // each append figure is the median of this many runs
};

int run_journal_bench(const JournalBenchOptions& options);

}  // namespace tandem::bench
