// The position_drift alert rule (engine.h): a follower settled away from its target is
// money at risk that no copy will close; the alert names the pair, the gap and the reason
// (copy/drift.h).
#include <fmt/format.h>

#include "copy/drift.h"
#include "engine/engine.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

// Long enough for the orders of one leader update and their first reports to be in the state.
constexpr auto kSettle = std::chrono::milliseconds(500);

std::string reason_text(d::SkipReason reason) {
  if (reason == d::SkipReason::none) {
    return "an order that would close it was refused by the broker; close it at the broker";
  }
  return "held by " + std::string(d::to_string(reason));
}

}  // namespace

void Engine::watch_drift(const d::InstrumentKey& instrument) {
  if (drift_watched_.empty()) drift_due_ = setup_.steady() + kSettle;
  drift_watched_.insert(instrument);
}

void Engine::check_drift(SteadyTime now) {
  if (drift_watched_.empty() || now < drift_due_) return;
  for (const d::InstrumentKey& instrument : drift_watched_) {
    std::set<std::pair<d::FollowerId, d::Product>> off;
    const auto& alerted = drift_alerted_[instrument];
    for (const d::Drift& o : d::drift(state_, instrument)) {
      off.emplace(o.follower, o.product);
      if (alerted.contains({o.follower, o.product})) continue;
      const std::string where =
          d::to_text(instrument) + " (" + std::string(d::to_string(o.product)) + ")";
      alert("position_drift",
            fmt::format("{} holds {} {} where its target is {} (gap {}): {}", o.follower.value,
                        o.net_units, where, o.target_units, o.target_units - o.net_units,
                        reason_text(o.reason)),
            "position_drift:" + o.follower.value + ":" + where);
    }
    if (off.empty()) {
      drift_alerted_.erase(instrument);
    } else {
      drift_alerted_[instrument] = std::move(off);
    }
  }
  drift_watched_.clear();
}

}  // namespace tandem::engine
