#include "brokers/dhan/rest_session.h"

#include <boost/asio/use_awaitable.hpp>

namespace tandem::brokers::dhan {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace d = ::tandem::domain;

RestSession::RestSession(asio::any_io_executor executor, net::HttpsClient& http,
                         Credentials credentials, RateLimiter& limiter, Clock clock,
                         SecurityMap securities, std::string path_prefix, int max_attempts)
    : executor_(std::move(executor)),
      credentials_(std::move(credentials)),
      securities_(std::move(securities)),
      prefix_(std::move(path_prefix)),
      caller_(http, limiter, std::move(clock), &parse_error, "dhan", max_attempts) {}

void RestSession::set_access_token(std::string token) {
  credentials_.access_token = std::move(token);
  caller_.restart();
}

void RestSession::subscribe(OnOrderUpdate, OnConnectionChange) {}  // REST only: no stream

asio::awaitable<Result<std::vector<BrokerOrder>>> RestSession::order_history(d::BrokerOrderId id) {
  auto now = co_await order(std::move(id));
  if (!now.ok()) co_return now.status();
  co_return std::vector<BrokerOrder>{std::move(now).value()};
}

asio::awaitable<Result<AccountFacts>> RestSession::account_facts() {
  auto account = co_await profile();
  if (!account.ok()) co_return account.status();
  auto ips = co_await registered_ips();
  if (!ips.ok()) co_return ips.status();
  AccountFacts facts;
  facts.segments = std::move(account->segments);
  facts.token_valid_until = std::move(account->token_validity);
  facts.registered_ips = std::move(ips).value();
  co_return facts;
}

asio::awaitable<Result<std::vector<d::Instrument>>> RestSession::instruments() {
  co_return securities_.instruments();
}

asio::awaitable<Result<std::string>> RestSession::call(net::HttpRequest request, bool order_call) {
  request.target = prefix_ + request.target;
  request.headers.emplace_back("access-token", credentials_.access_token);
  request.headers.emplace_back("client-id", credentials_.client_id);
  request.headers.emplace_back("Accept", "application/json");
  if (!request.body.empty()) request.content_type = "application/json";
  co_return co_await caller_.call(std::move(request), order_call);
}

asio::awaitable<Result<Placement>> RestSession::place(d::OrderTerms order, d::ClientTag tag,
                                                      PlaceOptions options) {
  const d::Instrument* instrument = securities_.by_key(order.instrument);
  if (instrument == nullptr) {
    co_return Status::invalid_argument("dhan: no securityId for " + d::to_text(order.instrument) +
                                       " in the scrip master");
  }
  const bool slice =
      options.freeze_unknown ||
      (options.freeze_quantity_units > 0 && order.quantity_units > options.freeze_quantity_units);
  net::HttpRequest r;
  r.method = http::verb::post;
  r.target = slice ? "/orders/slicing" : "/orders";
  // A named target, not a braced temporary: GCC 12 mishandles those inside coroutines.
  OrderTarget target;
  target.client_id = credentials_.client_id;
  target.security_id = instrument->dhan_security_id;
  target.exchange = order.instrument.exchange;
  r.body = place_order_json(order, target, tag.value);
  r.on_written = std::move(options.on_sent);
  r.gate = std::move(options.gate);
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  if (slice) co_return parse_slices(*body);
  auto ack = parse_order_ack(*body);
  if (!ack.ok()) co_return ack.status();
  Placement p;
  p.order_id = ack->order_id;
  co_return p;
}

asio::awaitable<Result<d::BrokerOrderId>> RestSession::modify(d::BrokerOrderId id,
                                                              d::OrderTerms order) {
  net::HttpRequest r;
  r.method = http::verb::put;
  r.target = "/orders/" + id.value;
  r.body = modify_order_json(order, credentials_.client_id, id);
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  auto ack = parse_order_ack(*body);
  if (!ack.ok()) co_return ack.status();
  co_return ack->order_id;
}

asio::awaitable<Result<d::BrokerOrderId>> RestSession::cancel(d::BrokerOrderId id) {
  net::HttpRequest r;
  r.method = http::verb::delete_;
  r.target = "/orders/" + id.value;
  auto body = co_await call(std::move(r), true);
  if (!body.ok()) co_return body.status();
  auto ack = parse_order_ack(*body);
  if (!ack.ok()) co_return ack.status();
  co_return ack->order_id;
}

asio::awaitable<Result<std::vector<BrokerOrder>>> RestSession::orders() {
  net::HttpRequest r;
  r.target = "/orders";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_orders(*body, securities_);
}

asio::awaitable<Result<BrokerOrder>> RestSession::order(d::BrokerOrderId id) {
  net::HttpRequest r;
  r.target = "/orders/" + id.value;
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_order(*body, securities_);
}

asio::awaitable<Result<BrokerOrder>> RestSession::order_by_tag(d::ClientTag tag) {
  net::HttpRequest r;
  r.target = "/orders/external/" + tag.value;
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_order(*body, securities_);
}

asio::awaitable<Result<std::vector<BrokerTrade>>> RestSession::trades() {
  net::HttpRequest r;
  r.target = "/trades";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_trades(*body, securities_);
}

asio::awaitable<Result<std::vector<d::BrokerPosition>>> RestSession::positions() {
  net::HttpRequest r;
  r.target = "/positions";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_positions(*body, securities_);
}

asio::awaitable<Result<Funds>> RestSession::funds() {
  net::HttpRequest r;
  r.target = "/fundlimit";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_fund_limit(*body);
}

asio::awaitable<Result<Profile>> RestSession::profile() {
  net::HttpRequest r;
  r.target = "/profile";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_profile(*body);
}

asio::awaitable<Result<std::vector<std::string>>> RestSession::registered_ips() {
  net::HttpRequest r;
  r.target = "/ip/getIP";
  auto body = co_await call(std::move(r), false);
  if (!body.ok()) co_return body.status();
  co_return parse_registered_ips(*body);
}

namespace {

asio::awaitable<Result<std::string>> auth_call(net::HttpsClient& auth, net::HttpRequest request,
                                               std::string app_id, std::string app_secret) {
  request.headers.emplace_back("app_id", std::move(app_id));
  request.headers.emplace_back("app_secret", std::move(app_secret));
  Result<net::HttpResponse> response = co_await auth.request(std::move(request));
  if (!response.ok()) co_return response.status();
  if (response->status < 200 || response->status >= 300) {
    co_return to_status(parse_error(static_cast<int>(response->status), response->body), "dhan");
  }
  co_return std::move(response->body);
}

}  // namespace

asio::awaitable<Result<std::string>> generate_consent(net::HttpsClient& auth, std::string app_id,
                                                      std::string app_secret,
                                                      std::string client_id) {
  net::HttpRequest r;
  r.method = http::verb::post;
  r.target = "/app/generate-consent?client_id=" + client_id;
  auto body = co_await auth_call(auth, std::move(r), std::move(app_id), std::move(app_secret));
  if (!body.ok()) co_return body.status();
  co_return parse_consent_id(*body);
}

asio::awaitable<Result<ConsumedConsent>> consume_consent(net::HttpsClient& auth, std::string app_id,
                                                         std::string app_secret,
                                                         std::string token_id) {
  net::HttpRequest r;
  r.target = "/app/consumeApp-consent?tokenId=" + token_id;
  auto body = co_await auth_call(auth, std::move(r), std::move(app_id), std::move(app_secret));
  if (!body.ok()) co_return body.status();
  co_return parse_consumed_consent(*body);
}

}  // namespace tandem::brokers::dhan
