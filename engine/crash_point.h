// A kill at one named point of the copy path, for the crash tests that must land exactly
// there (tests/engine/input_crash_test.cc): the process dies by SIGKILL, as under kill -9,
// with nothing flushed or unwound. Set by its environment variable, "N" or "N:MS": the Nth
// pass kills, after a pause of MS milliseconds (orders already let go reach the wire or not).
// Unset, as everywhere outside those tests, a pass costs one branch.
#pragma once

#include <cstdint>

namespace tandem::engine {

class CrashPoint {
 public:
  explicit CrashPoint(const char* env_name);
  void pass();

 private:
  int64_t passes_left_ = 0;  // 0: never
  int pause_ms_ = 0;
};

}  // namespace tandem::engine
