#include "engine/price_watch.h"

#include <boost/asio/post.hpp>

#include <utility>

namespace tandem::engine {

namespace d = ::tandem::domain;

PriceWatch::PriceWatch(d::TimeNs interval_ns, std::shared_ptr<Inbox<Fact>> inbox)
    : interval_ns_(interval_ns), box_(std::make_shared<Box>()) {
  box_->inbox = std::move(inbox);
}

void PriceWatch::watch(brokers::Gateway& leader, std::vector<d::Instrument> instruments) {
  if (instruments.empty()) return;
  boost::asio::post(
      leader.executor(), [&leader, box = box_, instruments = std::move(instruments)]() mutable {
        leader.watch_prices(
            std::move(instruments),
            [box](const std::vector<d::InstrumentPrice>& prices) { ticked(box, prices); });
      });
}

void PriceWatch::ticked(const std::shared_ptr<Box>& box,
                        const std::vector<d::InstrumentPrice>& prices) {
  bool signal = false;
  {
    std::lock_guard lock(box->mu);
    for (const auto& p : prices) box->latest[p.instrument] = p.last_price_paise;
    signal = !box->signalled;
    box->signalled = true;
  }
  if (signal) box->inbox->push(PricesFact{});
}

void PriceWatch::take(const d::CopyState& state) {
  std::map<d::InstrumentKey, int64_t> latest;
  {
    std::lock_guard lock(box_->mu);
    latest.swap(box_->latest);
    box_->signalled = false;
  }
  for (const auto& [key, price] : latest) {
    const auto known = state.marks_paise.find(key);
    if (known != state.marks_paise.end() && known->second == price) {
      pending_.erase(key);  // back where the journal has it
    } else {
      pending_[key] = price;
    }
  }
}

std::optional<d::PriceSnapshot> PriceWatch::due(d::TimeNs now) {
  if (pending_.empty()) return std::nullopt;
  if (snapshot_at_ != 0 && now - snapshot_at_ < interval_ns_) return std::nullopt;
  d::PriceSnapshot snapshot;
  snapshot.received_time_ns = now;
  for (const auto& [key, price] : pending_) snapshot.prices.push_back({key, price});
  pending_.clear();
  snapshot_at_ = now;
  return snapshot;
}

}  // namespace tandem::engine
