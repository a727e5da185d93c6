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
#include "brokers/rest_caller.h"
#include "net/https_client.h"

namespace tandem::brokers::dhan {

struct Credentials {
  std::string client_id;     // dhanClientId
  std::string access_token;  // secret: never logged, never in an error message
};

class RestSession {
 public:
  using Clock = std::function<domain::TimeNs()>;
  // `path_prefix` is the API's path ("/v2" on api.dhan.co).
  RestSession(net::HttpsClient& http, Credentials credentials, RateLimiter& limiter, Clock clock,
              SecurityMap securities, std::string path_prefix = "/v2", int max_attempts = 5);

  // Arguments by value: these coroutines start lazily, after the caller's temporaries.
  boost::asio::awaitable<Result<Placement>> place(domain::OrderRequest order, domain::ClientTag tag,
                                                  PlaceOptions options = {});
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderRequest order);
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id);
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders();
  boost::asio::awaitable<Result<BrokerOrder>> order(domain::BrokerOrderId id);
  // GET /orders/external/{correlationId}: not_found when Dhan has no such order.
  boost::asio::awaitable<Result<BrokerOrder>> order_by_tag(domain::ClientTag tag);
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades();
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions();
  boost::asio::awaitable<Result<Funds>> funds();
  boost::asio::awaitable<Result<Profile>> profile();
  // GET /v2/ip/getIP: the static IPs order calls must come from.
  boost::asio::awaitable<Result<std::vector<std::string>>> registered_ips();

  void set_access_token(std::string token);
  bool stopped() const { return caller_.stopped(); }
  const SecurityMap& securities() const { return securities_; }

 private:
  boost::asio::awaitable<Result<std::string>> call(net::HttpRequest request, bool order_call);

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
