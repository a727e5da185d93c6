// The operator's server inside `tandem run` and `tandem demo` (docs/api.md): plain HTTP and
// a WebSocket on Boost.Beast, on its own thread, bound to 127.0.0.1:8780 by default.
//   /healthz, /readyz, /metrics   — no token, for systemd and Prometheus
//   /                             — the page (no data in it), no token
//   /api/state, /api/live (WS)    — the dashboard's data; the access token needed
//   POST /api/followers/ID/pause|resume|flatten, /api/pause-all, /api/resume-all — journaled
// There is always an access token: an Authorization: Bearer header, or for the WebSocket a
// subprotocol (operator_access.h), compared in constant time; never a query parameter. Every
// request must name this server in its Host and, when it has an Origin, come from the page's
// own. Every answer forbids framing and sniffing; the page's allows only its own script.
// The page is embedded in the binary and loads nothing from the internet.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/base/status.h"
#include "engine/engine.h"

namespace tandem::app {

struct OperatorServerOptions {
  std::string listen = "127.0.0.1:8780";         // ADDRESS:PORT; port 0 = any free one
  std::string token;                             // required
  std::vector<std::string> hosts;                // Host names allowed besides IPs and localhost
  std::map<std::string, std::string> operators;  // named operators' tokens (operator_routes.h)
};

class OperatorServer {
 public:
  // Binds and starts serving `engine`'s view and commands. invalid_argument for a bad
  // address or an empty token; io_error when it cannot bind.
  static Result<std::unique_ptr<OperatorServer>> start(engine::Engine& engine,
                                                       OperatorServerOptions options);
  ~OperatorServer();
  OperatorServer(const OperatorServer&) = delete;
  OperatorServer& operator=(const OperatorServer&) = delete;

  // The dashboard's address; with the token in its fragment (#token=, which a browser never
  // sends), for the operator's own terminal only, never a log.
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
