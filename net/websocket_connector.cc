#include "net/websocket_connector.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "net/tls_connect.h"

namespace tandem::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

class TlsWebSocket final : public MessageSocket {
 public:
  TlsWebSocket(std::shared_ptr<asio::ssl::context> tls, TlsSocket socket)
      : tls_(std::move(tls)), ws_(std::move(socket)) {}

  // The broker's heartbeats prove liveness where it sends them; otherwise Beast pings at
  // half the idle timeout and closes a socket that does not answer.
  asio::awaitable<boost::system::error_code> handshake(const std::string& host,
                                                       const std::string& path,
                                                       const Liveness& liveness) {
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(30), liveness.timeout,
                                                   !liveness.peer_heartbeats});
    auto [ec] = co_await ws_.async_handshake(host, path, kUse);
    co_return ec;
  }

  asio::awaitable<boost::system::error_code> write_text(std::string_view text) override {
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text.data(), text.size()), kUse);
    co_return ec;
  }

  asio::awaitable<boost::system::error_code> read(SocketMessage& message) override {
    buffer_.consume(buffer_.size());
    auto [ec, n] = co_await ws_.async_read(buffer_, kUse);
    if (ec) co_return ec;
    message.text = ws_.got_text();
    const auto data = buffer_.cdata();
    message.bytes.assign(static_cast<const char*>(data.data()), data.size());
    co_return ec;
  }

  void close() override { ws_.next_layer().shutdown_and_close(); }

 private:
  std::shared_ptr<asio::ssl::context> tls_;  // outlives the stream that uses it
  websocket::stream<TlsSocket> ws_;
  beast::flat_buffer buffer_;
};

class WebSocketConnector final : public MessageSocketConnector {
 public:
  WebSocketConnector(asio::any_io_executor executor, HttpsTarget target)
      : executor_(std::move(executor)), target_(std::move(target)) {}

  asio::awaitable<Result<std::unique_ptr<MessageSocket>>> connect(std::string what,
                                                                  std::string path,
                                                                  Liveness liveness) override {
    auto tls = client_tls_context(target_.ca_pem);
    if (!tls.ok()) co_return tls.status();
    auto tcp = co_await connect_tls(executor_, **tls, target_.host, target_.port, what);
    if (!tcp.ok()) co_return tcp.status();
    auto socket = std::make_unique<TlsWebSocket>(*tls, std::move(**tcp));
    if (const auto ec = co_await socket->handshake(target_.host, path, liveness)) {
      co_return Status(StatusCode::disconnected,
                       what + " " + target_.host + ": WebSocket handshake: " + ec.message());
    }
    co_return std::unique_ptr<MessageSocket>(std::move(socket));
  }

  const std::string& host() const override { return target_.host; }

 private:
  asio::any_io_executor executor_;
  HttpsTarget target_;
};

}  // namespace

std::shared_ptr<MessageSocketConnector> websocket_connector(asio::any_io_executor executor,
                                                            HttpsTarget target) {
  return std::make_shared<WebSocketConnector>(std::move(executor), std::move(target));
}

}  // namespace tandem::net
