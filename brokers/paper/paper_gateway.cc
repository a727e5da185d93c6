#include "brokers/paper/paper_gateway.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace tandem::brokers {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

PaperGateway::PaperGateway(asio::any_io_executor executor, PaperAccount account, Clock clock)
    : executor_(std::move(executor)),
      account_(std::move(account)),
      clock_(std::move(clock)),
      book_(account_.fills) {}

void PaperGateway::set_price(const d::InstrumentKey& instrument, int64_t price_paise) {
  book_.set_price(instrument, price_paise);
  advance();
}

void PaperGateway::advance() {
  book_.advance(clock_());
  bool waiting = false;
  for (const BrokerOrder& o : book_.order_book()) {
    if (!d::is_final(o.status)) waiting = true;
    auto& last = pushed_[o.order_id];
    if (last == o) continue;
    last = o;
    if (on_order_) on_order_(o, false);
  }
  const d::TimeNs wait = account_.fills.latency_ns + account_.fills.jitter_ns;
  if (waiting && wait > 0) {
    auto timer = std::make_shared<asio::steady_timer>(executor_, std::chrono::nanoseconds(wait));
    timer->async_wait([this, timer, alive = std::weak_ptr<int>(alive_)](auto ec) {
      if (!ec && !alive.expired() && on_order_) advance();
    });
  }
}

asio::awaitable<Result<Placement>> PaperGateway::place(d::OrderTerms order, d::ClientTag tag,
                                                       PlaceOptions options) {
  Placement p;
  if (options.freeze_quantity_units > 0 && order.quantity_units > options.freeze_quantity_units) {
    auto slices = book_.place_sliced(order, tag, options.freeze_quantity_units, clock_());
    if (!slices.ok()) co_return slices.status();
    p.order_id = slices->front().order_id;
    for (const BrokerOrder& s : *slices) p.slices.push_back(s.order_id);
  } else {
    auto placed = book_.place(order, tag, clock_());
    if (!placed.ok()) co_return placed.status();
    p.order_id = placed->order_id;
  }
  if (options.on_sent) options.on_sent();
  advance();
  co_return p;
}

asio::awaitable<Result<d::BrokerOrderId>> PaperGateway::modify(d::BrokerOrderId id,
                                                               d::OrderTerms order) {
  auto modified = book_.modify(id, order, clock_());
  if (!modified.ok()) co_return modified.status();
  advance();
  co_return id;
}

asio::awaitable<Result<d::BrokerOrderId>> PaperGateway::cancel(d::BrokerOrderId id) {
  auto cancelled = book_.cancel(id, clock_());
  if (!cancelled.ok()) co_return cancelled.status();
  advance();
  co_return id;
}

asio::awaitable<Result<std::vector<BrokerOrder>>> PaperGateway::orders() {
  co_return book_.order_book();
}

asio::awaitable<Result<std::vector<BrokerOrder>>> PaperGateway::order_history(d::BrokerOrderId id) {
  std::vector<BrokerOrder> history = book_.history_of(id);
  if (history.empty()) co_return Status(StatusCode::rejected, "paper: no order " + id.value);
  co_return history;
}

asio::awaitable<Result<std::vector<BrokerTrade>>> PaperGateway::trades() {
  co_return book_.trades();
}

asio::awaitable<Result<std::vector<d::BrokerPosition>>> PaperGateway::positions() {
  co_return book_.positions();
}

asio::awaitable<Result<Funds>> PaperGateway::funds() { co_return account_.funds; }

asio::awaitable<Result<std::vector<d::Instrument>>> PaperGateway::instruments() {
  co_return account_.instruments;
}

void PaperGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  on_order_ = std::move(on_order);
  // A paper account is always connected; say so once, as a broker stream would.
  asio::post(executor_, [on_connection = std::move(on_connection)] {
    if (on_connection) on_connection(true, Status());
  });
}

void PaperGateway::restore_orders(const std::vector<BrokerOrder>& orders) {
  const d::TimeNs now = clock_();
  for (const BrokerOrder& o : orders) {
    if (!book_.find_by_tag(d::ClientTag{o.tag})) book_.restore(o, now);
  }
}

}  // namespace tandem::brokers
