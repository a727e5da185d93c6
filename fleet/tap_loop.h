// The tap's turn of work (`tandem tap`, and the fleet bench's tap): the leader's updates,
// handed over from its gateway's thread, journaled (synced), then published from the journal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "brokers/gateway.h"
#include "fleet/marks.h"
#include "fleet/tap.h"

namespace tandem::fleet {

// The tap with its cluster connection (the tap publishes through it: it goes last).
struct OpenTap {
  std::unique_ptr<JetStream> js;
  std::unique_ptr<Tap> tap;
};
// Connects to the cluster and opens the tap. A cluster not up yet (no node answers, or a new
// one electing its leader) is tried again every half second while `keep_waiting()` says so,
// and `waiting` hears the first such failure; any other failure is returned at once.
Result<OpenTap> open_tap_when_ready(journal::Store& store, const std::vector<std::string>& urls,
                                    const domain::LeaderConfigured& leader, int replicas,
                                    const std::function<domain::TimeNs()>& clock,
                                    const std::function<bool()>& keep_waiting,
                                    const std::function<void(const Status&)>& waiting);

// The leader's updates, from its gateway's thread to the tap's.
class TapInbox {
 public:
  void push(domain::LeaderOrderUpdate u);
  // What came, waiting up to `wait` for something.
  std::deque<domain::LeaderOrderUpdate> take(std::chrono::milliseconds wait);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<domain::LeaderOrderUpdate> updates_;  // GUARDED_BY(mu_)
};

// Subscribes the tap to its leader's order stream (call on the gateway's executor): each
// update with its id qualified by the leader's name, pushed to `inbox`; its instrument's
// prices published by `marks` (when given) from then on.
void subscribe_tap(brokers::Gateway& gateway, const domain::LeaderConfigured& leader,
                   std::function<domain::TimeNs()> clock, TapInbox& inbox,
                   brokers::OnConnectionChange on_connection, MarksPublisher* marks = nullptr);

// What the tap's loop tells as it goes.
struct TapHooks {
  // The first failure of each run of failed publishes.
  std::function<void(const Status&)> publish_failing = [](const Status&) {};
  // Each turn that took updates: the steady time spent journaling them (synced), then
  // publishing what the stream did not hold.
  std::function<void(std::chrono::nanoseconds journal, std::chrono::nanoseconds publish)> turn =
      [](auto, auto) {};
};

// Until `stop`: what came is journaled, then what the stream does not hold yet is published.
// A publish that fails (a node down, the stream electing a leader) is tried again at the next
// turn. Ends early only when the journal refuses a write, with its status (the next start's
// gap fill brings what the leader's broker holds).
Status journal_and_publish(Tap& tap, TapInbox& inbox, const std::function<domain::TimeNs()>& clock,
                           const std::atomic<bool>& stop, const TapHooks& hooks);

}  // namespace tandem::fleet
