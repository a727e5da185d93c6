#include "brokers/order_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "brokers/seeded_random.h"

namespace tandem::brokers {

namespace asio = boost::asio;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

OrderStream::OrderStream(asio::any_io_executor executor,
                         std::shared_ptr<net::MessageSocketConnector> connector,
                         StreamOptions options, StreamDialect dialect, OnOrder on_order,
                         OnConnection on_connection)
    : executor_(std::move(executor)),
      connector_(std::move(connector)),
      options_(options),
      dialect_(std::move(dialect)),
      on_order_(std::move(on_order)),
      on_connection_(std::move(on_connection)),
      rng_(options.jitter_seed) {}

OrderStream::~OrderStream() { stop(); }

void OrderStream::start() { asio::co_spawn(executor_, run(), asio::detached); }

void OrderStream::send_text(std::string text) {
  outbox_.push_back(std::move(text));
  write_outbox();
}

void OrderStream::write_outbox() {
  if (!connected_ || writing_ || outbox_.empty()) return;
  writing_ = true;
  asio::co_spawn(executor_, write_queued(socket_), asio::detached);
}

// Beast allows one write beside the pending read: the queue keeps writes one at a time. A
// message is dropped once written, or when the socket fails (the next connect's
// after_connect messages carry what it said).
asio::awaitable<void> OrderStream::write_queued(std::shared_ptr<net::MessageSocket> socket) {
  while (!outbox_.empty() && socket == socket_ && connected_) {
    const std::string text = std::move(outbox_.front());
    outbox_.pop_front();
    if (co_await socket->write_text(text)) break;
  }
  writing_ = false;
  write_outbox();  // queued meanwhile for a socket that connected since
}

void OrderStream::stop() {
  stopped_ = true;
  if (socket_) socket_->close();
  if (backoff_ != nullptr) backoff_->cancel();
}

void OrderStream::emit(const BrokerOrder& o, bool recovered) {
  auto state = std::make_tuple(o.status, o.filled_units, o.quantity_units, o.price_paise,
                               o.trigger_price_paise, o.average_price_paise);
  auto [it, inserted] = seen_.try_emplace(o.order_id, state);
  if (!inserted) {
    if (it->second == state) return;  // this state was emitted already
    it->second = state;
  }
  on_order_(o, recovered);
}

asio::awaitable<Status> OrderStream::connect_and_read() {
  connected_ = false;
  socket_.reset();
  auto opened = co_await connector_->connect(
      dialect_.name, dialect_.path(), {options_.liveness_timeout, dialect_.broker_heartbeats});
  if (!opened.ok()) co_return opened.status();
  std::shared_ptr<net::MessageSocket> socket = std::move(opened).value();
  socket_ = socket;
  auto fail = [&](const char* step, const boost::system::error_code& e) {
    return Status(StatusCode::disconnected,
                  dialect_.name + " " + connector_->host() + ": " + step + ": " + e.message());
  };
  if (stopped_) {  // stop() came while it connected: nothing to close then
    socket->close();
    co_return fail("stopped", asio::error::operation_aborted);
  }
  if (const auto login = dialect_.login()) {
    if (const auto ec = co_await socket->write_text(*login)) co_return fail("login", ec);
  }
  if (dialect_.after_connect) {
    for (const std::string& message : dialect_.after_connect()) {
      if (const auto ec = co_await socket->write_text(message)) co_return fail("subscribe", ec);
    }
  }
  ++connects_;
  connected_ = true;
  write_outbox();  // queued while it connected (harmless if after_connect said it already)
  on_connection_(true, Status());

  // Gap fill: subscribed first, so nothing falls between the book and the stream.
  auto book = co_await dialect_.order_book();
  if (!book.ok()) {
    connected_ = false;
    socket->close();
    co_return book.status();
  }
  for (const BrokerOrder& o : *book) emit(o, true);

  net::SocketMessage message;
  for (;;) {
    if (const auto ec = co_await socket->read(message)) {
      connected_ = false;
      co_return fail("read", ec);
    }
    on_message(message);
  }
}

void OrderStream::on_message(const net::SocketMessage& message) {
  if (message.text) {
    if (const auto order = dialect_.read_text(message.bytes)) emit(*order, false);
  } else if (dialect_.read_binary) {
    dialect_.read_binary(
        {reinterpret_cast<const uint8_t*>(message.bytes.data()), message.bytes.size()});
  }
}

asio::awaitable<void> OrderStream::run() {
  int failures = 0;
  auto backoff = options_.backoff_first;
  while (!stopped_) {
    const int before = connects_;
    Status why = co_await connect_and_read();
    if (stopped_) break;
    if (connects_ > before) {
      on_connection_(false, why);
      failures = 0;
      backoff = options_.backoff_first;
    }
    if (++failures > options_.max_attempts) {
      on_connection_(false, Status(StatusCode::disconnected,
                                   dialect_.name + ": giving up after " +
                                       std::to_string(options_.max_attempts) + " attempts"));
      break;
    }
    // Exponential backoff with up to 50% jitter from the seeded generator.
    const auto jitter = std::chrono::milliseconds(
        static_cast<int64_t>(next_draw(rng_, static_cast<uint64_t>(backoff.count() / 2))));
    asio::steady_timer wait(executor_, backoff + jitter);
    backoff_ = &wait;
    co_await wait.async_wait(kUse);
    backoff_ = nullptr;
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

}  // namespace tandem::brokers
