// The leader's market data, as the daily loss guard's marks (issue 26, the engine by job):
// ticks land in a box on the leader's thread, however fast they come, with one PricesFact
// at a time waiting in the inbox; the engine takes them on that fact, keeps the prices the
// journal does not have yet, and journals them as one PriceSnapshot at most every interval
// of the engine clock (EngineSetup::price_snapshot_interval), decided on like a leader update.
// Thread-safety: ticked() from any thread (the leader's); the rest on the engine's thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "brokers/gateway.h"
#include "copy/copy_state.h"
#include "engine/facts.h"
#include "engine/inbox.h"

namespace tandem::engine {

class PriceWatch {
 public:
  PriceWatch(domain::TimeNs interval_ns, std::shared_ptr<Inbox<Fact>> inbox);

  // Asks `leader` (on its executor, after its subscribe()) for the instruments' ticks.
  void watch(brokers::Gateway& leader, std::vector<domain::Instrument> instruments);
  // Any thread: the latest prices kept; a PricesFact pushed unless one already waits.
  void ticked(const std::vector<domain::InstrumentPrice>& prices) { ticked(box_, prices); }

  // On the PricesFact: the prices that ticked since, against the marks the state has; a
  // price back where the journal has it is no longer pending.
  void take(const domain::CopyState& state);
  // The pending prices as a snapshot stamped `now`, once the interval has passed since the
  // last one; nullopt when none is due. It is then no longer pending.
  std::optional<domain::PriceSnapshot> due(domain::TimeNs now);

 private:
  struct Box {
    std::mutex mu;
    std::map<domain::InstrumentKey, int64_t> latest;  // GUARDED_BY(mu)
    bool signalled = false;                           // a PricesFact is in the inbox
    std::shared_ptr<Inbox<Fact>> inbox;
  };
  // Shared with the leader's callback, which may outlive the engine.
  static void ticked(const std::shared_ptr<Box>& box,
                     const std::vector<domain::InstrumentPrice>& prices);

  const domain::TimeNs interval_ns_;
  std::shared_ptr<Box> box_;
  std::map<domain::InstrumentKey, int64_t> pending_;  // changed since the last snapshot
  domain::TimeNs snapshot_at_ = 0;
};

}  // namespace tandem::engine
