#include "engine/send_queue.h"

#include <algorithm>

#include "domain/base/assert.h"

namespace tandem::engine {

SendQueue::SendQueue(int max_started) : max_started_(max_started) {
  TANDEM_REQUIRE(max_started > 0, max_started);
}

void SendQueue::push(QueuedOrder order) {
  if (started_ >= max_started_ || waiting() > 0) waits_.fetch_add(1, std::memory_order_relaxed);
  lanes_[static_cast<size_t>(order.lane)].push_back(std::move(order));
}

std::optional<QueuedOrder> SendQueue::start_next() {
  if (started_ >= max_started_) return std::nullopt;
  for (auto& lane : lanes_) {
    // The oldest that may go: in the change lane, the oldest change of an order that has
    // none with the broker (the later changes of that order wait behind it, in order).
    const auto next = std::find_if(lane.begin(), lane.end(), [&](const QueuedOrder& o) {
      return o.lane != SendLane::change || !changing_.contains(o.intent.target_tag);
    });
    if (next == lane.end()) continue;
    QueuedOrder started = std::move(*next);
    lane.erase(next);
    if (started.lane == SendLane::change) changing_.insert(started.intent.target_tag);
    ++started_;
    TANDEM_ASSERT(started_ <= max_started_, started_, max_started_);
    return started;
  }
  return std::nullopt;
}

void SendQueue::finished(const QueuedOrder& order) {
  TANDEM_ASSERT(started_ > 0);
  --started_;
  if (order.lane == SendLane::change) {
    const size_t erased = changing_.erase(order.intent.target_tag);
    TANDEM_ASSERT(erased == 1, order.intent.target_tag.value);
  }
}

std::vector<QueuedOrder> SendQueue::expire(std::chrono::steady_clock::time_point now,
                                           std::chrono::milliseconds max_wait) {
  std::vector<QueuedOrder> out;
  auto& entries = lanes_[static_cast<size_t>(SendLane::entry)];
  while (!entries.empty() && now - entries.front().queued >= max_wait) {
    out.push_back(std::move(entries.front()));
    entries.pop_front();
  }
  return out;
}

std::optional<std::chrono::steady_clock::time_point> SendQueue::next_expiry(
    std::chrono::milliseconds max_wait) const {
  const auto& entries = lanes_[static_cast<size_t>(SendLane::entry)];
  if (entries.empty()) return std::nullopt;
  return entries.front().queued + max_wait;
}

std::vector<QueuedOrder> SendQueue::take(bool entries_only) {
  std::vector<QueuedOrder> out;
  for (size_t l = entries_only ? static_cast<size_t>(SendLane::entry) : 0; l < lanes_.size(); ++l) {
    for (auto& o : lanes_[l]) out.push_back(std::move(o));
    lanes_[l].clear();
  }
  return out;
}

size_t SendQueue::waiting() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane.size();
  return n;
}

}  // namespace tandem::engine
