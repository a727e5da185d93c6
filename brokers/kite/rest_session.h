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
#include "brokers/gateway.h"
#include "brokers/kite/login.h"
#include "brokers/rate_limiter.h"
#include "brokers/rest_caller.h"
#include "net/https_client.h"

namespace tandem::brokers::kite {

struct Credentials {
  std::string api_key;
  std::string access_token;  // secret: never logged, never in an error message
};

// A Kite account's REST calls, as the Gateway they are: KiteGateway adds the order stream
// and the ticker on top. Used alone (tests, benchmarks), it has no stream: subscribe()
// reports nothing.
class RestSession : public Gateway {
 public:
  using Clock = std::function<domain::TimeNs()>;
  // Calls run on `executor`, the executor of `http`'s connections.
  RestSession(boost::asio::any_io_executor executor, net::HttpsClient& http,
              Credentials credentials, RateLimiter& limiter, Clock clock, int max_attempts = 5);

  std::string_view broker() const override { return "kite"; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  bool holds_at_gate() const override { return true; }  // the HTTPS request waits
  // Arguments are taken by value: these coroutines start lazily, after the caller's
  // temporaries are gone.
  // Above the freeze quantity the order goes with `autoslice=true`.
  boost::asio::awaitable<Result<Placement>> place(domain::OrderTerms order, domain::ClientTag tag,
                                                  PlaceOptions options = {}) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderTerms order) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() override;
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() override;
  boost::asio::awaitable<Result<Funds>> funds() override;
  // The profile's exchanges; the token's end is Kite's rule (brokers.md §1.3), and Kite has
  // no call that lists the registered static IP.
  boost::asio::awaitable<Result<AccountFacts>> account_facts() override;
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() override;
  // GET /user/profile: the exchanges the account may trade on.
  boost::asio::awaitable<Result<std::vector<std::string>>> exchanges();
  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override {}

  // A new token (after `tandem login kite`) starts the session again.
  void set_access_token(std::string token) override;
  bool stopped() const { return caller_.stopped(); }

 private:
  // Kite's headers on `request`, then the shared call discipline.
  boost::asio::awaitable<Result<std::string>> call(net::HttpRequest request, bool order_call);

  boost::asio::any_io_executor executor_;
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
