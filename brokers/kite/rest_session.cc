#include "brokers/kite/rest_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "brokers/kite/codec.h"

namespace tandem::brokers::kite {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace d = ::tandem::domain;

RestSession::RestSession(net::HttpsClient& http, Credentials credentials, RateLimiter& limiter,
                         Clock clock, int max_attempts)
    : http_(http),
      credentials_(std::move(credentials)),
      limiter_(limiter),
      clock_(std::move(clock)),
      max_attempts_(max_attempts) {}

void RestSession::set_access_token(std::string token) {
  credentials_.access_token = std::move(token);
  stopped_status_ = Status();
}

asio::awaitable<Result<std::string>> RestSession::call(net::HttpRequest request, bool order_call) {
  if (!stopped_status_.ok()) co_return stopped_status_;  // reported once already: no hammering
  request.headers.emplace_back("X-Kite-Version", "3");
  request.headers.emplace_back("Authorization",
                               "token " + credentials_.api_key + ":" + credentials_.access_token);
  for (int attempt = 1;; ++attempt) {
    if (order_call) {
      const d::TimeNs now = clock_();
      const d::TimeNs at = limiter_.reserve(now);
      if (at > now) {
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
    const BrokerError error = parse_error(static_cast<int>(response->status), response->body);
    if (error.error_class == ErrorClass::rate_limited && attempt < max_attempts_) {
      limiter_.on_rate_limited(clock_());
      continue;  // not processed by Kite: safe to send again
    }
    Status status = to_status(error, "kite");
    if (error.error_class == ErrorClass::unauthenticated) stopped_status_ = status;
    co_return status;
  }
}

asio::awaitable<Result<Placement>> RestSession::place(d::OrderRequest order, d::ClientTag tag,
                                                      PlaceOptions options) {
  const bool slice =
      options.freeze_quantity_units > 0 && order.quantity_units > options.freeze_quantity_units;
  net::HttpRequest r;
  r.method = http::verb::post;
  r.target = "/orders/regular";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = place_order_form(order, tag, -1, slice);
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  co_return parse_placement(*body);
}

asio::awaitable<Result<d::BrokerOrderId>> RestSession::modify(d::BrokerOrderId id,
                                                              d::OrderRequest order) {
  net::HttpRequest r;
  r.method = http::verb::put;
  r.target = "/orders/regular/" + id.value;
  r.content_type = "application/x-www-form-urlencoded";
  r.body = modify_order_form(order);
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  co_return parse_order_id(*body);
}

asio::awaitable<Result<d::BrokerOrderId>> RestSession::cancel(d::BrokerOrderId id) {
  net::HttpRequest r;
  r.method = http::verb::delete_;
  r.target = "/orders/regular/" + id.value;
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  co_return parse_order_id(*body);
}

asio::awaitable<Result<std::vector<BrokerOrder>>> RestSession::orders() {
  net::HttpRequest r;
  r.target = "/orders";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_orders(*body);
}

asio::awaitable<Result<std::vector<BrokerOrder>>> RestSession::order_history(d::BrokerOrderId id) {
  net::HttpRequest r;
  r.target = "/orders/" + id.value;
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_orders(*body);
}

asio::awaitable<Result<std::vector<BrokerTrade>>> RestSession::trades() {
  net::HttpRequest r;
  r.target = "/trades";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_trades(*body);
}

asio::awaitable<Result<std::vector<d::BrokerPosition>>> RestSession::positions() {
  net::HttpRequest r;
  r.target = "/portfolio/positions";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_positions(*body);
}

asio::awaitable<Result<std::vector<d::Instrument>>> RestSession::instruments() {
  net::HttpRequest r;
  r.target = "/instruments";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_instruments(*body);
}

asio::awaitable<Result<SessionGrant>> exchange_request_token(net::HttpsClient& http,
                                                             std::string api_key,
                                                             std::string request_token,
                                                             std::string api_secret) {
  net::HttpRequest r;
  r.method = http::verb::post;
  r.target = "/session/token";
  r.content_type = "application/x-www-form-urlencoded";
  r.headers.emplace_back("X-Kite-Version", "3");
  r.body = session_token_form(api_key, request_token, api_secret);
  Result<net::HttpResponse> response = co_await http.request(std::move(r));
  if (!response.ok()) co_return response.status();
  if (response->status < 200 || response->status >= 300) {
    co_return to_status(parse_error(static_cast<int>(response->status), response->body), "kite");
  }
  co_return parse_session(response->body);
}

asio::awaitable<Result<Funds>> RestSession::funds() {
  net::HttpRequest r;
  r.target = "/user/margins";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_margins(*body);
}

}  // namespace tandem::brokers::kite
