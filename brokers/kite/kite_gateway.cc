#include "brokers/kite/kite_gateway.h"

namespace tandem::brokers::kite {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

KiteGateway::KiteGateway(asio::any_io_executor executor, KiteAccount account,
                         RestSession::Clock clock, std::unique_ptr<net::HttpsClient::Pool> rest,
                         std::shared_ptr<net::MessageSocketConnector> sockets)
    : AccountConnection(executor, std::move(account), std::move(rest), std::move(sockets)),
      RestSession(executor, http_, account_.credentials, limiter_, std::move(clock)) {}

KiteGateway::~KiteGateway() { stop(); }

asio::awaitable<Status> KiteGateway::warm() { return http_.warm(account_.warm_connections); }

void KiteGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  if (stream_) stream_->stop();
  stream_ = std::make_unique<OrderStream>(executor(), sockets_, account_.credentials, *this,
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
  RestSession::set_access_token(std::move(token));
}

}  // namespace tandem::brokers::kite
