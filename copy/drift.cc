#include "copy/drift.h"

#include <array>

#include "copy/converge.h"
#include "copy/target.h"

namespace tandem::domain {

namespace {

bool settled(const CopyState& s, const FollowerSettings& f, const InstrumentKey& instrument,
             Product product) {
  const auto* working = s.positions.working_in(book_of(f), instrument, product);
  if (working != nullptr && !working->tags.empty()) return false;
  for (const Product p : leader_products_of(f, product)) {
    const LeaderSide side = leader_side(s, f.leader, instrument, p);
    if (side.working_buy_units != 0 || side.working_sell_units != 0) return false;
  }
  return true;
}

}  // namespace

std::vector<Drift> drift(const CopyState& s, const InstrumentKey& instrument) {
  std::vector<Drift> out;
  if (!s.instruments.contains(instrument)) return out;
  for (const auto& [id, f] : s.followers) {
    for (const Product product : kAllProducts) {
      if (!settled(s, f, instrument, product)) continue;
      const int64_t net = s.positions.net(book_of(f), instrument, product);
      const Target target = target_of(s, f, instrument, product);
      if (net == target.units) continue;
      // What convergence would say now: the refusal that keeps the gap open. An order it
      // would place (if only part of the gap) was refused by the broker: reason none.
      std::vector<Event> dry;
      converge(s, f, instrument, product, s.clock_ns, false, dry);
      SkipReason reason = SkipReason::none;
      for (const Event& e : dry) {
        const auto* d = std::get_if<CopyDecision>(&e);
        if (d != nullptr && d->action == CopyAction::skip) reason = d->skip_reason;
      }
      if (dry.empty()) continue;  // less than a lot apart: as close as lots allow
      out.push_back({id, product, net, target.units, reason});
    }
  }
  return out;
}

}  // namespace tandem::domain
