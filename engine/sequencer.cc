#include "engine/sequencer.h"

#include <iterator>
#include <utility>

#include "copy/decide.h"
#include "domain/base/assert.h"
#include "engine/lost_outputs.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

Sequencer::Sequencer(journal::Store& store, Clock clock, SteadyClock steady)
    : store_(store), clock_(std::move(clock)), steady_(std::move(steady)) {}

Result<size_t> Sequencer::restore() {
  TANDEM_REQUIRE(staged_.empty() && !input_begun_, "restore() comes before anything is staged");
  auto restored = restore_deciding_lost_outputs(store_);
  if (!restored.ok()) return restored.status();
  state_ = std::move(restored->restored.state);
  return restored->decided_again;
}

std::vector<d::Event> Sequencer::step(const d::Event& input) { return d::step(state_, input); }

void Sequencer::stage(std::vector<d::Event> events) {
  const d::TimeNs now = clock_();
  d::TradingDay day = state_.day;
  staged_.reserve(staged_.size() + events.size());
  for (auto& e : events) {
    if (const auto* opened = std::get_if<d::TradingDayOpened>(&e)) day = opened->day;
    staged_.push_back({now, day, std::move(e)});
  }
}

Status Sequencer::flush(std::vector<journal::AppendItem>* written, journal::Durability durability) {
  if (staged_.empty()) return Status();
  if (!refused_.ok()) return refused_;  // nothing is journaled after a refused write
  const SteadyTime began = steady_();
  auto appended = store_.append(staged_, durability);
  const size_t records = staged_.size();
  if (written != nullptr) *written = std::move(staged_);
  staged_.clear();
  count(appended, began, records);
  return appended.status();
}

void Sequencer::begin_input(d::Event input) {
  TANDEM_REQUIRE(!input_begun_, "an input's write is already under way");
  // What was staged before the input goes with it: the journal keeps the engine's order.
  stage({std::move(input)});
  input_began_at_ = steady_();
  input_records_ = staged_.size();
  input_begun_ = true;
  if (!refused_.ok()) return;  // end_input() returns the refusal
  input_sync_.begin(std::exchange(staged_, {}));
}

Result<journal::AppendResult> Sequencer::end_input() {
  TANDEM_REQUIRE(input_begun_, "no input's write was begun");
  input_begun_ = false;
  if (!refused_.ok()) return refused_;
  Result<journal::AppendResult> appended = input_sync_.end();
  count(appended, input_began_at_, input_records_);
  return appended;
}

Status Sequencer::append_outputs(std::vector<d::Event> outputs,
                                 std::vector<journal::AppendItem>* written) {
  TANDEM_REQUIRE(!input_begun_, "the input is durable before its outputs are appended");
  if (d::decides_orders(outputs)) crash_after_input_sync_.pass();  // orders have left
  // Staged meanwhile (an alert raised while the orders went out): after the outputs, which
  // follow their input.
  std::vector<journal::AppendItem> meanwhile = std::exchange(staged_, {});
  Status appended;
  if (!outputs.empty()) {
    stage(std::move(outputs));
    appended = flush(written, journal::Durability::written);
  }
  staged_.insert(staged_.end(), std::make_move_iterator(meanwhile.begin()),
                 std::make_move_iterator(meanwhile.end()));
  return appended;
}

void Sequencer::count(const Result<journal::AppendResult>& appended, SteadyTime began,
                      size_t records) {
  counts_.append_ms.add(std::chrono::duration<double, std::milli>(steady_() - began).count());
  ++counts_.batches;
  counts_.records += static_cast<int64_t>(records);
  if (!appended.ok() && refused_.ok()) {
    counts_.failed = true;
    refused_ = appended.status();
  }
}

}  // namespace tandem::engine
