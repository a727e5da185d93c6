// DhanHQ v2 over HTTPS (brokers.md §2.2, §2.4): JSON bodies carrying `dhanClientId`, headers
// `access-token` and `client-id`, bare replies, our client tag as `correlationId`, modify
// with the whole order quantity, the slicing endpoint above the freeze quantity; the shared
// call discipline (net/rest_caller.h): the account's rate limiter (10 orders/s since 2026),
// DH-904 retried after backoff, DH-901 stopping the session until a new token is set.
// Instruments go to Dhan as securityIds from the session's SecurityMap.
// Thread-safety: use from one strand, like its HttpsClient.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "brokers/broker_types.h"
#include "brokers/dhan/login.h"
#include "brokers/dhan/parse.h"
#include "brokers/dhan/requests.h"
#include "brokers/gateway.h"
#include "brokers/rest_caller.h"
#include "net/https_client.h"

namespace tandem::brokers::dhan {

struct Credentials {
  std::string client_id;     // dhanClientId
  std::string access_token;  // secret: never logged, never in an error message
};

// A Dhan account's REST calls, as the Gateway they are: DhanGateway adds the order-update
// socket on top. Used alone (`tandem login dhan`, benchmarks), it has no stream: subscribe()
// reports nothing.
class RestSession : public Gateway {
 public:
  using Clock = std::function<domain::TimeNs()>;
  // Calls run on `executor`, the executor of `http`'s connections. `path_prefix` is the
  // API's path ("/v2" on api.dhan.co).
  RestSession(boost::asio::any_io_executor executor, net::HttpsClient& http,
              Credentials credentials, RateLimiter& limiter, Clock clock, SecurityMap securities,
              std::string path_prefix = "/v2", int max_attempts = 5);

  std::string_view broker() const override { return "dhan"; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  bool holds_at_gate() const override { return true; }  // the HTTPS request waits
  // Arguments by value: these coroutines start lazily, after the caller's temporaries.
  boost::asio::awaitable<Result<Placement>> place(domain::OrderTerms order, domain::ClientTag tag,
                                                  PlaceOptions options = {}) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderTerms order) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() override;
  // Dhan keeps no per-order history: the order as it stands is its latest state.
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<BrokerOrder>> order(domain::BrokerOrderId id);
  // GET /orders/external/{correlationId}: not_found when Dhan has no such order.
  boost::asio::awaitable<Result<BrokerOrder>> order_by_tag(domain::ClientTag tag);
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() override;
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() override;
  boost::asio::awaitable<Result<Funds>> funds() override;
  // The profile's segments and token validity, and the static IPs from getIP.
  boost::asio::awaitable<Result<AccountFacts>> account_facts() override;
  // The account's SecurityMap's instruments (from the scrip master).
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() override;
  boost::asio::awaitable<Result<Profile>> profile();
  // GET /v2/ip/getIP: the static IPs order calls must come from.
  boost::asio::awaitable<Result<std::vector<std::string>>> registered_ips();
  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override {}

  void set_access_token(std::string token) override;
  bool stopped() const { return caller_.stopped(); }
  const SecurityMap& securities() const { return securities_; }

 private:
  boost::asio::awaitable<Result<std::string>> call(net::HttpRequest request, bool order_call);

  boost::asio::any_io_executor executor_;
  Credentials credentials_;
  SecurityMap securities_;
  std::string prefix_;
  brokers::RestCaller caller_;
};

// The API-key consent flow (brokers.md §2.3) on auth.dhan.co, headers app_id/app_secret:
// a consentAppId for the client, then, after the browser login, its access token. The
// secret and the token are never logged.
boost::asio::awaitable<Result<std::string>> generate_consent(net::HttpsClient& auth,
                                                             std::string app_id,
                                                             std::string app_secret,
                                                             std::string client_id);
boost::asio::awaitable<Result<ConsumedConsent>> consume_consent(net::HttpsClient& auth,
                                                                std::string app_id,
                                                                std::string app_secret,
                                                                std::string token_id);

}  // namespace tandem::brokers::dhan
