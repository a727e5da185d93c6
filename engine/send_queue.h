// One follower account's orders on their way to its broker (issue 23, throttling). The
// broker's rate limiter (brokers/rate_limiter.h) paces what is handed to it, first come
// first served; this queue decides what is handed over next, so that behind a rate limit a
// cancel or an exit never waits for entries decided before it:
//  - at most `max_started` orders of the account are with its broker at once (sending,
//    waiting for the limiter, or waiting for their answer); the rest wait here;
//  - the next one started is the oldest of the highest lane: changes to working orders
//    (cancels and modifies, in one lane so that the changes of one order keep their order),
//    then exits (places that reduce the follower's position), then entries;
//  - one order's changes go one at a time: a change waits while another change of the same
//    order is with the broker. Two at once, a retry of the first (its answer lost) could land
//    after the second and leave the order at the older price or size;
//  - an entry that waited here longer than the engine's max_queue is dropped (expire()):
//    copied late, at a price the leader left long ago, it would be worse than not at all.
//    Exits and cancels are never dropped (DESIGN.md: exits always go out). The engine
//    expires entries whenever the queue moves, and at the oldest entry's deadline
//    (next_expiry(), one timer armed at a time) when nothing moves.
// At a stop, queued entries are taken out unsent, and at the shutdown bound everything still
// queued (take()); the engine journals each as not sent. Pure: no executor, no clock —
// the engine's broker thread drives it (dispatcher.cc). Thread-safety: one thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "brokers/gateway.h"
#include "domain/events.h"

namespace tandem::engine {

enum class SendLane : uint8_t { change = 0, exit = 1, entry = 2 };

struct QueuedOrder {
  brokers::Gateway* gateway = nullptr;
  domain::FollowerOrderIntent intent;
  brokers::PlaceOptions options;
  std::optional<std::chrono::steady_clock::time_point> leader_received;  // none: reconcile
  bool look_first = false;
  // An earlier send of this place (this run's, with its outcome unknown, or an earlier
  // run's) may have reached the broker: a lookup by its tag that fails leaves the outcome
  // unknown, whatever the lookup's own failure (dispatcher.cc).
  bool may_be_sent = false;
  SendLane lane = SendLane::entry;
  std::chrono::steady_clock::time_point queued;
};

class SendQueue {
 public:
  explicit SendQueue(int max_started);

  void push(QueuedOrder order);
  // The order to hand to the broker now: none when `max_started` are out or nothing waits
  // that may start.
  [[nodiscard]] std::optional<QueuedOrder> start_next();
  // A started order has its outcome: its slot is free (and its order's next change may go).
  void finished(const QueuedOrder& order);
  // Entries queued at or before `now - max_wait`, taken out.
  [[nodiscard]] std::vector<QueuedOrder> expire(std::chrono::steady_clock::time_point now,
                                                std::chrono::milliseconds max_wait);
  // When the oldest waiting entry is due to expire; none when no entry waits.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> next_expiry(
      std::chrono::milliseconds max_wait) const;
  // Arms the expiry timer: false when one is armed already (it fires no later than a new
  // one would: entries are queued oldest first). expiry_fired() when it has.
  [[nodiscard]] bool arm_expiry() { return !std::exchange(expiry_armed_, true); }
  void expiry_fired() { expiry_armed_ = false; }
  // What still waits, taken out: entries only, or every lane.
  [[nodiscard]] std::vector<QueuedOrder> take(bool entries_only);

  [[nodiscard]] size_t waiting() const;
  [[nodiscard]] int started() const { return started_; }
  // Orders that could not start when pushed (for /metrics): readable from any thread.
  [[nodiscard]] int64_t waits() const { return waits_.load(std::memory_order_relaxed); }

 private:
  std::array<std::deque<QueuedOrder>, 3> lanes_;  // by SendLane, oldest first
  int max_started_;
  int started_ = 0;
  std::unordered_set<domain::ClientTag> changing_;  // orders (by tag) with a change started
  bool expiry_armed_ = false;
  std::atomic<int64_t> waits_{0};
};

}  // namespace tandem::engine
