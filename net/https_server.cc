// The only file that drives Beast as an HTTPS server; every call uses as_tuple, so no
// exception leaves it.
#include "net/https_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <optional>

#include "net/server_request.h"
#include "net/tls_connect.h"
#include "net/tls_socket.h"

namespace tandem::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

namespace {

namespace websocket = beast::websocket;

// The two streams a connection is served over: TlsSocket (the simulator's brokers: it holds
// no record buffers of its own, as on the engine's side, and costs less per message than
// Beast's ssl_stream) or plain TCP (the operator's dashboard on loopback). Both take
// deadlines the same way; their sockets are reached differently.
tcp::socket& socket_of(beast::tcp_stream& s) { return s.socket(); }
tcp::socket& socket_of(TlsSocket& s) { return s.next_layer(); }

// A WebSocket with a queue of frames to send and one writer coroutine draining it, over
// TLS (the simulator's brokers) or plain TCP (the operator's dashboard on loopback).
template <class Stream>
class WsConn : public WsConnection, public std::enable_shared_from_this<WsConn<Stream>> {
 public:
  using WsStream = websocket::stream<Stream>;
  WsConn(WsStream stream, asio::any_io_executor executor, std::chrono::milliseconds heartbeat)
      : ws_(std::move(stream)),
        wake_(executor, asio::steady_timer::time_point::max()),
        heartbeat_(heartbeat) {}

  void send_text(std::string text) override { push(std::move(text), false); }
  void send_binary(std::string bytes) override { push(std::move(bytes), true); }
  void close() override {
    open_ = false;
    boost::system::error_code ec;
    tcp::socket& socket = socket_of(ws_.next_layer());
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    wake_.cancel();
  }
  bool open() const override { return open_; }
  void heartbeat_by_ping(std::chrono::milliseconds every) override {
    pings_ = true;
    heartbeat_ = every;
  }
  void on_text(std::function<void(const std::string&)> handler) override {
    on_text_ = std::move(handler);
  }

  asio::awaitable<void> write_loop() {
    auto self = this->shared_from_this();
    while (open_) {
      if (queue_.empty()) {
        wake_.expires_after(heartbeat_.count() > 0 ? heartbeat_ : std::chrono::hours(24));
        auto [ec] = co_await wake_.async_wait(kUse);
        if (!open_) co_return;
        if (ec || !queue_.empty() || heartbeat_.count() == 0) continue;
        if (!pings_) {
          queue_.push_back({std::string(1, '\0'), true});
          continue;
        }
        auto [ping_ec] = co_await ws_.async_ping({}, kUse);
        if (ping_ec) {
          open_ = false;
          co_return;
        }
        continue;
      }
      auto [text, binary] = std::move(queue_.front());
      queue_.pop_front();
      ws_.binary(binary);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kUse);
      if (ec) {
        open_ = false;
        co_return;
      }
    }
  }

  asio::awaitable<void> read_loop() {
    auto self = this->shared_from_this();
    beast::flat_buffer buffer;
    while (open_) {
      auto [ec, n] = co_await ws_.async_read(buffer, kUse);
      if (ec) break;
      if (on_text_ && ws_.got_text()) on_text_(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());  // other client messages (Kite subscriptions) are unused
    }
    open_ = false;
    wake_.cancel();
  }

  WsStream& stream() { return ws_; }

 private:
  void push(std::string frame, bool binary) {
    if (!open_) return;
    queue_.push_back({std::move(frame), binary});
    wake_.cancel();
  }

  WsStream ws_;
  asio::steady_timer wake_;
  std::chrono::milliseconds heartbeat_;
  bool pings_ = false;  // heartbeats are WebSocket pings, not binary messages
  std::deque<std::pair<std::string, bool>> queue_;
  bool open_ = true;
  std::function<void(const std::string&)> on_text_;
};

}  // namespace

struct HttpsServer::Impl : std::enable_shared_from_this<Impl> {
  asio::any_io_executor executor;
  std::optional<ssl::context> tls;  // none: plain HTTP
  Status tls_status;
  RequestHandler handler;
  WsHandler ws_handler;
  std::chrono::milliseconds heartbeat{0};
  tcp::acceptor acceptor;
  bool stopped = false;

  Impl(asio::any_io_executor ex, const TlsIdentity* id, RequestHandler h)
      : executor(ex), handler(std::move(h)), acceptor(ex) {
    if (id == nullptr) return;
    tls.emplace(ssl::context::tls_server);
    boost::system::error_code ec;
    tls->use_certificate_chain(asio::buffer(id->cert_chain_pem), ec);
    if (!ec) tls->use_private_key(asio::buffer(id->private_key_pem), ssl::context::pem, ec);
    if (ec) tls_status = Status::invalid_argument("https server: TLS identity: " + ec.message());
    release_idle_buffers(*tls);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      auto [ec, socket] = co_await acceptor.async_accept(kUse);
      if (ec) {
        if (stopped || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
    }
  }

  template <class Stream>
  asio::awaitable<void> accept_websocket(Stream stream, http::request<http::string_body> req,
                                         const HttpRequest& request);

  asio::awaitable<void> serve(tcp::socket socket) {
    auto self = shared_from_this();
    boost::system::error_code nodelay_ec;  // small answers must not wait for Nagle
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    const auto peer = socket.remote_endpoint(nodelay_ec);
    const std::string remote_address = nodelay_ec ? std::string() : peer.address().to_string();
    if (!tls) {
      co_await serve_requests(beast::tcp_stream(std::move(socket)), remote_address);
      co_return;
    }
    TlsSocket stream(std::move(socket), *tls);
    stream.expires_after(std::chrono::seconds(30));
    auto [hec, unused] = co_await stream.async_accept_handshake(kUse);
    if (hec) co_return;
    co_await serve_requests(std::move(stream), remote_address);
  }

  // Keep-alive requests on one connection until it closes or upgrades to a WebSocket.
  template <class Stream>
  asio::awaitable<void> serve_requests(Stream stream, std::string remote_address) {
    beast::flat_buffer buffer;
    for (;;) {
      stream.expires_after(std::chrono::minutes(5));
      http::request<http::string_body> req;
      auto [rec, n] = co_await http::async_read(stream, buffer, req, kUse);
      if (rec) co_return;
      const bool upgrade = websocket::is_upgrade(req);
      HttpRequest request = request_from(req, remote_address);
      if (upgrade && ws_handler) {
        co_await accept_websocket(std::move(stream), std::move(req), request);
        co_return;
      }
      ServerReply reply = handler(request);
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(executor, reply.delay);
        co_await timer.async_wait(kUse);
      }
      if (reply.drop_connection) {
        boost::system::error_code ignored;
        socket_of(stream).close(ignored);
        co_return;
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.response.status),
                                            req.version()};
      res.set(http::field::server, "tandem");
      res.set(http::field::content_type, reply.content_type);
      res.set(http::field::cache_control, "no-store");
      if (!reply.response.location.empty()) {
        res.set(http::field::location, reply.response.location);
      }
      if (!reply.response.retry_after.empty()) {
        res.set(http::field::retry_after, reply.response.retry_after);
      }
      for (const auto& [name, value] : reply.headers) res.set(name, value);
      res.keep_alive(req.keep_alive());
      res.body() = std::move(reply.response.body);
      res.prepare_payload();
      auto [wec, w] = co_await http::async_write(stream, res, kUse);
      if (wec || !res.keep_alive()) co_return;
    }
  }
};

template <class Stream>
asio::awaitable<void> HttpsServer::Impl::accept_websocket(Stream stream,
                                                          http::request<http::string_body> req,
                                                          const HttpRequest& request) {
  stream.expires_never();
  using Conn = WsConn<Stream>;
  auto conn =
      std::make_shared<Conn>(typename Conn::WsStream(std::move(stream)), executor, heartbeat);
  conn->stream().set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  // Decided before the upgrade, as a broker does: a refused one is answered 403 and never
  // becomes a WebSocket (the client's handshake fails; no stream was ever up).
  if (!ws_handler(request, conn)) {
    http::response<http::string_body> res{http::status::forbidden, req.version()};
    res.set(http::field::server, "tandem");
    res.keep_alive(false);
    res.body() = "WebSocket refused";
    res.prepare_payload();
    co_await http::async_write(conn->stream().next_layer(), res, kUse);  // best effort
    co_return;
  }
  // A browser that offers subprotocols (the dashboard carries its token in one, as it cannot
  // set headers) fails a handshake that selects none: the first offered is selected.
  if (const auto offered = req[http::field::sec_websocket_protocol]; !offered.empty()) {
    std::string first(offered.substr(0, offered.find(',')));
    std::erase(first, ' ');
    conn->stream().set_option(
        websocket::stream_base::decorator([first](websocket::response_type& res) {
          res.set(http::field::sec_websocket_protocol, first);
        }));
  }
  auto [ec] = co_await conn->stream().async_accept(req, kUse);
  if (ec) {
    conn->close();
    co_return;
  }
  asio::co_spawn(executor, conn->write_loop(), asio::detached);
  co_await conn->read_loop();
}

void HttpsServer::on_websocket(WsHandler handler, std::chrono::milliseconds heartbeat_interval) {
  impl_->ws_handler = std::move(handler);
  impl_->heartbeat = heartbeat_interval;
}

HttpsServer::HttpsServer(asio::any_io_executor executor, const TlsIdentity& identity,
                         RequestHandler handler)
    : impl_(std::make_shared<Impl>(std::move(executor), &identity, std::move(handler))) {}

HttpsServer::HttpsServer(asio::any_io_executor executor, RequestHandler handler)
    : impl_(std::make_shared<Impl>(std::move(executor), nullptr, std::move(handler))) {}

HttpsServer::~HttpsServer() { stop(); }

Result<uint16_t> HttpsServer::listen(const std::string& address, uint16_t port) {
  Impl& m = *impl_;
  if (!m.tls_status.ok()) return m.tls_status;
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return Status::invalid_argument("https server: bad address " + address);
  const tcp::endpoint endpoint(ip, port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::io_error("https server: cannot listen on " + address + ":" +
                            std::to_string(port) + ": " + ec.message());
  }
  const uint16_t bound = m.acceptor.local_endpoint(ec).port();
  asio::co_spawn(m.executor, impl_->accept_loop(), asio::detached);
  return bound;
}

void HttpsServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

}  // namespace tandem::net
