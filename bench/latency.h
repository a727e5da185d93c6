// Percentiles of a latency sample, in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace tandem::bench {

struct Percentiles {
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

inline Percentiles percentiles(std::vector<int64_t> ns) {
  if (ns.empty()) return {};
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return ns[static_cast<size_t>(q * (ns.size() - 1))] / 1000.0; };
  return {at(0.50), at(0.99), ns.back() / 1000.0};
}

// The process's peak resident set so far (VmHWM), in MiB; 0 where /proc is not there.
inline double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      int64_t kib = 0;
      status >> kib;
      return static_cast<double>(kib) / 1024.0;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

}  // namespace tandem::bench
