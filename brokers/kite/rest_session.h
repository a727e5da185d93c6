// Kite Connect v3 over HTTPS (brokers.md §1.2, §1.4): form bodies, `X-Kite-Version: 3`,
// `Authorization: token key:token`; order calls paced by the account's rate limiter, and a
// 429 retried after backoff (a 429 means the request was not processed, so a retry cannot
// duplicate an order). After a TokenException the session is stopped: the error is
// reported once and no further call reaches Kite until a new token is set.
// Thread-safety: use from one strand, like its HttpsClient.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "brokers/broker_types.h"
#include "brokers/kite/login.h"
#include "brokers/rate_limiter.h"
#include "brokers/rest_caller.h"
#include "net/https_client.h"

namespace tandem::brokers::kite {

struct Credentials {
  std::string api_key;
  std::string access_token;  // secret: never logged, never in an error message
};

class RestSession {
 public:
  using Clock = std::function<domain::TimeNs()>;
  RestSession(net::HttpsClient& http, Credentials credentials, RateLimiter& limiter, Clock clock,
              int max_attempts = 5);

  // Arguments are taken by value: these coroutines start lazily, after the caller's
  // temporaries are gone.
  // Above the freeze quantity the order goes with `autoslice=true`.
  boost::asio::awaitable<Result<Placement>> place(domain::OrderRequest order, domain::ClientTag tag,
                                                  PlaceOptions options = {});
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderRequest order);
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id);
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders();
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(domain::BrokerOrderId id);
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades();
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions();
  boost::asio::awaitable<Result<Funds>> funds();
  // GET /user/profile: the exchanges the account may trade on.
  boost::asio::awaitable<Result<std::vector<std::string>>> exchanges();
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments();

  // A new token (after `tandem login kite`) starts the session again.
  void set_access_token(std::string token);
  bool stopped() const { return caller_.stopped(); }

 private:
  // Kite's headers on `request`, then the shared call discipline.
  boost::asio::awaitable<Result<std::string>> call(net::HttpRequest request, bool order_call);

  Credentials credentials_;
  brokers::RestCaller caller_;
};

// The last step of Kite's login (brokers.md §1.3): trades a request_token for an access
// token. The secret only goes into the checksum; nothing here is logged.
boost::asio::awaitable<Result<SessionGrant>> exchange_request_token(net::HttpsClient& http,
                                                                    std::string api_key,
                                                                    std::string request_token,
                                                                    std::string api_secret);

}  // namespace tandem::brokers::kite
