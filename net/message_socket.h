// A connected message socket, as the brokers' order streams use one. Live it is a WebSocket
// on verified TLS (websocket_connector.h); in the simulated shell a scripted one
// (tests/support/scripted_socket.h) whose far end is the broker simulator's socket handler,
// failing where the test says. The order stream's reconnects, gap fill and once-per-state
// rule are written once, against this, and run the same on both.
// Thread-safety: one strand; one read and one write may be pending at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::net {

struct SocketMessage {
  bool text = true;  // false: binary (Kite's ticks)
  std::string bytes;
};

// How a socket knows its far end is alive: by the far end's own heartbeats (Kite's), or by
// WebSocket pings it sends (Dhan documents none). Silence past `timeout` breaks it.
struct Liveness {
  std::chrono::milliseconds timeout{5000};
  bool peer_heartbeats = true;
};

class MessageSocket {
 public:
  virtual ~MessageSocket() = default;
  // Sends one text message (`text` is kept by the caller until it returns): the error that
  // broke the socket, or none.
  virtual boost::asio::awaitable<boost::system::error_code> write_text(std::string_view text) = 0;
  // The next message, into `message`: an error once the socket broke, was closed, or fell
  // silent past its liveness timeout.
  virtual boost::asio::awaitable<boost::system::error_code> read(SocketMessage& message) = 0;
  // Closes it now; a pending read or write ends with an error.
  virtual void close() = 0;
};

// Opens sockets to one far end.
class MessageSocketConnector {
 public:
  virtual ~MessageSocketConnector() = default;
  // A socket past its handshake to `path`, or `disconnected` naming `what`, the host and the
  // step that failed; never `path`, which may carry a credential.
  virtual boost::asio::awaitable<Result<std::unique_ptr<MessageSocket>>> connect(
      std::string what, std::string path, Liveness liveness) = 0;
  virtual const std::string& host() const = 0;
};

}  // namespace tandem::net
