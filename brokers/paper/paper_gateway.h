// The Gateway for a paper account: the paper book behind the broker interface, so paper
// trading (the default for followers) runs through exactly the engine paths live trading
// does. Reference prices come from the owner (leader fills, ticks) through set_price();
// order updates are pushed to the subscriber as a broker's stream would push them.
// Thread-safety: one strand, the executor given.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <map>
#include <memory>

#include "brokers/gateway.h"
#include "brokers/paper/paper_book.h"

namespace tandem::brokers {

struct PaperAccount {
  PaperConfig fills;
  Funds funds;
  std::vector<domain::Instrument> instruments;
};

class PaperGateway final : public Gateway {
 public:
  using Clock = std::function<domain::TimeNs()>;
  PaperGateway(boost::asio::any_io_executor executor, PaperAccount account, Clock clock);

  // A new reference price: orders that can fill now do, and their updates are pushed.
  void set_price(const domain::InstrumentKey& instrument, int64_t price_paise);

  std::string_view broker() const override { return "paper"; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  boost::asio::awaitable<Result<Placement>> place(domain::OrderTerms order, domain::ClientTag tag,
                                                  PlaceOptions options) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> modify(domain::BrokerOrderId id,
                                                               domain::OrderTerms order) override;
  boost::asio::awaitable<Result<domain::BrokerOrderId>> cancel(domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> orders() override;
  boost::asio::awaitable<Result<std::vector<BrokerOrder>>> order_history(
      domain::BrokerOrderId id) override;
  boost::asio::awaitable<Result<std::vector<BrokerTrade>>> trades() override;
  boost::asio::awaitable<Result<std::vector<domain::BrokerPosition>>> positions() override;
  boost::asio::awaitable<Result<Funds>> funds() override;
  boost::asio::awaitable<Result<std::vector<domain::Instrument>>> instruments() override;
  void subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) override;
  void stop() override { on_order_ = nullptr; }
  void set_access_token(std::string) override {}  // paper accounts have no token
  void restore_orders(const std::vector<BrokerOrder>& orders) override;
  // Inspection, for tests: on the gateway's executor only.
  const PaperBook& book() const { return book_; }
  void reference_price(const domain::InstrumentKey& instrument, int64_t price_paise) override {
    set_price(instrument, price_paise);
  }

 private:
  // Fills what can fill now, pushes every changed order, and when orders wait out the
  // configured latency, comes back once it has passed.
  void advance();

  boost::asio::any_io_executor executor_;
  PaperAccount account_;
  Clock clock_;
  PaperBook book_;
  OnOrderUpdate on_order_;
  std::map<domain::BrokerOrderId, BrokerOrder> pushed_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // pending timers check it
};

}  // namespace tandem::brokers
