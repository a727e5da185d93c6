// The one interface the engine talks to, whatever the broker (DESIGN.md, Brokers): orders in
// domain terms, errors as Status values whose code is the class the engine acts on
// (domain::failure_of(), domain/orders/order_failure.h), and a stream of order updates. Leader and
// follower accounts alike. Implementations: KiteGateway (Kite Connect v3 over HTTPS), PaperGateway
// (paper trading). Thread-safety: every call and callback runs on the gateway's executor (one
// strand per account); the engine posts to it and gets facts back through the callbacks.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "brokers/broker_types.h"
#include "domain/base/status.h"
#include "domain/events.h"

namespace tandem::brokers {

// Every order update the account's stream reports, in the order received. `recovered`
// marks a state found by the gap fill after a reconnect rather than pushed live.
using OnOrderUpdate = std::function<void(const BrokerOrder& order, bool recovered)>;
// The stream connected (after every reconnect: the owner reconciles) or lost its link.
using OnConnectionChange = std::function<void(bool connected, const Status& why)>;
// Last traded prices from the broker's market data, as they arrive.
using OnPrices = std::function<void(const std::vector<domain::InstrumentPrice>& prices)>;

class Gateway {
 public:
  virtual ~Gateway() = default;

  virtual std::string_view broker() const = 0;  // "kite", "paper", ...
  // Where every call and callback of this gateway runs.
  virtual boost::asio::any_io_executor executor() const = 0;

  // Opens and handshakes connections ahead of need, so no order pays for it; a gateway
  // without connections (paper) is ready at once.
  virtual boost::asio::awaitable<Status> warm();

  // True when place() itself waits at `options.gate`, as late as it can: after building
  // the request, just before writing it. Otherwise the caller waits before calling.
  virtual bool holds_at_gate() const { return false; }

  // Arguments by value: the coroutines start lazily, after the caller's temporaries die.
  virtual boost::asio::awaitable<Result<Placement>> place(domain::OrderTerms order,
                                                          domain::ClientTag tag,
                                                          PlaceOptions options) = 0;
  virtual boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(
      domain::BrokerOrderId id, domain::OrderTerms order) = 0;
  virtual boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(
      domain::BrokerOrderId id) = 0;

  virtual boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() = 0;
  virtual boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() = 0;
  virtual boost::asio::awaitable<Result<Funds>> funds() = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() = 0;
  // The account's segments, token validity and registered static IPs, as far as the broker
  // tells them (`tandem check`); a broker that tells nothing answers them empty.
  virtual boost::asio::awaitable<Result<AccountFacts>> account_facts();

  // Starts the order-update stream; the callbacks run on the gateway's executor.
  virtual void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) = 0;
  virtual void stop() = 0;

  // Adds instruments to the account's market-data subscription (after subscribe()); their
  // prices go to on_prices. False when this gateway has no market data (Kite has: its
  // ticker shares the order stream's socket).
  virtual bool watch_prices(std::vector<domain::Instrument> instruments, OnPrices on_prices) {
    (void)instruments;
    (void)on_prices;
    return false;
  }

  // A new access token (after `tandem login`): a stopped account may start again.
  virtual void set_access_token(std::string token) = 0;

  // The leader's latest fill price of an instrument. A real broker has its own market and
  // ignores it; the paper broker fills against it.
  // Puts back the orders the journal says this account had (after a restart). Only a book
  // that lives in this process needs it (paper); a broker's own book is the last word.
  virtual void restore_orders(const std::vector<BrokerOrder>& orders) { (void)orders; }
  virtual void reference_price(const domain::InstrumentKey& instrument, int64_t price_paise) {
    (void)instrument;
    (void)price_paise;
  }
};

// Reconciliation after an unknown outcome (a `network` error): the orders the broker holds
// with this tag — none means the request never arrived and the same tag may be sent again.
boost::asio::awaitable<Result<std::vector<BrokerOrder>>> find_by_tag(Gateway& gateway,
                                                                     domain::ClientTag tag);

// The leader's account as the engine's input: every order its stream reports (live, or found
// by the gap fill: `recovered`) handed on as a domain LeaderOrderUpdate, stamped with
// `clock`'s time of receipt, with the digest of the frame it came in (taken by the codec).
// Call on the gateway's executor; the handlers run there.
using OnLeaderUpdate = std::function<void(domain::LeaderOrderUpdate update)>;
void subscribe_leader(Gateway& gateway, std::function<domain::TimeNs()> clock,
                      OnLeaderUpdate on_update, OnConnectionChange on_connection);

// A follower's order stream in the domain's terms: each reported order handed on as a
// FollowerOrderReport of `follower`. Call on the gateway's executor; the handler runs there.
using OnFollowerReport = std::function<void(domain::FollowerOrderReport report)>;
void subscribe_follower(Gateway& gateway, domain::FollowerId follower, OnFollowerReport on_report);

// Stops the gateway on its own executor and waits until it has: for an owner, on another
// thread, before the gateway's broker thread ends. Never from that executor itself.
void stop_and_wait(Gateway& gateway);

}  // namespace tandem::brokers
