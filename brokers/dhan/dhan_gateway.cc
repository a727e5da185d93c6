#include "brokers/dhan/dhan_gateway.h"

namespace tandem::brokers::dhan {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

DhanGateway::DhanGateway(asio::any_io_executor executor, DhanAccount account,
                         RestSession::Clock clock, std::unique_ptr<net::HttpsClient::Pool> rest)
    : executor_(executor),
      account_(std::move(account)),
      http_(rest ? std::move(rest)
                 : net::tls_pool(executor, account_.rest, account_.connections, account_.deadline)),
      limiter_(account_.limits),
      rest_(http_, account_.credentials, limiter_, std::move(clock), account_.securities,
            account_.rest_path) {}

DhanGateway::~DhanGateway() { stop(); }

asio::awaitable<Status> DhanGateway::warm() { return http_.warm(account_.warm_connections); }

asio::awaitable<Result<Placement>> DhanGateway::place(d::OrderRequest order, d::ClientTag tag,
                                                      PlaceOptions options) {
  return rest_.place(std::move(order), std::move(tag), options);
}

asio::awaitable<Result<d::BrokerOrderId>> DhanGateway::modify(d::BrokerOrderId id,
                                                              d::OrderRequest order) {
  return rest_.modify(std::move(id), std::move(order));
}

asio::awaitable<Result<d::BrokerOrderId>> DhanGateway::cancel(d::BrokerOrderId id) {
  return rest_.cancel(std::move(id));
}

asio::awaitable<Result<std::vector<BrokerOrder>>> DhanGateway::orders() { return rest_.orders(); }

asio::awaitable<Result<std::vector<BrokerOrder>>> DhanGateway::order_history(d::BrokerOrderId id) {
  // Dhan keeps no per-order history: the order as it stands is its latest state.
  auto order = co_await rest_.order(std::move(id));
  if (!order.ok()) co_return order.status();
  co_return std::vector<BrokerOrder>{std::move(order).value()};
}

asio::awaitable<Result<std::vector<BrokerTrade>>> DhanGateway::trades() { return rest_.trades(); }

asio::awaitable<Result<std::vector<d::BrokerPosition>>> DhanGateway::positions() {
  return rest_.positions();
}

asio::awaitable<Result<Funds>> DhanGateway::funds() { return rest_.funds(); }

asio::awaitable<Result<AccountFacts>> DhanGateway::account_facts() {
  auto profile = co_await rest_.profile();
  if (!profile.ok()) co_return profile.status();
  auto ips = co_await rest_.registered_ips();
  if (!ips.ok()) co_return ips.status();
  AccountFacts facts;
  facts.segments = std::move(profile->segments);
  facts.token_valid_until = std::move(profile->token_validity);
  facts.registered_ips = std::move(ips).value();
  co_return facts;
}

asio::awaitable<Result<std::vector<d::Instrument>>> DhanGateway::instruments() {
  co_return account_.securities.instruments();
}

void DhanGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  if (stream_) stream_->stop();
  stream_ = std::make_unique<OrderStream>(executor_, account_.stream, account_.credentials, rest_,
                                          account_.stream_options, std::move(on_order),
                                          std::move(on_connection));
  stream_->start();
}

void DhanGateway::stop() {
  if (stream_) stream_->stop();
}

void DhanGateway::set_access_token(std::string token) {
  account_.credentials.access_token = token;
  if (stream_) stream_->set_access_token(token);
  rest_.set_access_token(std::move(token));
}

}  // namespace tandem::brokers::dhan
