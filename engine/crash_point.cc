#include "engine/crash_point.h"

#include <csignal>
#include <cstdlib>
#include <thread>

namespace tandem::engine {

CrashPoint::CrashPoint(const char* env_name) {
  const char* value = std::getenv(env_name);
  if (value == nullptr) return;
  char* end = nullptr;
  passes_left_ = std::strtoll(value, &end, 10);
  if (end != nullptr && *end == ':')
    pause_ms_ = static_cast<int>(std::strtol(end + 1, nullptr, 10));
}

void CrashPoint::pass() {
  if (passes_left_ <= 0 || --passes_left_ > 0) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms_));
  std::raise(SIGKILL);
}

}  // namespace tandem::engine
