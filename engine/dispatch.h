// The dispatcher: what carries a follower account's orders from its send queue
// (send_queue.h) to its broker, on the account's broker thread. pump() starts what the
// queue lets go, each order through execute_intent() (intent_executor.h: the exactly-once
// rule), drops entries that waited past max_queue, and arms one timer for the oldest entry
// still waiting; every outcome goes to the engine's inbox as an OutcomeFact. No engine
// state: the engine queues, the broker thread pumps, the inbox answers.
//
// A place whose outcome is unknown (`network`: its sends and the lookups by tag failed)
// keeps its slot and is looked up again a few times before that is reported. Reported
// unknown, the engine keeps it unanswered and looks it up again later (unknown_places.h).
// Thread-safety: call on the queue's broker thread (`executor`).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "domain/orders/order_failure.h"
#include "engine/facts.h"
#include "engine/inbox.h"
#include "engine/send_queue.h"

namespace tandem::engine {

// How the dispatcher waits (the engine's settings, EngineSetup): an entry dropped after
// `max_queue` behind the rate limit (0: never); a place whose outcome is unknown looked up
// again by its tag after `look_again_after`, up to kLookAgain times, before it is reported
// unknown.
struct DispatchTimes {
  std::chrono::milliseconds max_queue{};
  std::chrono::milliseconds look_again_after{};
};
inline constexpr int kLookAgain = 3;

void pump(const std::shared_ptr<SendQueue>& queue, const boost::asio::any_io_executor& executor,
          const std::shared_ptr<Inbox<Fact>>& inbox, DispatchTimes times);

// The outcome of an order the engine did not send: `unsent` or `queue_timeout`.
OutcomeFact not_sent(QueuedOrder&& order, domain::OrderFailure error_class, std::string message);

}  // namespace tandem::engine
