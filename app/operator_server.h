// The operator's server inside `tandem run` and `tandem demo` (docs/api.md): plain HTTP and
// a WebSocket on Boost.Beast, on its own thread, bound to 127.0.0.1:8780 by default.
//   /healthz, /readyz, /metrics   — open, for systemd and Prometheus
//   /, /api/state, /api/live (WS) — the dashboard and its data; the access token needed
//   POST /api/followers/ID/pause|resume, /api/pause-all, /api/resume-all — journaled
// With an access token, every request but the open three must carry it (Authorization:
// Bearer, or ?token= for the page and its WebSocket), compared in constant time. Without
// one the server refuses to bind anywhere but loopback. The page is embedded in the binary
// and loads nothing from the internet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "domain/base/status.h"
#include "engine/engine.h"

namespace tandem::app {

struct OperatorServerOptions {
  std::string listen = "127.0.0.1:8780";  // ADDRESS:PORT; port 0 = any free one
  std::string token;                      // empty: none (loopback only)
};

class OperatorServer {
 public:
  // Binds and starts serving `engine`'s view and commands. invalid_argument for a bad
  // address or a non-loopback address without a token; io_error when it cannot bind.
  static Result<std::unique_ptr<OperatorServer>> start(engine::Engine& engine,
                                                       OperatorServerOptions options);
  ~OperatorServer();
  OperatorServer(const OperatorServer&) = delete;
  OperatorServer& operator=(const OperatorServer&) = delete;

  // The dashboard's address; with the token in it (for the operator's own terminal only,
  // never a log).
  [[nodiscard]] std::string url() const;
  [[nodiscard]] std::string url_with_token() const;
  [[nodiscard]] uint16_t port() const;

 private:
  struct Impl;
  explicit OperatorServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses "ADDRESS:PORT" (IPv4 or [IPv6]); invalid_argument naming `what` otherwise.
[[nodiscard]] Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text,
                                                                    const std::string& what);

}  // namespace tandem::app
