// Carrying one FollowerOrderIntent out at its broker, on the broker's strand, with the
// exactly-once rule (DESIGN.md invariant 2): a `network` error means the outcome is unknown,
// so before the same tag is sent again the broker's book is searched for it — found means
// the order exists (acknowledge it), absent means it never arrived (send it again, same
// tag). A lookup that fails leaves the outcome unknown (`network`): nothing is sent again.
// A modify or cancel with an unknown outcome is sent again unless the broker's order
// already shows it.
// Every other error is final and reported with its class.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "brokers/gateway.h"
#include "domain/events.h"

namespace tandem::engine {

struct IntentOutcome {
  std::optional<domain::BrokerOrderId> acked;                      // the broker's order id
  domain::OrderFailure error_class = domain::OrderFailure::input;  // when not acked
  std::string message;
  int attempts = 0;
  // `look_first`'s lookup failed, and its failure is the outcome: nothing was sent. The
  // caller knows whether an earlier send may have placed the order (then it is unknown).
  bool lookup_failed = false;
};

// `look_first`: search the book for the tag before the first send (after a restart, when
// an earlier run may have sent it).
boost::asio::awaitable<IntentOutcome> execute_intent(brokers::Gateway& gateway,
                                                     domain::FollowerOrderIntent intent,
                                                     brokers::PlaceOptions options,
                                                     bool look_first = false, int max_attempts = 3);

}  // namespace tandem::engine
