// Why a follower order was not carried out: the one vocabulary of a failed order, from the
// broker's answer (brokers/: each dialect's errors are classed into it) through the engine
// (what it does about each) to the journal (FollowerOrderRejected, written by name) and the
// audit. A Status carries it between them (its code: failure_of() reads it back).
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::domain {

enum class OrderFailure : uint8_t {
  rate_limited = 0,     // the broker's rate limit (HTTP 429, Dhan DH-904): not processed
  unauthenticated = 1,  // the access token was refused: the account stops until a new one
  rejected = 2,         // the broker said no (order, margin, holding errors): final
  input = 3,            // our request was bad: a bug or bad data
  network = 4,          // the outcome is unknown: reconciled by tag before any retry
  broker_down = 5,      // the broker failed on its side
  unsent = 6,           // never sent: the engine stopped before its turn came
  queue_timeout = 7,    // an entry dropped after waiting past max_queue_ms behind the limit
};

// The names the journal writes ("rate_limited", …, "queue_timeout").
std::string_view to_string(OrderFailure failure);
std::optional<OrderFailure> order_failure_named(std::string_view name);

// The failure a broker call's Status stands for. Codes that no broker call returns count as
// `input` (a bug on our side).
[[nodiscard]] OrderFailure failure_of(const Status& status);
// A broker call's failure as a Status, whose code failure_of() reads back as `failure`.
// `unsent` and `queue_timeout` are the engine's own, never a call's: they read back as input.
[[nodiscard]] Status status_of(OrderFailure failure, std::string message);

// Whether a change to an order (a modify, a cancel) that failed so may not have reached the
// broker's book: not sent, not processed, or its outcome unknown. A refusal by the broker
// (rejected, input) stands, and so does a refused token (the account stops).
[[nodiscard]] bool change_may_not_have_taken(OrderFailure failure);

}  // namespace tandem::domain
