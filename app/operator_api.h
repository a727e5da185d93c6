// The operator view in the forms operators read it: JSON for the dashboard and /api/state,
// Prometheus text for /metrics, and the readiness verdict for /readyz. Pure functions of
// the view (engine/operator_view.h), so they are tested without a server.
#pragma once

#include <string>
#include <vector>

#include "engine/operator_view.h"

namespace tandem::app {

// `full`: every kept copy with every follower (GET /api/state?full=1); otherwise the
// compact form the page draws (the last 50 copies, at most 12 followers each, counts by
// state).
[[nodiscard]] std::string view_json(const engine::OperatorView& view, bool full = false);

// Prometheus text exposition format 0.0.4.
[[nodiscard]] std::string metrics_text(const engine::OperatorView& view);

// Ready: the journal accepts writes, the leader's stream is connected and no follower
// account is stopped. Otherwise the reasons, one per line.
struct Readiness {
  bool ready = false;
  std::vector<std::string> reasons;
};
[[nodiscard]] Readiness readiness(const engine::OperatorView& view);

}  // namespace tandem::app
