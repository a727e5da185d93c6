// The sequencer (issue 26, the engine by job): the copy state and the journal, on the engine's
// thread. It owns the state; every input is stepped through the core here (copy/decide.h)
// and journaled in the engine's order, stamped with the engine clock's time and the trading
// day. What the engine journals goes one of three ways:
// - staged, then written in one synced append by flush() (a burst of facts: one write);
// - an input that decides orders, synced on its own thread (begin_input) while the core
//   decides on it, then its outputs appended without a sync (append_outputs): the orders
//   leave once the input alone is durable (DESIGN.md invariant 1; lost_outputs.h recovers
//   outputs a crash cut off);
// - at start, the state restored from the journal (restore).
// Thread-safety: the engine's thread only.
#pragma once

#include <functional>
#include <vector>

#include "copy/copy_state.h"
#include "engine/crash_point.h"
#include "engine/input_sync.h"
#include "engine/operator_view.h"
#include "engine/steady_clock.h"
#include "journal/store.h"

namespace tandem::engine {

// The journal's writes as the operator view shows them (/metrics).
struct JournalCounts {
  LatencyHistogram append_ms;  // one write, as the engine waited for it
  int64_t batches = 0;
  int64_t records = 0;
  bool failed = false;  // a write was refused: the engine stops; nothing more is journaled
};

class Sequencer {
 public:
  using Clock = std::function<domain::TimeNs()>;

  Sequencer(journal::Store& store, Clock clock, SteadyClock steady);
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // The state at the journal's head, a crashed run's lost outputs decided again and
  // appended first (lost_outputs.h). Returns how many were. Before anything else.
  Result<size_t> restore();
  const domain::CopyState& state() const { return state_; }

  // The core's answer to `input`, folded into the state with it; nothing is journaled.
  std::vector<domain::Event> step(const domain::Event& input);
  // Queues already-folded events for the next write, stamped with the time and day.
  void stage(std::vector<domain::Event> events);
  // Writes everything staged in one append; `written` (if given) receives it.
  Status flush(std::vector<journal::AppendItem>* written = nullptr,
               journal::Durability durability = journal::Durability::synced);
  // While the run loop drains a burst of facts, the engine stages and flushes once at the end.
  void begin_burst() { burst_ = true; }
  void end_burst() { burst_ = false; }
  bool in_burst() const { return burst_; }

  // Input before effect. begin_input() stages `input` after what is already staged and
  // begins their synced write on the input's own thread; end_input() waits for it.
  // REQUIRES: no input's write under way.
  void begin_input(domain::Event input);
  Result<journal::AppendResult> end_input();
  // After end_input(): the input's outputs appended without a sync of their own (`written`,
  // if given, receives them); what was staged since begin_input() goes after them, staged.
  // The crash tests' kill between the two (TANDEM_CRASH_AFTER_INPUT_SYNC) is here.
  Status append_outputs(std::vector<domain::Event> outputs,
                        std::vector<journal::AppendItem>* written = nullptr);

  const JournalCounts& counts() const { return counts_; }

 private:
  void count(const Result<journal::AppendResult>& appended, SteadyTime began, size_t records);

  journal::Store& store_;
  Clock clock_;
  SteadyClock steady_;
  domain::CopyState state_;
  std::vector<journal::AppendItem> staged_;  // folded into state_, not yet journaled
  bool burst_ = false;
  InputSync input_sync_{store_};
  bool input_begun_ = false;
  SteadyTime input_began_at_;
  size_t input_records_ = 0;
  CrashPoint crash_after_input_sync_{"TANDEM_CRASH_AFTER_INPUT_SYNC"};
  JournalCounts counts_;
  Status refused_;  // the first write the journal refused; every later flush() returns it
};

}  // namespace tandem::engine
