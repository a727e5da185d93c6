// The exit_left_open alert rule (engine.h): a follower holding what the leader no longer
// does is money at risk that no copy will close, whatever left it open.
#include <fmt/format.h>

#include "domain/copy/left_open.h"
#include "engine/engine.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

// Long enough for the orders of one leader update and their first reports to be in the state.
constexpr auto kSettle = std::chrono::milliseconds(500);

}  // namespace

void Engine::watch_left_open(const d::InstrumentKey& instrument) {
  if (left_open_watched_.empty()) left_open_due_ = std::chrono::steady_clock::now() + kSettle;
  left_open_watched_.insert(instrument);
}

void Engine::check_left_open(std::chrono::steady_clock::time_point now) {
  if (left_open_watched_.empty() || now < left_open_due_) return;
  for (const d::InstrumentKey& instrument : left_open_watched_) {
    std::set<std::pair<d::FollowerId, d::Product>> open;
    const auto& alerted = left_open_alerted_[instrument];
    for (const d::LeftOpen& o : d::left_open(state_, instrument)) {
      open.emplace(o.follower, o.product);
      if (alerted.contains({o.follower, o.product})) continue;
      const std::string where =
          d::to_text(instrument) + " (" + std::string(d::to_string(o.product)) + ")";
      alert("exit_left_open",
            fmt::format("{} holds {} {} where the leader is flat, with no order of its own "
                        "working there: an exit was skipped or clamped, or came before the "
                        "entry filled; close it at the broker (docs/domain.md)",
                        o.follower.value, o.net_units, where),
            "exit_left_open:" + o.follower.value + ":" + where);
    }
    if (open.empty()) {
      left_open_alerted_.erase(instrument);
    } else {
      left_open_alerted_[instrument] = std::move(open);
    }
  }
  left_open_watched_.clear();
}

}  // namespace tandem::engine
