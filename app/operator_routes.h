// What the operator's server makes of one request before it touches the engine
// (docs/api.md): the access checks (operator_access.h), the route, and a control command's
// body read and checked. Pure, so the fuzz target (tests/fuzz) drives exactly this with any
// bytes the HTTP parser accepts, and the server only carries out a route.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "engine/operator_view.h"
#include "net/https_server.h"

namespace tandem::app {

struct OperatorAccess {
  std::string token;               // required: the server refuses to start without one
  std::vector<std::string> hosts;  // Host names allowed besides IPs and localhost
  // Named operators (config `operators`, secrets http.token.NAME): a command given with one
  // of these tokens is journaled by that name, whatever its body says.
  std::map<std::string, std::string> operators{};  // name → token
};

struct Route {
  enum class Kind { health, ready, metrics, page, state, command };
  Kind kind = Kind::health;
  bool full = false;                // state: every kept copy (GET /api/state?full=1)
  engine::OperatorCommand command;  // command: `by` without the remote address yet
};

// The route to carry out, or the answer that refuses the request (403 a foreign Host or
// Origin, 401 no valid token, 404/405 no such route, 400 a bad command body).
[[nodiscard]] std::variant<Route, net::ServerReply> route_request(const net::HttpRequest& request,
                                                                  const OperatorAccess& access);

// Whether a WebSocket upgrade may become a /api/live stream.
[[nodiscard]] bool live_allowed(const net::HttpRequest& request, const OperatorAccess& access);

[[nodiscard]] net::ServerReply reply(unsigned status, std::string body, std::string content_type);
[[nodiscard]] net::ServerReply error_reply(unsigned status, const std::string& message);

// Text an operator sends that goes into the journal, the log and alerts: no control byte (a
// line break would forge a log line, an escape would drive a terminal), no bidi override
// (U+202A-U+202E, U+2066-U+2069: it would reorder what a reader sees), and bounded.
[[nodiscard]] bool printable(std::string_view text, size_t max_bytes);

}  // namespace tandem::app
