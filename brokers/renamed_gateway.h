// A gateway seen under another broker's instrument names. The engine names instruments as
// the leader's broker does; a follower on another broker (a Kite follower of a Dhan leader)
// trades the same contracts under its own names. This wrapper renames on the way in (orders
// sent) and on the way out (orders, trades, positions and stream updates received), so the
// engine only ever sees its own names. Names it has no mapping for pass unchanged.
// Thread-safety: as the wrapped gateway.
#pragma once

#include <map>
#include <memory>

#include "brokers/gateway.h"

namespace tandem::brokers {

// Engine name → the same contract's name on the broker, for every engine instrument the
// broker has (domain::same_contract).
[[nodiscard]] std::map<domain::InstrumentKey, domain::InstrumentKey> contract_names(
    const std::vector<domain::Instrument>& engine, const std::vector<domain::Instrument>& broker);

class RenamedGateway final : public Gateway {
 public:
  RenamedGateway(std::unique_ptr<Gateway> inner,
                 std::map<domain::InstrumentKey, domain::InstrumentKey> to_broker);

  std::string_view broker() const override { return inner_->broker(); }
  boost::asio::any_io_executor executor() const override { return inner_->executor(); }
  boost::asio::awaitable<Status> warm() override { return inner_->warm(); }
  bool holds_at_gate() const override { return inner_->holds_at_gate(); }
  boost::asio::awaitable<Result<Placement>> place(domain::OrderTerms order, domain::ClientTag tag,
                                                  PlaceOptions options) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderTerms order) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id) override {
    return inner_->cancel(std::move(id));
  }
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() override;
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() override;
  boost::asio::awaitable<Result<Funds>> funds() override { return inner_->funds(); }
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() override;
  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override { inner_->stop(); }
  void set_access_token(std::string token) override { inner_->set_access_token(std::move(token)); }
  void reference_price(const domain::InstrumentKey& instrument, int64_t price_paise) override;

 private:
  domain::InstrumentKey to_broker(const domain::InstrumentKey& key) const;
  domain::InstrumentKey to_engine(const domain::InstrumentKey& key) const;

  std::unique_ptr<Gateway> inner_;
  std::map<domain::InstrumentKey, domain::InstrumentKey> to_broker_;
  std::map<domain::InstrumentKey, domain::InstrumentKey> to_engine_;
};

}  // namespace tandem::brokers
