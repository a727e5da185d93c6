#include "app/operator_routes.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include <optional>
#include <string_view>

#include "app/operator_access.h"
#include "crypto/sha256.h"
#include "net/request_fields.h"

namespace tandem::app {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::OperatorCommand;

namespace {

// Equal tokens, in time that does not depend on where they differ (nor on their length:
// the digests are compared).
bool same_token(const std::string& given, const std::string& expected) {
  const std::string a = crypto::sha256_hex(given);
  const std::string b = crypto::sha256_hex(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Who a token is: "" for the shared http.token, an operator's name, or nullopt for nobody.
// Every known token is compared, so the time taken does not tell which one matched.
std::optional<std::string> operator_of(const std::optional<std::string>& token,
                                       const OperatorAccess& access) {
  if (!token) return std::nullopt;
  std::optional<std::string> who;
  if (same_token(*token, access.token)) who = "";
  for (const auto& [name, expected] : access.operators) {
    if (same_token(*token, expected)) who = name;
  }
  return who;
}

bool authorized(const std::optional<std::string>& token, const OperatorAccess& access) {
  return operator_of(token, access).has_value();
}

// Host and Origin (operator_access.h); empty when both are this server's.
std::string foreign(const net::HttpRequest& r, const OperatorAccess& access) {
  const std::string_view host = net::header(r, "host");
  if (!host_allowed(host, access.hosts)) {
    return "Host '" + std::string(host.substr(0, 100)) +
           "' is not this server's name (an IP address, localhost, or one in http_hosts)";
  }
  const std::string_view origin = net::header(r, "origin");
  if (!origin.empty() && !same_origin(origin, host)) return "a request from another site's page";
  return "";
}

Route to(Route::Kind kind) {
  Route route;
  route.kind = kind;
  return route;
}

// POST /api/followers/ID/pause|resume|flatten, /api/pause-all, /api/resume-all.
std::variant<Route, net::ServerReply> command_route(const net::HttpRequest& r,
                                                    const std::string& path,
                                                    const std::string& operator_name) {
  Route route = to(Route::Kind::command);
  OperatorCommand& c = route.command;
  const std::string prefix = "/api/followers/";
  auto follower_before = [&](std::string_view suffix) {
    return domain::FollowerId{
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size())};
  };
  if (path == "/api/pause-all") {
    c.kind = OperatorCommand::Kind::pause_all;
  } else if (path == "/api/resume-all") {
    c.kind = OperatorCommand::Kind::resume_all;
  } else if (path.starts_with(prefix) && path.ends_with("/pause")) {
    c.kind = OperatorCommand::Kind::pause;
    c.follower = follower_before("/pause");
  } else if (path.starts_with(prefix) && path.ends_with("/resume")) {
    c.kind = OperatorCommand::Kind::resume;
    c.follower = follower_before("/resume");
  } else if (path.starts_with(prefix) && path.ends_with("/flatten")) {
    c.kind = OperatorCommand::Kind::flatten;
    c.follower = follower_before("/flatten");
  } else {
    return error_reply(404, "not found: " + path.substr(0, 200));
  }
  c.by = "api";
  std::string confirm;
  bool pause_given = false;
  if (!r.body.empty()) {
    boost::system::error_code ec;
    const json::value body = json::parse(r.body, ec);
    if (ec || !body.is_object()) return error_reply(400, "the body must be a JSON object");
    auto text = [&](const char* key) {
      const auto* v = body.as_object().if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (!text("by").empty()) c.by = text("by");
    c.reason = text("reason");
    confirm = text("confirm");
    const auto* pause = body.as_object().if_contains("pause");
    pause_given = pause != nullptr && pause->is_bool();
    c.pause_first = pause_given && pause->as_bool();
    // Both go into the journal, the log and alerts; size is the journal's.
    if (!printable(c.by, 64)) {
      return error_reply(400,
                         "by: printable text only (no control or bidi characters), at most 64 "
                         "bytes");
    }
    if (!printable(c.reason, 500)) {
      return error_reply(400,
                         "reason: printable text only (no control or bidi characters), at most "
                         "500 bytes");
    }
  }
  // Closing positions at market cannot be undone: the request must say so in words, and say
  // whether the follower keeps copying (a flattened follower still copying re-enters the
  // leader's new positions): "pause": true pauses it in the same batch, false keeps it on.
  if (c.kind == OperatorCommand::Kind::flatten && confirm != "flatten " + c.follower.value) {
    return error_reply(
        400, "flatten needs {\"confirm\": \"flatten " + c.follower.value.substr(0, 200) + "\"}");
  }
  if (c.kind == OperatorCommand::Kind::flatten && !pause_given) {
    return error_reply(400,
                       "flatten needs \"pause\": true (pause the follower first, so that it does "
                       "not copy the leader's next orders) or \"pause\": false (it keeps copying)");
  }
  if (!operator_name.empty()) c.by = operator_name;  // a named operator's token says who
  return route;
}

}  // namespace

net::ServerReply reply(unsigned status, std::string body, std::string content_type) {
  net::ServerReply r = net::server_reply(status, std::move(body));
  r.content_type = std::move(content_type);
  return r;
}

net::ServerReply error_reply(unsigned status, const std::string& message) {
  return reply(status, json::serialize(json::object{{"error", message}}), "application/json");
}

bool printable(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7f) return false;
    if (b == 0xe2 && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if (b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) return false;
      if (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9) return false;
    }
  }
  return true;
}

std::variant<Route, net::ServerReply> route_request(const net::HttpRequest& r,
                                                    const OperatorAccess& access) {
  if (const std::string why = foreign(r, access); !why.empty()) return error_reply(403, why);
  const std::string path = r.target.substr(0, r.target.find('?'));
  const bool get = r.method == http::verb::get;
  if (get && path == "/healthz") return to(Route::Kind::health);
  if (get && path == "/readyz") return to(Route::Kind::ready);
  if (get && path == "/metrics") return to(Route::Kind::metrics);
  if (get && (path == "/" || path == "/index.html")) return to(Route::Kind::page);
  const auto who = operator_of(bearer_token(net::header(r, "authorization")), access);
  if (!who) return error_reply(401, "an access token is required (Authorization: Bearer)");
  if (get && path == "/api/state") {
    Route state = to(Route::Kind::state);
    state.full = net::param(net::query_of(r.target), "full") == "1";
    return state;
  }
  if (r.method != http::verb::post) {
    return error_reply(path.starts_with("/api/") ? 405 : 404, "not found: " + path.substr(0, 200));
  }
  return command_route(r, path, *who);
}

bool live_allowed(const net::HttpRequest& r, const OperatorAccess& access) {
  return r.target.substr(0, r.target.find('?')) == "/api/live" && foreign(r, access).empty() &&
         authorized(websocket_token(net::header(r, "sec-websocket-protocol")), access);
}

}  // namespace tandem::app
