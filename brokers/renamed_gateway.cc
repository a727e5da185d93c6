#include "brokers/renamed_gateway.h"

namespace tandem::brokers {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

std::map<d::InstrumentKey, d::InstrumentKey> contract_names(
    const std::vector<d::Instrument>& engine, const std::vector<d::Instrument>& broker) {
  std::map<d::InstrumentKey, d::InstrumentKey> out;
  std::map<d::InstrumentKey, const d::Instrument*> by_key;
  for (const auto& b : broker) by_key[b.key] = &b;
  for (const auto& e : engine) {
    if (by_key.contains(e.key)) {
      out[e.key] = e.key;
      continue;
    }
    for (const auto& b : broker) {
      if (d::same_contract(e, b)) {
        out[e.key] = b.key;
        break;
      }
    }
  }
  return out;
}

RenamedGateway::RenamedGateway(std::unique_ptr<Gateway> inner,
                               std::map<d::InstrumentKey, d::InstrumentKey> to_broker)
    : inner_(std::move(inner)), to_broker_(std::move(to_broker)) {
  for (const auto& [engine, broker] : to_broker_) to_engine_[broker] = engine;
}

d::InstrumentKey RenamedGateway::to_broker(const d::InstrumentKey& key) const {
  const auto it = to_broker_.find(key);
  return it == to_broker_.end() ? key : it->second;
}

d::InstrumentKey RenamedGateway::to_engine(const d::InstrumentKey& key) const {
  const auto it = to_engine_.find(key);
  return it == to_engine_.end() ? key : it->second;
}

asio::awaitable<Result<Placement>> RenamedGateway::place(d::OrderTerms order, d::ClientTag tag,
                                                         PlaceOptions options) {
  order.instrument = to_broker(order.instrument);
  co_return co_await inner_->place(std::move(order), std::move(tag), options);
}

asio::awaitable<Result<d::BrokerOrderId>> RenamedGateway::modify(d::BrokerOrderId id,
                                                                 d::OrderTerms order) {
  order.instrument = to_broker(order.instrument);
  co_return co_await inner_->modify(std::move(id), std::move(order));
}

asio::awaitable<Result<std::vector<BrokerOrder>>> RenamedGateway::orders() {
  auto orders = co_await inner_->orders();
  if (orders.ok()) {
    for (auto& o : *orders) o.instrument = to_engine(o.instrument);
  }
  co_return orders;
}

asio::awaitable<Result<std::vector<BrokerOrder>>> RenamedGateway::order_history(
    d::BrokerOrderId id) {
  auto history = co_await inner_->order_history(std::move(id));
  if (history.ok()) {
    for (auto& o : *history) o.instrument = to_engine(o.instrument);
  }
  co_return history;
}

asio::awaitable<Result<std::vector<BrokerTrade>>> RenamedGateway::trades() {
  auto trades = co_await inner_->trades();
  if (trades.ok()) {
    for (auto& t : *trades) t.instrument = to_engine(t.instrument);
  }
  co_return trades;
}

asio::awaitable<Result<std::vector<d::BrokerPosition>>> RenamedGateway::positions() {
  auto positions = co_await inner_->positions();
  if (positions.ok()) {
    for (auto& p : *positions) p.instrument = to_engine(p.instrument);
  }
  co_return positions;
}

asio::awaitable<Result<std::vector<d::Instrument>>> RenamedGateway::instruments() {
  auto instruments = co_await inner_->instruments();
  if (instruments.ok()) {
    for (auto& i : *instruments) i.key = to_engine(i.key);
  }
  co_return instruments;
}

void RenamedGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  inner_->subscribe(
      [this, on_order = std::move(on_order)](const BrokerOrder& o, bool recovered) {
        BrokerOrder renamed = o;
        renamed.instrument = to_engine(o.instrument);
        on_order(renamed, recovered);
      },
      std::move(on_connection));
}

void RenamedGateway::reference_price(const d::InstrumentKey& instrument, int64_t price_paise) {
  inner_->reference_price(to_broker(instrument), price_paise);
}

}  // namespace tandem::brokers
