// What a broker's Gateway owns beneath its RestSession, built before it (a base listed
// first): the account's settings, its HTTPS pool and its rate limiter. `Account` has `rest`
// (the target), `connections`, `deadline` and `limits` (KiteAccount, DhanAccount).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <utility>

#include "brokers/rate_limiter.h"
#include "net/https_client.h"

namespace tandem::brokers {

template <class Account>
struct AccountConnection {
  // `rest`: the pool the REST calls run on; by default verified TLS to `account.rest`.
  AccountConnection(boost::asio::any_io_executor executor, Account account,
                    std::unique_ptr<net::HttpsClient::Pool> rest)
      : account_(std::move(account)),
        http_(rest ? std::move(rest)
                   : net::tls_pool(std::move(executor), account_.rest, account_.connections,
                                   account_.deadline)),
        limiter_(account_.limits) {}

  Account account_;
  net::HttpsClient http_;
  RateLimiter limiter_;
};

}  // namespace tandem::brokers
