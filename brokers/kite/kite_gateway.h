// The Gateway for one Kite Connect v3 account: its REST calls (RestSession, over a warm
// HTTPS pool optionally bound to the account's registered static IP, order calls paced by
// the account's rate limiter), and the order-update WebSocket with gap fill and the ticker.
// Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <map>
#include <memory>

#include "brokers/account_connection.h"
#include "brokers/gateway.h"
#include "brokers/kite/order_stream.h"
#include "brokers/kite/rest_session.h"
#include "brokers/rate_limiter.h"
#include "net/https_client.h"

namespace tandem::brokers::kite {

struct KiteAccount {
  net::HttpsTarget rest;    // api.kite.trade:443; local_address = the registered static IP
  net::HttpsTarget stream;  // ws.kite.trade:443
  Credentials credentials;
  RateLimits limits = RateLimits::kite_orders();
  // The pool's bound (parallel order calls, e.g. a sliced order), and how many are opened
  // and handshaken ahead of need: one warm connection carries the usual one order per
  // leader update without a handshake; each costs ~90 KB of TLS state, which with a
  // thousand followers is what the engine's memory is made of.
  size_t connections = 4;
  size_t warm_connections = 1;
  std::chrono::milliseconds deadline{5000};
  StreamOptions stream_options;
};

class KiteGateway final : private AccountConnection<KiteAccount>, public RestSession {
 public:
  // `rest`: the pool its REST calls run on; by default verified TLS to `account.rest`.
  // `sockets`: where its order stream connects; by default WebSockets on verified TLS to
  // `account.stream`. The simulated shell's tests give scripted ones of both.
  KiteGateway(boost::asio::any_io_executor executor, KiteAccount account, RestSession::Clock clock,
              std::unique_ptr<net::HttpsClient::Pool> rest = nullptr,
              std::shared_ptr<net::MessageSocketConnector> sockets = nullptr);
  ~KiteGateway() override;

  // Opens and TLS-handshakes the pool ahead of need.
  boost::asio::awaitable<Status> warm() override;
  int stream_connects() const { return stream_ ? stream_->connects() : 0; }

  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override;
  bool watch_prices(std::vector<domain::Instrument> instruments, OnPrices on_prices) override;
  void set_access_token(std::string token) override;

 private:
  std::unique_ptr<OrderStream> stream_;
  void on_ticks(const std::vector<Tick>& ticks);
  std::map<uint32_t, domain::InstrumentKey> watched_;  // instrument token → our name
  OnPrices on_prices_;
};

}  // namespace tandem::brokers::kite
