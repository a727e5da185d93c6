#include "app/demo_close.h"

#include <fmt/format.h>

#include <map>

#include "domain/base/money.h"
#include "engine/operator_view.h"

namespace tandem::app {

using domain::rupees_text;

void print_followers_at_close(const domain::CopyState& state) {
  fmt::print("{:<16} {:>16} {:>18}  {}\n", "follower", "P&L today", "turnover",
             "positions at the close (qty @ average, mark)");
  for (const engine::FollowerRow& f : engine::follower_rows(state, {})) {
    std::string positions;
    for (const auto& p : f.positions) {
      if (p.net_units == 0) continue;
      positions += fmt::format("{}{} {:+} @ {}{}", positions.empty() ? "" : ", ", p.instrument,
                               p.net_units, rupees_text(p.average_price_paise),
                               p.mark_paise > 0 ? ", mark " + rupees_text(p.mark_paise) : "");
    }
    // Each share its own leader's P&L: the rows sum to the accounts' (f6-both counted once).
    fmt::print("{:<16} {:>16} {:>18}  {}\n", f.id, rupees_text(f.share_pnl_paise),
               rupees_text(f.turnover_today_paise), positions.empty() ? "flat" : positions);
  }
}

void print_alerts_by_kind(const std::vector<RaisedAlert>& alerts) {
  if (alerts.empty()) return;
  struct Kind {
    int64_t count = 0;
    std::string first, last, text;
  };
  std::map<std::string, Kind> kinds;
  for (const RaisedAlert& a : alerts) {
    Kind& k = kinds[a.kind];
    if (k.count++ == 0) k.first = a.at;
    k.last = a.at;
    k.text = a.text;
  }
  fmt::print("\nalerts raised (journaled, and shown on the dashboard), by kind:\n");
  for (const auto& [kind, k] : kinds) {
    fmt::print("  {:<20} {:>4} × {}{}; the last: {}\n", kind, k.count, k.first,
               k.count > 1 ? "–" + k.last + " IST" : " IST", k.text);
  }
}

}  // namespace tandem::app
