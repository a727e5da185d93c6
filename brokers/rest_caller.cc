#include "brokers/rest_caller.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "brokers/call_counters.h"
#include "domain/base/assert.h"

namespace tandem::brokers {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

RestCaller::RestCaller(net::HttpsClient& http, RateLimiter& limiter, Clock clock,
                       ParseError parse_error, std::string broker, int max_attempts)
    : http_(http),
      limiter_(limiter),
      clock_(std::move(clock)),
      parse_error_(parse_error),
      broker_(std::move(broker)),
      max_attempts_(max_attempts) {
  TANDEM_REQUIRE(max_attempts_ > 0, max_attempts_);
}

asio::awaitable<Result<std::string>> RestCaller::call(net::HttpRequest request, bool order_call) {
  if (!stopped_status_.ok()) co_return stopped_status_;  // reported once already: no hammering
  request.in_sequence = order_call;  // an account's orders leave in the order they were made
  for (int attempt = 1;; ++attempt) {
    // Only a rate-limited answer is sent again, and only while attempts are left.
    TANDEM_ASSERT(attempt <= max_attempts_, attempt, max_attempts_);
    if (order_call) {
      const d::TimeNs now = clock_();
      const d::TimeNs at = limiter_.reserve(now);
      if (at > now) {
        ++call_counters().rate_limit_waits;
        asio::steady_timer wait(co_await asio::this_coro::executor,
                                std::chrono::nanoseconds(at - now));
        co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
      }
    }
    Result<net::HttpResponse> response = co_await http_.request(request);
    if (!response.ok()) co_return response.status();  // transport: outcome unknown
    if (response->status >= 200 && response->status < 300) {
      if (order_call) limiter_.on_success();
      co_return std::move(response->body);
    }
    const BrokerError error = parse_error_(static_cast<int>(response->status), response->body);
    if (error.error_class == domain::OrderFailure::rate_limited)
      ++call_counters().rate_limited_answers;
    if (error.error_class == domain::OrderFailure::rate_limited && attempt < max_attempts_) {
      limiter_.on_rate_limited(clock_());
      continue;  // not processed by the broker: safe to send again
    }
    Status status = to_status(error, broker_);
    if (error.error_class == domain::OrderFailure::unauthenticated) stopped_status_ = status;
    co_return status;
  }
}

}  // namespace tandem::brokers
