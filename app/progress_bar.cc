#include "app/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace tandem::app {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) fmt::print(stderr, "\r\033[K");
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!tty_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / total);
  fmt::print(stderr, "\r{} [{}{}] {}/{} records, {:.0f}/s, {:.0f} s left\033[K", label_,
             std::string(static_cast<size_t>(filled), '#'),
             std::string(static_cast<size_t>(kWidth - filled), '.'), done, total, rate, left);
  std::fflush(stderr);
  drawn_ = true;
}

journal::ReadProgress ProgressBar::callback() {
  return [this](uint64_t done, uint64_t total) { update(done, total); };
}

}  // namespace tandem::app
