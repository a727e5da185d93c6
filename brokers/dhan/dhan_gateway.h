// The Gateway for one DhanHQ v2 account: REST over a warm HTTPS pool (optionally bound to
// the account's registered static IP), order calls paced by the 10 orders/s limiter, the
// live order-update socket with gap fill, and the account's SecurityMap (from the scrip
// master) to name instruments as Dhan does. Reconciliation after a network error looks the
// order up by its correlationId (GET /orders/external/{id}). Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

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

class DhanGateway final : public Gateway {
 public:
  // `rest`: the pool its REST calls run on; by default verified TLS to `account.rest`
  // (the simulated shell's tests give one of scripted streams).
  DhanGateway(boost::asio::any_io_executor executor, DhanAccount account, RestSession::Clock clock,
              std::unique_ptr<net::HttpsClient::Pool> rest = nullptr);
  ~DhanGateway() override;

  boost::asio::awaitable<Status> warm() override;
  int stream_connects() const { return stream_ ? stream_->connects() : 0; }

  std::string_view broker() const override { return "dhan"; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  bool holds_at_gate() const override { return true; }  // the HTTPS request waits
  boost::asio::awaitable<Result<Placement>> place(domain::OrderRequest order, domain::ClientTag tag,
                                                  PlaceOptions options) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderRequest order) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() override;
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() override;
  boost::asio::awaitable<Result<Funds>> funds() override;
  // The profile's segments and token validity, and the static IPs from getIP.
  boost::asio::awaitable<Result<AccountFacts>> account_facts() override;
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() override;
  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override;
  void set_access_token(std::string token) override;

 private:
  boost::asio::any_io_executor executor_;
  DhanAccount account_;
  net::HttpsClient http_;
  RateLimiter limiter_;
  RestSession rest_;
  std::unique_ptr<OrderStream> stream_;
};

}  // namespace tandem::brokers::dhan
