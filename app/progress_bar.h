// A progress line for long reads (replay, backtest, audit export) on a terminal: records
// done of the total, the rate and the time left, redrawn at most ten times a second on
// stderr. Silent when stderr is not a terminal, so scripts, pipes and CI logs stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "journal/record_reader.h"

namespace tandem::app {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // clears the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(uint64_t done, uint64_t total);
  // The callback form the journal reader takes; valid while the bar lives.
  journal::ReadProgress callback();

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tandem::app
