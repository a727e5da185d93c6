// What reaches the engine's thread through its inbox (inbox.h), from the broker threads, the
// operator and the engine itself: one fact per thing that happened, handled in arrival
// order by Engine::handle_fact. Thread-safety: values, moved between threads by the inbox.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "domain/events.h"
#include "domain/orders/order_failure.h"
#include "domain/orders/order_report.h"
#include "engine/operator_view.h"

namespace tandem::engine {

// A leader order update as its gateway reported it (brokers::subscribe_leader), received at
// `received_steady` in real time (for the latency figures).
struct LeaderFact {
  domain::LeaderOrderUpdate update;
  std::chrono::steady_clock::time_point received_steady;
  // An update from a feed (brokers/leader_feed.h): called once it is durable in the journal,
  // or found to be nothing new; never when the journal refused it.
  std::function<void()> durable;
};
struct OutcomeFact {
  domain::FollowerOrderIntent intent;
  domain::BrokerOrderId acked;
  domain::OrderFailure error_class = domain::OrderFailure::input;  // when not acked
  std::string message;
  std::optional<std::chrono::steady_clock::time_point> leader_received;  // none: reconcile
  std::optional<std::chrono::steady_clock::time_point> sent;  // a place written to its broker
};
// A follower's order as its gateway reported it (brokers::subscribe_follower).
struct FollowerFact {
  domain::FollowerOrderReport report;
};
struct ConnectionFact {
  domain::AccountId account;
  bool connected = false;
  std::string detail;
};
struct FundsFact {
  domain::AccountId account;
  int64_t available_paise = 0;
};
// Ticks arrived: the latest prices wait in prices_ (one fact however many ticks come).
struct PricesFact {};
// After the leader's book of the day, read at start because orders were found at follower
// brokers under tags the journal lost: the found orders not journaled yet (broker_books.cc).
struct FoundFact {};
struct StopFact {};
struct OperatorFact {
  OperatorCommand command;
  std::shared_ptr<std::promise<Result<CommandDone>>> done;
};
using Fact = std::variant<LeaderFact, OutcomeFact, FollowerFact, ConnectionFact, FundsFact,
                          StopFact, OperatorFact, PricesFact, FoundFact>;

}  // namespace tandem::engine
