// An input's synced append on a thread of its own, so that the engine thread decides on the
// input while the disk syncs it (DESIGN.md invariant 1: the orders wait for the input's
// sync, not for the decision too). One append at a time: begin(), then end() to wait for it.
// Thread-safety: begin() and end() from the engine thread only.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "journal/store.h"

namespace tandem::engine {

class InputSync {
 public:
  explicit InputSync(journal::Store& store);
  ~InputSync();
  InputSync(const InputSync&) = delete;
  InputSync& operator=(const InputSync&) = delete;

  // Starts appending `items` (synced). REQUIRES: not empty; no append begun and not ended.
  void begin(std::vector<journal::AppendItem> items);
  // Waits for the append begun and returns its result.
  Result<journal::AppendResult> end();

 private:
  void loop();

  journal::Store& store_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<journal::AppendItem> items_;               // GUARDED_BY(mu_)
  bool begun_ = false;                                   // GUARDED_BY(mu_)
  std::optional<Result<journal::AppendResult>> result_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                                // GUARDED_BY(mu_)
  std::thread thread_;                                   // last: started once the rest is
};

}  // namespace tandem::engine
