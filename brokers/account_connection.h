// What a broker's Gateway owns beneath its RestSession, built before it (a base listed
// first): the account's settings, its HTTPS pool, the connector of its order stream's
// sockets and its rate limiter. `Account` has `rest` and `stream` (the targets),
// `connections`, `deadline` and `limits` (KiteAccount, DhanAccount).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <utility>

#include "brokers/rate_limiter.h"
#include "net/https_client.h"
#include "net/message_socket.h"
#include "net/websocket_connector.h"

namespace tandem::brokers {

template <class Account>
struct AccountConnection {
  // `rest`: the pool the REST calls run on; by default verified TLS to `account.rest`.
  // `sockets`: where the order stream connects; by default WebSockets on verified TLS to
  // `account.stream`.
  AccountConnection(boost::asio::any_io_executor executor, Account account,
                    std::unique_ptr<net::HttpsClient::Pool> rest,
                    std::shared_ptr<net::MessageSocketConnector> sockets)
      : account_(std::move(account)),
        http_(
            rest ? std::move(rest)
                 : net::tls_pool(executor, account_.rest, account_.connections, account_.deadline)),
        sockets_(sockets ? std::move(sockets)
                         : net::websocket_connector(std::move(executor), account_.stream)),
        limiter_(account_.limits) {}

  Account account_;
  net::HttpsClient http_;
  std::shared_ptr<net::MessageSocketConnector> sockets_;
  RateLimiter limiter_;
};

}  // namespace tandem::brokers
