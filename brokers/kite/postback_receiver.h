// Kite's HTTP postbacks (brokers.md §1.11), received: an endpoint that takes the JSON order
// Kite POSTs on a status change, verifies its checksum (SHA-256 of order_id +
// order_timestamp + api_secret) before anything is trusted, and hands the order on. A bad
// checksum is refused (403) and never delivered; a malformed body is 400. Postbacks cover
// only the app's own orders, so they complement the WebSocket for follower accounts; the
// leader is watched on the WebSocket. Serve it with net::HttpsServer behind the address
// registered with Kite. Thread-safety: the handler runs on the server's executor.
#pragma once

#include <functional>
#include <string>

#include "brokers/broker_types.h"
#include "net/https_server.h"

namespace tandem::brokers::kite {

struct PostbackCounts {
  int64_t accepted = 0;
  int64_t refused = 0;  // checksum failed or body malformed
};

// `on_order` receives each verified order; `counts` (optional) is updated as requests come.
[[nodiscard]] net::RequestHandler postback_handler(std::string api_secret,
                                                   std::function<void(const BrokerOrder&)> on_order,
                                                   PostbackCounts* counts = nullptr);

}  // namespace tandem::brokers::kite
