// The engine's side of the daily loss guard: the leader's market data, coalesced and
// throttled by the price watch (price_watch.h), journaled as PriceSnapshots and decided on
// (copy/loss_guard.h).
#include "domain/base/money.h"
#include "engine/engine.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

Status Engine::handle(PricesFact&) {
  prices_.take(state());
  return snapshot_prices();
}

Status Engine::snapshot_prices() {
  const d::TimeNs now = clock_();
  std::optional<d::PriceSnapshot> due = prices_.due(now);
  if (!due) return Status();
  if (Status s = open_day(now); !s.ok()) return s;
  const d::PriceSnapshot& snapshot = *due;
  // Paper followers fill at the market's price, as a broker would: posted before the
  // orders decided below, so a flatten on paper fills at the price that tripped it.
  for (const auto& p : snapshot.prices) feed_paper_price(p.instrument, p.last_price_paise);
  std::vector<d::Event> decided;
  if (Status s = decide_and_send(snapshot, std::nullopt, nullptr, &decided); !s.ok()) return s;
  std::map<d::FollowerId, size_t> orders;  // each trip's own orders, for its alert
  for (const auto& e : decided) {
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&e)) ++orders[i->follower];
  }
  for (const auto& e : decided) {
    if (const auto* t = std::get_if<d::LossGuardTripped>(&e))
      on_guard_tripped(*t, orders[t->follower]);
  }
  return Status();
}

void Engine::on_guard_tripped(const d::LossGuardTripped& t, size_t orders) {
  const bool loss = t.limit == d::GuardLimit::max_daily_loss;
  alert("loss_guard",
        "follower " + t.follower.value + ": day P&L " + d::paise_text(t.day_pnl_paise) +
            (loss ? " reached its maximum daily loss of " + d::paise_text(-t.threshold_paise)
                  : " reached its profit target of " + d::paise_text(t.threshold_paise)) +
            "; action " + std::string(d::to_string(t.action)) + " until the next trading day (" +
            std::to_string(orders) + " orders sent)",
        "loss_guard:" + t.follower.value + ":" + std::to_string(state().day));
}

}  // namespace tandem::engine
