// The process the crash test kills. Usage: journal_crash_child DIR TRIAL synced|written
// Four threads append batches "TRIAL:THREAD:K:J" (J = 0..K%3) to the journal in DIR; after
// each append returns success, the thread writes {thread, k} as two uint64 to stdout. A
// 16-byte write to a pipe is atomic, so the parent reads exactly what was acknowledged.
// With "written", thread 3 appends with Durability::written (no sync of its own), as the
// engine appends an input's decisions: a kill -9 must not lose those either (the kernel holds
// them), and they share groups with the synced appends of the others. With "synced" every
// append moves the head anchor (the WAL damage test counts on it).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "journal/store.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const bool written = std::string(argv[3]) == "written";
  using namespace tandem;
  journal::StoreOptions options;
  options.create_if_missing = true;
  auto store = journal::Store::open(argv[1], options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().to_string().c_str());
    return 3;
  }
  const std::string trial = argv[2];
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t k = 0;; ++k) {
        std::vector<journal::AppendItem> batch;
        for (uint64_t j = 0; j <= k % 3; ++j) {
          const std::string reason =
              trial + ":" + std::to_string(t) + ":" + std::to_string(k) + ":" + std::to_string(j);
          batch.push_back({1'795'146'300'000'000'000, 20261120, domain::EngineStopped{reason}});
        }
        const auto durability =
            written && t == 3 ? journal::Durability::written : journal::Durability::synced;
        if (!(*store)->append(batch, durability).ok()) _exit(4);
        const uint64_t ack[2] = {t, k};
        if (write(STDOUT_FILENO, ack, sizeof(ack)) != sizeof(ack)) _exit(5);
      }
    });
  }
  for (auto& th : threads) th.join();
  return 0;
}
