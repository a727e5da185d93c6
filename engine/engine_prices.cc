// The engine's side of the daily loss guard: the leader's market data watched, coalesced,
// journaled as throttled PriceSnapshots and decided on (copy/loss_guard.h).
#include <boost/asio/post.hpp>

#include "domain/base/money.h"
#include "engine/engine.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

void Engine::watch_prices(std::vector<d::Instrument> instruments) {
  if (instruments.empty()) return;
  // On the leader's executor, after its subscribe(). However fast ticks come, one
  // PricesFact at a time waits in the inbox: the box holds the latest price of each.
  asio::post(leader_executor_, [&leader = leader_, box = prices_, inbox = inbox_,
                                instruments = std::move(instruments)]() mutable {
    leader.watch_prices(std::move(instruments),
                        [box, inbox](const std::vector<d::InstrumentPrice>& prices) {
                          bool signal = false;
                          {
                            std::lock_guard lock(box->mu);
                            for (const auto& p : prices) {
                              box->latest[p.instrument] = p.last_price_paise;
                            }
                            signal = !box->signalled;
                            box->signalled = true;
                          }
                          if (signal) inbox->push(PricesFact{});
                        });
  });
}

Status Engine::handle(PricesFact&) {
  std::map<d::InstrumentKey, int64_t> latest;
  {
    std::lock_guard lock(prices_->mu);
    latest.swap(prices_->latest);
    prices_->signalled = false;
  }
  for (const auto& [key, price] : latest) {
    const auto known = state().marks_paise.find(key);
    if (known != state().marks_paise.end() && known->second == price) {
      unjournaled_prices_.erase(key);  // back where the journal has it
    } else {
      unjournaled_prices_[key] = price;
    }
  }
  return snapshot_prices();
}

Status Engine::snapshot_prices() {
  if (unjournaled_prices_.empty()) return Status();
  const d::TimeNs now = clock_();
  const d::TimeNs interval =
      std::chrono::duration_cast<std::chrono::nanoseconds>(setup_.price_snapshot_interval).count();
  if (price_snapshot_at_ != 0 && now - price_snapshot_at_ < interval) return Status();
  if (Status s = open_day(now); !s.ok()) return s;
  d::PriceSnapshot snapshot;
  snapshot.received_time_ns = now;
  for (const auto& [key, price] : unjournaled_prices_) snapshot.prices.push_back({key, price});
  unjournaled_prices_.clear();
  price_snapshot_at_ = now;
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
