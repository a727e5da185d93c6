// The engine's inbox: a bounded multi-producer queue. Broker strands push facts; the one
// engine thread pops them. A full inbox makes producers wait (backpressure) rather than
// drop a fact: a lost fill or ack would be a silent divergence from the broker.
// Thread-safety: push and pop from any threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "domain/base/assert.h"

namespace tandem::engine {

template <typename T>
class Inbox {
 public:
  explicit Inbox(size_t capacity) : capacity_(capacity) { TANDEM_REQUIRE(capacity > 0, capacity); }

  void push(T item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    TANDEM_ASSERT(items_.size() <= capacity_, items_.size(), capacity_);
    high_water_ = std::max(high_water_, items_.size());
    not_empty_.notify_one();
  }

  // The next item, or nullopt after `timeout` with none.
  std::optional<T> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // The next item if one is waiting, without waiting.
  std::optional<T> try_pop() {
    std::unique_lock lock(mu_);
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  size_t depth() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }
  size_t high_water() const {
    std::lock_guard lock(mu_);
    return high_water_;
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;    // GUARDED_BY(mu_)
  size_t high_water_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace tandem::engine
