// The engine's side of the journal: each input stepped through the core and staged with what
// it decided, written in one synced append per burst (DESIGN.md invariant 1), and the
// trading day and instrument snapshots that inputs need before they are decided.
#include "engine/engine.h"

#include <algorithm>
#include "copy/decide.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

void Engine::stage(std::vector<d::Event> events) {
  const d::TimeNs now = clock_();
  d::TradingDay day = state_.day;
  unsynced_.reserve(unsynced_.size() + events.size());
  for (auto& e : events) {
    if (const auto* opened = std::get_if<d::TradingDayOpened>(&e)) day = opened->day;
    unsynced_.push_back({now, day, std::move(e)});
  }
}

Status Engine::append(std::vector<d::Event> events) {
  if (events.empty()) return Status();
  for (d::Event& e : events) {
    // Every input goes through the core: a follower's order report, a rejection or a resume
    // may decide orders (convergence), which go out once the batch is durable.
    std::vector<d::Event> decided = d::step(state_, e);
    const bool orders = std::any_of(decided.begin(), decided.end(), [](const d::Event& o) {
      return std::holds_alternative<d::FollowerOrderIntent>(o);
    });
    if (orders) {
      begin_input_sync(std::move(e));
      if (Status s = send_and_journal(std::move(decided), std::nullopt, nullptr); !s.ok()) {
        return s;
      }
    } else {
      decided.insert(decided.begin(), std::move(e));
      stage(std::move(decided));
    }
  }
  return deferred_ ? Status() : flush();
}

Status Engine::flush(std::vector<journal::AppendItem>* written, journal::Durability durability) {
  if (unsynced_.empty()) return Status();
  const auto t0 = setup_.steady();
  auto appended = store_.append(unsynced_, durability);
  const size_t records = unsynced_.size();
  if (written != nullptr) *written = std::move(unsynced_);
  unsynced_.clear();
  note_append(appended, t0, records);
  return appended.status();
}

void Engine::note_append(const Result<journal::AppendResult>& appended, SteadyTime began,
                         size_t records) {
  OperatorCounters& counters = feed_.counters();
  counters.journal_append.add(
      std::chrono::duration<double, std::milli>(setup_.steady() - began).count());
  ++counters.journal_batches;
  counters.journal_records += static_cast<int64_t>(records);
  if (!appended.ok()) {
    feed_.journal_failed();
    alert("journal_failed",
          "the journal refused a write; the engine stopped: " + appended.status().message());
    publish_view(true);
  }
}

Status Engine::open_day(d::TimeNs at) {
  const d::TradingDay day = d::ist_trading_day(at);
  if (day == state_.day) return Status();
  return append({d::TradingDayOpened{day}});
}

Status Engine::ensure_instrument(const d::InstrumentKey& key) {
  if (state_.instruments.contains(key)) return Status();
  const auto it = master_.find(key);
  if (it == master_.end()) return Status();  // decide() skips it, naming the reason
  watch_prices({it->second});
  return append({d::InstrumentSnapshot{it->second}});
}

}  // namespace tandem::engine
