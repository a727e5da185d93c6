#include "brokers/kite/kite_gateway.h"

namespace tandem::brokers::kite {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

KiteGateway::KiteGateway(asio::any_io_executor executor, KiteAccount account,
                         RestSession::Clock clock, std::unique_ptr<net::HttpsClient::Pool> rest)
    : executor_(executor),
      account_(std::move(account)),
      http_(rest ? std::move(rest)
                 : net::tls_pool(executor, account_.rest, account_.connections, account_.deadline)),
      limiter_(account_.limits),
      rest_(http_, account_.credentials, limiter_, std::move(clock)) {}

KiteGateway::~KiteGateway() { stop(); }

asio::awaitable<Status> KiteGateway::warm() { return http_.warm(account_.warm_connections); }

asio::awaitable<Result<Placement>> KiteGateway::place(d::OrderRequest order, d::ClientTag tag,
                                                      PlaceOptions options) {
  return rest_.place(std::move(order), std::move(tag), options);
}

asio::awaitable<Result<d::BrokerOrderId>> KiteGateway::modify(d::BrokerOrderId id,
                                                              d::OrderRequest order) {
  return rest_.modify(std::move(id), std::move(order));
}

asio::awaitable<Result<d::BrokerOrderId>> KiteGateway::cancel(d::BrokerOrderId id) {
  return rest_.cancel(std::move(id));
}

asio::awaitable<Result<std::vector<BrokerOrder>>> KiteGateway::orders() { return rest_.orders(); }

asio::awaitable<Result<std::vector<BrokerOrder>>> KiteGateway::order_history(d::BrokerOrderId id) {
  return rest_.order_history(std::move(id));
}

asio::awaitable<Result<std::vector<BrokerTrade>>> KiteGateway::trades() { return rest_.trades(); }

asio::awaitable<Result<std::vector<d::BrokerPosition>>> KiteGateway::positions() {
  return rest_.positions();
}

asio::awaitable<Result<Funds>> KiteGateway::funds() { return rest_.funds(); }

asio::awaitable<Result<AccountFacts>> KiteGateway::account_facts() {
  auto exchanges = co_await rest_.exchanges();
  if (!exchanges.ok()) co_return exchanges.status();
  AccountFacts facts;
  facts.segments = std::move(exchanges).value();
  facts.token_valid_until = "about 06:00 IST after the login (Kite's rule)";
  co_return facts;
}

asio::awaitable<Result<std::vector<d::Instrument>>> KiteGateway::instruments() {
  return rest_.instruments();
}

void KiteGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  if (stream_) stream_->stop();
  stream_ = std::make_unique<OrderStream>(executor_, account_.stream, account_.credentials, rest_,
                                          account_.stream_options, std::move(on_order),
                                          std::move(on_connection));
  if (!watched_.empty()) {  // a new stream keeps the instruments watched on the last one
    std::vector<uint32_t> tokens;
    for (const auto& [token, key] : watched_) tokens.push_back(token);
    stream_->watch(tokens, [this](const std::vector<Tick>& ticks) { on_ticks(ticks); });
  }
  stream_->start();
}

bool KiteGateway::watch_prices(std::vector<d::Instrument> instruments, OnPrices on_prices) {
  if (!stream_) return false;
  on_prices_ = std::move(on_prices);
  std::vector<uint32_t> tokens;
  for (const auto& i : instruments) {
    if (i.kite_token == 0) continue;  // not a Kite instrument: nothing to subscribe
    watched_[i.kite_token] = i.key;
    tokens.push_back(i.kite_token);
  }
  stream_->watch(tokens, [this](const std::vector<Tick>& ticks) { on_ticks(ticks); });
  return true;
}

void KiteGateway::on_ticks(const std::vector<Tick>& ticks) {
  std::vector<d::InstrumentPrice> prices;
  for (const Tick& t : ticks) {
    const auto it = watched_.find(t.instrument_token);
    if (it != watched_.end() && t.last_price_paise > 0) {
      prices.push_back({it->second, t.last_price_paise});
    }
  }
  if (!prices.empty() && on_prices_) on_prices_(prices);
}

void KiteGateway::stop() {
  if (stream_) stream_->stop();
}

void KiteGateway::set_access_token(std::string token) {
  account_.credentials.access_token = token;
  if (stream_) stream_->set_access_token(token);
  rest_.set_access_token(std::move(token));
}

}  // namespace tandem::brokers::kite
