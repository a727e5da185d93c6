#include "brokers/order_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "brokers/seeded_random.h"
#include "net/tls_connect.h"

namespace tandem::brokers {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

struct OrderStream::Socket {
  std::shared_ptr<ssl::context> tls;  // outlives the stream that uses it
  std::unique_ptr<websocket::stream<net::TlsSocket>> ws;
  void close() {
    if (!ws) return;
    ws->next_layer().shutdown_and_close();
  }
};

OrderStream::OrderStream(asio::any_io_executor executor, net::HttpsTarget target,
                         StreamOptions options, StreamDialect dialect, OnOrder on_order,
                         OnConnection on_connection)
    : executor_(std::move(executor)),
      target_(std::move(target)),
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
asio::awaitable<void> OrderStream::write_queued(std::shared_ptr<Socket> socket) {
  while (!outbox_.empty() && socket == socket_ && connected_) {
    const std::string text = std::move(outbox_.front());
    outbox_.pop_front();
    socket->ws->text(true);
    auto [ec, n] = co_await socket->ws->async_write(asio::buffer(text), kUse);
    if (ec) break;
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
  auto socket = std::make_shared<Socket>();
  socket_ = socket;
  connected_ = false;
  auto tls = net::client_tls_context(target_.ca_pem);
  if (!tls.ok()) co_return tls.status();
  socket->tls = *tls;
  auto tls_stream =
      co_await net::connect_tls(executor_, *socket->tls, target_.host, target_.port, dialect_.name);
  if (!tls_stream.ok()) co_return tls_stream.status();
  auto fail = [&](const char* step, const boost::system::error_code& e) {
    return Status(StatusCode::disconnected,
                  dialect_.name + " " + target_.host + ": " + step + ": " + e.message());
  };
  socket->ws = std::make_unique<websocket::stream<net::TlsSocket>>(std::move(**tls_stream));
  auto& ws = *socket->ws;
  // The broker's heartbeats are the liveness signal where it sends them; otherwise Beast
  // pings at half the idle timeout and closes a socket that does not answer.
  websocket::stream_base::timeout timeouts{std::chrono::seconds(30), options_.liveness_timeout,
                                           !dialect_.broker_heartbeats};
  ws.set_option(timeouts);
  auto [wec] = co_await ws.async_handshake(target_.host, dialect_.path(), kUse);
  if (wec) co_return fail("WebSocket handshake", wec);
  if (const auto login = dialect_.login()) {
    ws.text(true);
    auto [lec, sent] = co_await ws.async_write(asio::buffer(*login), kUse);
    if (lec) co_return fail("login", lec);
  }
  if (dialect_.after_connect) {
    ws.text(true);
    for (const std::string& message : dialect_.after_connect()) {
      auto [sec, sent] = co_await ws.async_write(asio::buffer(message), kUse);
      if (sec) co_return fail("subscribe", sec);
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

  beast::flat_buffer buffer;
  for (;;) {
    auto [e, n] = co_await ws.async_read(buffer, kUse);
    if (e) {
      connected_ = false;
      co_return fail("read", e);
    }
    if (ws.got_text()) {
      if (const auto order = dialect_.read_text(beast::buffers_to_string(buffer.data()))) {
        emit(*order, false);
      }
    } else if (dialect_.read_binary) {
      const auto data = buffer.cdata();
      dialect_.read_binary({static_cast<const uint8_t*>(data.data()), data.size()});
    }
    buffer.consume(buffer.size());
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
