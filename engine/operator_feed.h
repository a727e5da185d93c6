// The operator feed (issue 26, the engine by job): what the engine keeps for the dashboard,
// /api/ and /metrics as things happen — the recent copies and each follower's answers, the
// recent alerts, the counters — and the view it publishes from them for any thread to read
// (operator_view.h). The engine records into it on its thread and asks it to publish at
// most every kViewInterval; the parts the feed does not own (the state's follower rows,
// the journal's head, the dispatcher's counts) come in with the view to publish.
// Thread-safety: record and publish on the engine's thread; view() from any thread.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/facts.h"
#include "engine/operator_view.h"
#include "engine/steady_clock.h"
#include "journal/store.h"

namespace tandem::engine {

class OperatorFeed {
 public:
  static constexpr std::chrono::milliseconds kViewInterval{200};

  // A leader update's row: each follower's decision and the tag of its order, if any.
  void record_copies(const domain::LeaderOrderUpdate& update,
                     std::span<const journal::AppendItem> batch);
  // A follower order's outcome on its row and its follower's answers; `latency_ms` is
  // leader update → ack, or -1.
  void record_outcome(const OutcomeFact& f, const std::string& broker, double latency_ms,
                      domain::TimeNs at);
  void record_alert(AlertRow alert);
  // The counters as they happen (the journal's are the sequencer's, filled in at publish).
  OperatorCounters& counters() { return live_.counters; }

  // Whether a view is due at `now` (one per kViewInterval, unless forced).
  bool due(SteadyTime now, bool force);
  // A new view with the feed's copies, alerts and counters; the engine fills in the rest
  // (its follower rows, the journal's head, the counts it keeps) and publishes it, each
  // follower row completed with its answers.
  [[nodiscard]] std::shared_ptr<OperatorView> draft() const;
  void publish(std::shared_ptr<OperatorView> view);
  // The latest view; never null. Any thread.
  std::shared_ptr<const OperatorView> view() const;

 private:
  // Each follower's latest broker answers, for its row on the dashboard.
  struct FollowerAnswers {
    static constexpr size_t kKept = 200;
    std::deque<double> latencies_ms;  // leader update → ack, the last kKept
    double p50_ms = -1, p99_ms = -1;  // of latencies_ms, computed at a view after a change
    bool changed = false;
    std::string last;
    domain::TimeNs at_ns = 0;
    int64_t acked = 0;
    int64_t rejected = 0;
    LatencyHistogram latency;
  };
  void fill_answers(FollowerRow& row);

  OperatorView live_;                            // alerts and counters as they happen
  std::deque<std::shared_ptr<CopyRow>> copies_;  // the recent copies, newest last
  uint64_t first_copy_id_ = 0;                   // the id of copies_.front()
  // Where each sent order's row is: (row id, index in its followers), for its outcome.
  std::unordered_map<std::string, std::pair<uint64_t, size_t>> copy_of_tag_;
  std::unordered_map<std::string, FollowerAnswers> answers_;
  SteadyTime published_at_{};
  std::shared_ptr<const OperatorView> published_ = std::make_shared<OperatorView>();
  mutable std::mutex view_mu_;
};

}  // namespace tandem::engine
