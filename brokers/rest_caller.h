// What every broker's REST session does around a call: order calls wait for the account's
// rate limiter; a rate-limited answer (not processed by the broker, so a retry cannot
// duplicate an order) is retried after the limiter's backoff; an authentication failure
// stops the session, reported once, until a new token is set. The broker-specific parts —
// headers and the error body — come in as functions. Thread-safety: one strand.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "brokers/broker_types.h"
#include "brokers/rate_limiter.h"
#include "net/https_client.h"

namespace tandem::brokers {

class RestCaller {
 public:
  using Clock = std::function<domain::TimeNs()>;
  using ParseError = BrokerError (*)(int http_status, std::string_view body);

  RestCaller(net::HttpsClient& http, RateLimiter& limiter, Clock clock, ParseError parse_error,
             std::string broker, int max_attempts);

  // The body of a 2xx answer; otherwise the broker's error as a Status (to_status), or the
  // transport's (outcome unknown). `request` already carries the broker's headers.
  boost::asio::awaitable<Result<std::string>> call(net::HttpRequest request, bool order_call);

  void restart() { stopped_status_ = Status(); }
  bool stopped() const { return !stopped_status_.ok(); }
  domain::TimeNs now() const { return clock_(); }

 private:
  net::HttpsClient& http_;
  RateLimiter& limiter_;
  Clock clock_;
  ParseError parse_error_;
  std::string broker_;
  int max_attempts_;
  Status stopped_status_;
};

}  // namespace tandem::brokers
