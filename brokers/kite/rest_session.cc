#include "brokers/kite/rest_session.h"

#include <boost/asio/use_awaitable.hpp>

#include "brokers/kite/parse.h"
#include "brokers/kite/requests.h"

namespace tandem::brokers::kite {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace d = ::tandem::domain;

RestSession::RestSession(asio::any_io_executor executor, net::HttpsClient& http,
                         Credentials credentials, RateLimiter& limiter, Clock clock,
                         int max_attempts)
    : executor_(std::move(executor)),
      credentials_(std::move(credentials)),
      caller_(http, limiter, std::move(clock), &parse_error, "kite", max_attempts) {}

void RestSession::set_access_token(std::string token) {
  credentials_.access_token = std::move(token);
  caller_.restart();
}

asio::awaitable<Result<std::string>> RestSession::call(net::HttpRequest request, bool order_call) {
  request.headers.emplace_back("X-Kite-Version", "3");
  request.headers.emplace_back("Authorization",
                               "token " + credentials_.api_key + ":" + credentials_.access_token);
  co_return co_await caller_.call(std::move(request), order_call);
}

asio::awaitable<Result<Placement>> RestSession::place(d::OrderTerms order, d::ClientTag tag,
                                                      PlaceOptions options) {
  const bool slice =
      options.freeze_unknown ||
      (options.freeze_quantity_units > 0 && order.quantity_units > options.freeze_quantity_units);
  net::HttpRequest r;
  r.method = http::verb::post;
  r.target = "/orders/regular";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = place_order_form(order, tag, -1, slice);
  r.on_written = std::move(options.on_sent);
  r.gate = std::move(options.gate);
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  co_return parse_placement(*body);
}

asio::awaitable<Result<d::BrokerOrderId>> RestSession::modify(d::BrokerOrderId id,
                                                              d::OrderTerms order) {
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

asio::awaitable<Result<std::vector<std::string>>> RestSession::exchanges() {
  net::HttpRequest r;
  r.target = "/user/profile";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_profile_exchanges(*body);
}

asio::awaitable<Result<AccountFacts>> RestSession::account_facts() {
  auto exchanges_now = co_await exchanges();
  if (!exchanges_now.ok()) co_return exchanges_now.status();
  AccountFacts facts;
  facts.segments = std::move(exchanges_now).value();
  facts.token_valid_until = "about 06:00 IST after the login (Kite's rule)";
  co_return facts;
}

void RestSession::subscribe(OnOrderUpdate, OnConnectionChange) {}  // REST only: no stream

}  // namespace tandem::brokers::kite
