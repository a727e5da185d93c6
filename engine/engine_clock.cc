// The engine's side of time as an input (copy/clock.h): the core never reads a clock, so the
// engine offers it its own, and journals a ClockTick only when the core says one would
// decide something. A replay reads the same ticks and decides the same orders.
#include "copy/clock.h"
#include "engine/engine.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

Status Engine::tick_clock() {
  const d::TimeNs now = clock_();
  if (now >= tick_checked_at_ && now - tick_checked_at_ < kTickInterval) return Status();
  tick_checked_at_ = now;
  if (!d::tick_due(state(), now)) return Status();
  if (Status s = open_day(now); !s.ok()) return s;
  ++stats_.clock_ticks;
  return decide_and_send(d::ClockTick{now}, std::nullopt, nullptr);
}

}  // namespace tandem::engine
