// A small HTTPS/1.1 server on Boost.Beast for the broker simulator: TLS with a TlsIdentity,
// keep-alive, one coroutine per connection, and a handler that answers each request — or
// delays, or drops the connection, which is how the simulator injects latency, stalls and
// resets. Binds to loopback in tests and demos. Thread-safety: runs on its executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/base/status.h"
#include "net/https_client.h"
#include "net/tls_identity.h"

namespace tandem::net {

struct ServerReply {
  HttpResponse response;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // answer after this long (latency, a stall)
  bool drop_connection = false;        // close without answering (a reset)
  std::vector<std::pair<std::string, std::string>> headers;  // added to the answer
};

inline ServerReply server_reply(unsigned status, std::string body) {
  ServerReply reply;
  reply.response.status = status;
  reply.response.body = std::move(body);
  return reply;
}

using RequestHandler = std::function<ServerReply(const HttpRequest& request)>;

// One accepted WebSocket, server side. Sends are queued and written in order; a connection
// idle for the heartbeat interval sends a 1-byte binary heartbeat, as Kite's ticker does,
// or a WebSocket ping once heartbeat_by_ping() chose that (Dhan's sockets: a client that
// parses every message as JSON must never see a binary frame).
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void send_text(std::string text) = 0;
  virtual void send_binary(std::string bytes) = 0;
  virtual void close() = 0;  // drop it (a fault the simulator injects)
  virtual bool open() const = 0;
  // Idle heartbeats are WebSocket pings, every `every`. Call it from the WsHandler.
  virtual void heartbeat_by_ping(std::chrono::milliseconds every) = 0;
  // Text messages from the client (Dhan's login) go here; without a handler they are read
  // and dropped.
  virtual void on_text(std::function<void(const std::string& text)> handler) = 0;
};

// Called when a WebSocket upgrade arrives; returns false to refuse it (HTTP 403).
using WsHandler =
    std::function<bool(const HttpRequest& upgrade, std::shared_ptr<WsConnection> connection)>;

class HttpsServer {
 public:
  HttpsServer(boost::asio::any_io_executor executor, const TlsIdentity& identity,
              RequestHandler handler);
  // Plain HTTP, no TLS: for the operator's dashboard, bound to loopback unless protected by
  // an access token (app/operator_server.h decides).
  HttpsServer(boost::asio::any_io_executor executor, RequestHandler handler);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Accepts WebSocket upgrades on the same port (set before listen()).
  void on_websocket(WsHandler handler, std::chrono::milliseconds heartbeat_interval);

  // Listens on address:port (port 0 = any free one) and starts accepting; returns the port.
  Result<uint16_t> listen(const std::string& address, uint16_t port);
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tandem::net
