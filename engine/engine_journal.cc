// The engine's side of the journal: each input stepped through the core and journaled with
// what it decided by the sequencer (sequencer.h), and the trading day and instrument
// snapshots that inputs need before they are decided.
#include "engine/engine.h"

#include "copy/decide.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

Status Engine::append(std::vector<d::Event> events) {
  if (events.empty()) return Status();
  for (d::Event& e : events) {
    // Every input goes through the core: a follower's order report, a rejection or a resume
    // may decide orders (convergence), which go out once the input is durable.
    std::vector<d::Event> decided = sequencer_.step(e);
    if (d::decides_orders(decided)) {
      sequencer_.begin_input(std::move(e));
      if (Status s = send_and_journal(std::move(decided), std::nullopt, nullptr); !s.ok()) {
        return s;
      }
    } else {
      decided.insert(decided.begin(), std::move(e));
      sequencer_.stage(std::move(decided));
    }
  }
  return sequencer_.in_burst() ? Status() : flush();
}

Status Engine::noted(Status written) {
  if (!written.ok()) {
    alert("journal_failed",
          "the journal refused a write; the engine stopped: " + written.message());
    publish_view(true);
  }
  return written;
}

Status Engine::open_day(d::TimeNs at) {
  const d::TradingDay day = d::ist_trading_day(at);
  if (day == state().day) return Status();
  return append({d::TradingDayOpened{day}});
}

Status Engine::ensure_instrument(const d::InstrumentKey& key) {
  if (state().instruments.contains(key)) return Status();
  auto it = master_.find(key);
  if (it == master_.end() && !master_taken_ && take_master()) it = master_.find(key);
  if (it == master_.end()) return Status();  // decide() skips it, naming the reason
  prices_.watch(main_leader(), {it->second});
  return append({d::InstrumentSnapshot{it->second}});
}

}  // namespace tandem::engine
