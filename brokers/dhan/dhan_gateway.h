// The Gateway for one DhanHQ v2 account: its REST calls (RestSession, over a warm HTTPS pool
// optionally bound to the account's registered static IP, order calls paced by the
// 10 orders/s limiter, the account's SecurityMap from the scrip master naming instruments as
// Dhan does), and the live order-update socket with gap fill. Reconciliation after a network error
// looks the order up by its correlationId (GET /orders/external/{id}). Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

#include "brokers/account_connection.h"
#include "brokers/dhan/order_stream.h"
#include "brokers/dhan/rest_session.h"
#include "brokers/gateway.h"
#include "brokers/rate_limiter.h"
#include "net/https_client.h"

namespace tandem::brokers::dhan {

struct DhanAccount {
  net::HttpsTarget rest;  // api.dhan.co:443; local_address = the registered static IP
  std::string rest_path = "/v2";
  net::HttpsTarget stream;  // api-order-update.dhan.co:443
  Credentials credentials;
  SecurityMap securities;
  RateLimits limits = RateLimits::dhan_orders();
  // The pool's bound (parallel order calls, e.g. a sliced order), and how many are opened
  // and handshaken ahead of need: one warm connection carries the usual one order per
  // leader update without a handshake; each costs ~90 KB of TLS state, which with a
  // thousand followers is what the engine's memory is made of.
  size_t connections = 4;
  size_t warm_connections = 1;
  std::chrono::milliseconds deadline{5000};
  brokers::StreamOptions stream_options;
};

class DhanGateway final : private AccountConnection<DhanAccount>, public RestSession {
 public:
  // `rest`: the pool its REST calls run on; by default verified TLS to `account.rest`.
  // `sockets`: where its order stream connects; by default WebSockets on verified TLS to
  // `account.stream`. The simulated shell's tests give scripted ones of both.
  DhanGateway(boost::asio::any_io_executor executor, DhanAccount account, RestSession::Clock clock,
              std::unique_ptr<net::HttpsClient::Pool> rest = nullptr,
              std::shared_ptr<net::MessageSocketConnector> sockets = nullptr);
  ~DhanGateway() override;

  boost::asio::awaitable<Status> warm() override;
  int stream_connects() const { return stream_ ? stream_->connects() : 0; }

  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override;
  void set_access_token(std::string token) override;

 private:
  std::unique_ptr<OrderStream> stream_;
};

}  // namespace tandem::brokers::dhan
