// This machine's raw fdatasync, the reference the journal's and the engine's figures are
// judged against (issues #2 and #6): a `bytes` append (256 B: about one record, as a WAL
// grows) then fdatasync, `iterations` times, in `dir` (the file system the journal is on),
// with `pause` between syncs. Back to back (no pause) gives the disk at its busiest; paced like
// the leader's orders, it gives the sync a lone leader update pays — on this VM's disk
// several times slower (docs/performance.md).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency.h"

namespace tandem::bench {

inline Percentiles raw_fdatasync(const std::string& dir, int iterations,
                                 std::chrono::milliseconds pause = std::chrono::milliseconds(0),
                                 size_t bytes = 256) {
  using Clock = std::chrono::steady_clock;
  const std::string path = dir + "/fdatasync.probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return {};
  std::vector<int64_t> ns;
  const std::string block(bytes, 'x');
  for (int i = 0; i < iterations; ++i) {
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    const auto t0 = Clock::now();
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
    if (::fdatasync(fd) != 0) break;
    ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  }
  ::close(fd);
  std::filesystem::remove(path);
  return percentiles(std::move(ns));
}

}  // namespace tandem::bench
