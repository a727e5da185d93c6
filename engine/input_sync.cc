#include "engine/input_sync.h"

#include "domain/base/assert.h"

namespace tandem::engine {

InputSync::InputSync(journal::Store& store) : store_(store), thread_([this] { loop(); }) {}

InputSync::~InputSync() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void InputSync::begin(std::vector<journal::AppendItem> items) {
  TANDEM_REQUIRE(!items.empty());
  {
    std::lock_guard lock(mu_);
    TANDEM_REQUIRE(!begun_, "an input's append is already under way");
    items_ = std::move(items);
    begun_ = true;
    result_.reset();
  }
  wake_.notify_all();
}

Result<journal::AppendResult> InputSync::end() {
  std::unique_lock lock(mu_);
  TANDEM_REQUIRE(begun_, "no input's append was begun");
  wake_.wait(lock, [this] { return result_.has_value(); });
  begun_ = false;
  items_.clear();
  return *std::move(result_);
}

void InputSync::loop() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || (begun_ && !result_); });
    if (stopping_) return;
    // The items stay put while the lock is released: end() is the only other reader, and it
    // waits for the result first.
    const std::vector<journal::AppendItem>& items = items_;
    lock.unlock();
    Result<journal::AppendResult> appended = store_.append(items);
    lock.lock();
    result_.emplace(std::move(appended));
    wake_.notify_all();
  }
}

}  // namespace tandem::engine
