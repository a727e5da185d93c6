#include "app/operator_server.h"

#include <openssl/crypto.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string_view>
#include <thread>

#include "app/dashboard_page.h"
#include "app/operator_access.h"
#include "app/operator_api.h"
#include "app/text_file.h"
#include "brokers/net/https_server.h"
#include "brokers/net/request_fields.h"
#include "crypto/sha256.h"

namespace tandem::app {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
namespace net = brokers::net;
using engine::OperatorCommand;

namespace {

net::ServerReply reply(unsigned status, std::string body, std::string content_type) {
  net::ServerReply r = net::server_reply(status, std::move(body));
  r.content_type = std::move(content_type);
  return r;
}

net::ServerReply json_reply(unsigned status, const json::value& body) {
  return reply(status, json::serialize(body), "application/json");
}

net::ServerReply error_reply(unsigned status, const std::string& message) {
  return json_reply(status, json::object{{"error", message}});
}

// Equal tokens, in time that does not depend on where they differ (nor on their length:
// the digests are compared).
bool same_token(const std::string& given, const std::string& expected) {
  const std::string a = crypto::sha256_hex(given);
  const std::string b = crypto::sha256_hex(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Text an operator sends that goes into the journal, the log and alerts: no control byte (a
// line break would forge a log line, an escape would drive a terminal), no bidi override
// (U+202A-U+202E, U+2066-U+2069: it would reorder what a reader sees), and bounded.
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

}  // namespace

Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text,
                                                      const std::string& what) {
  const size_t colon = text.rfind(':');
  auto bad = [&] {
    return Status::invalid_argument(what + " '" + text +
                                    "' is not ADDRESS:PORT (e.g. 127.0.0.1:8780)");
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return bad();
  std::string address = text.substr(0, colon);
  if (address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5) {
    return bad();
  }
  const unsigned long port = std::stoul(port_text);
  boost::system::error_code ec;
  asio::ip::make_address(address, ec);
  if (ec || port > 65535) return bad();
  return std::pair{address, static_cast<uint16_t>(port)};
}

struct OperatorServer::Impl {
  engine::Engine& engine;
  OperatorServerOptions options;
  std::string address;
  uint16_t port = 0;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::optional<net::HttpsServer> server;
  std::vector<std::shared_ptr<net::WsConnection>> sockets;  // io thread only
  std::optional<asio::steady_timer> push_timer;
  uint64_t pushed_version = 0;
  std::string page = embedded_text(dashboard::kPage);
  std::thread thread;

  Impl(engine::Engine& e, OperatorServerOptions o) : engine(e), options(std::move(o)) {}

  bool authorized(const std::optional<std::string>& token) const {
    return token && same_token(*token, options.token);
  }

  // Host and Origin (operator_access.h); empty when both are this server's.
  std::string foreign(const net::HttpRequest& r) const {
    const std::string_view host = net::header(r, "host");
    if (!host_allowed(host, options.hosts)) {
      return "Host '" + std::string(host).substr(0, 100) +
             "' is not this server's name (an IP address, localhost, or one in http_hosts)";
    }
    const std::string_view origin = net::header(r, "origin");
    if (!origin.empty() && !same_origin(origin, host)) return "a request from another site's page";
    return "";
  }

  net::ServerReply handle(const net::HttpRequest& r) {
    net::ServerReply out = answer(r);
    out.headers = {{"X-Content-Type-Options", "nosniff"},
                   {"X-Frame-Options", "DENY"},
                   {"Referrer-Policy", "no-referrer"}};
    if (out.content_type.starts_with("text/html")) {
      out.headers.emplace_back("Content-Security-Policy",
                               page_security_policy(page, net::header(r, "host")));
    }
    return out;
  }

  net::ServerReply answer(const net::HttpRequest& r) {
    if (const std::string why = foreign(r); !why.empty()) return error_reply(403, why);
    const std::string path = r.target.substr(0, r.target.find('?'));
    const bool get = r.method == http::verb::get;
    if (get && path == "/healthz") return reply(200, "ok\n", "text/plain");
    if (get && path == "/readyz") {
      const Readiness ready = readiness(*engine.view());
      std::string body = ready.ready ? "ready\n" : "";
      for (const auto& why : ready.reasons) body += "not ready: " + why + "\n";
      return reply(ready.ready ? 200 : 503, body, "text/plain");
    }
    if (get && path == "/metrics") {
      return reply(200, metrics_text(*engine.view()), "text/plain; version=0.0.4");
    }
    if (get && (path == "/" || path == "/index.html")) {
      return reply(200, page, "text/html; charset=utf-8");
    }
    if (!authorized(bearer_token(net::header(r, "authorization")))) {
      return error_reply(401, "an access token is required (Authorization: Bearer)");
    }
    if (get && path == "/api/state") {
      const bool full = net::param(net::query_of(r.target), "full") == "1";
      return reply(200, view_json(*engine.view(), full), "application/json");
    }
    if (r.method != http::verb::post)
      return error_reply(path.starts_with("/api/") ? 405 : 404, "not found: " + path);
    return command(r, path);
  }

  net::ServerReply command(const net::HttpRequest& r, const std::string& path) {
    OperatorCommand c;
    const std::string prefix = "/api/followers/";
    if (path == "/api/pause-all") {
      c.kind = OperatorCommand::Kind::pause_all;
    } else if (path == "/api/resume-all") {
      c.kind = OperatorCommand::Kind::resume_all;
    } else if (path.starts_with(prefix) && path.ends_with("/pause")) {
      c.kind = OperatorCommand::Kind::pause;
      c.follower = {path.substr(prefix.size(), path.size() - prefix.size() - 6)};
    } else if (path.starts_with(prefix) && path.ends_with("/resume")) {
      c.kind = OperatorCommand::Kind::resume;
      c.follower = {path.substr(prefix.size(), path.size() - prefix.size() - 7)};
    } else if (path.starts_with(prefix) && path.ends_with("/flatten")) {
      c.kind = OperatorCommand::Kind::flatten;
      c.follower = {path.substr(prefix.size(), path.size() - prefix.size() - 8)};
    } else {
      return error_reply(404, "not found: " + path);
    }
    std::string by = "api";
    std::string confirm;
    if (!r.body.empty()) {
      boost::system::error_code ec;
      const json::value body = json::parse(r.body, ec);
      if (ec || !body.is_object()) return error_reply(400, "the body must be a JSON object");
      auto text = [&](const char* key) {
        const auto* v = body.as_object().if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      if (!text("by").empty()) by = text("by");
      c.reason = text("reason");
      confirm = text("confirm");
      // Both go into the journal, the log and alerts: a line break there would forge a log
      // line, an escape byte would drive a terminal, and size is the journal's.
      if (!printable(by, 64)) {
        return error_reply(400,
                           "by: printable text only (no control or bidi characters), at "
                           "most 64 bytes");
      }
      if (!printable(c.reason, 500)) {
        return error_reply(400,
                           "reason: printable text only (no control or bidi characters), "
                           "at most 500 bytes");
      }
    }
    // Closing positions at market cannot be undone: the request must say so in words.
    if (c.kind == OperatorCommand::Kind::flatten && confirm != "flatten " + c.follower.value) {
      return error_reply(400, "flatten needs {\"confirm\": \"flatten " + c.follower.value + "\"}");
    }
    c.by = by + (r.remote_address.empty() ? "" : " from " + r.remote_address);
    auto done = engine.command(std::move(c));
    if (done.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      return error_reply(503, "the engine did not answer within 5 s");
    }
    const Status s = done.get();
    if (s.code() == StatusCode::not_found) return error_reply(404, s.message());
    if (!s.ok()) return error_reply(500, s.message());
    return json_reply(200, json::object{{"ok", true}});
  }

  bool accept_live(const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
    if (r.target.substr(0, r.target.find('?')) != "/api/live" || !foreign(r).empty() ||
        !authorized(websocket_token(net::header(r, "sec-websocket-protocol")))) {
      return false;
    }
    c->send_text(view_json(*engine.view()));
    sockets.push_back(std::move(c));
    return true;
  }

  // Every 250 ms: a changed view goes to every dashboard, serialized once.
  void push() {
    push_timer->expires_after(std::chrono::milliseconds(250));
    push_timer->async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      std::erase_if(sockets, [](const auto& s) { return !s->open(); });
      const auto view = engine.view();
      if (view->version != pushed_version && !sockets.empty()) {
        const std::string text = view_json(*view);
        for (const auto& s : sockets) s->send_text(text);
      }
      pushed_version = view->version;
      push();
    });
  }
};

Result<std::unique_ptr<OperatorServer>> OperatorServer::start(engine::Engine& engine,
                                                              OperatorServerOptions options) {
  auto listen = parse_listen(options.listen, "--http");
  if (!listen.ok()) return listen.status();
  if (options.token.empty()) {
    return Status::invalid_argument("--http " + options.listen + ": no access token");
  }
  auto impl = std::make_unique<Impl>(engine, std::move(options));
  Impl& m = *impl;
  m.server.emplace(m.io.get_executor(), [&m](const net::HttpRequest& r) { return m.handle(r); });
  m.server->on_websocket(
      [&m](const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
        return m.accept_live(r, std::move(c));
      },
      std::chrono::milliseconds(0));
  auto port = m.server->listen(listen->first, listen->second);
  if (!port.ok()) return port.status();
  m.address = listen->first;
  m.port = *port;
  m.push_timer.emplace(m.io);
  m.push();
  m.thread = std::thread([&m] { m.io.run(); });
  return std::unique_ptr<OperatorServer>(new OperatorServer(std::move(impl)));
}

OperatorServer::OperatorServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OperatorServer::~OperatorServer() {
  Impl& m = *impl_;
  std::promise<void> closed;
  asio::post(m.io, [&m, &closed] {
    m.server->stop();
    m.push_timer->cancel();
    for (const auto& s : m.sockets) s->close();
    closed.set_value();
  });
  closed.get_future().wait();
  m.work.reset();
  m.io.stop();  // connections still being served end here
  m.thread.join();
}

std::string OperatorServer::url() const {
  const bool v6 = impl_->address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->address + "]" : impl_->address) + ":" +
         std::to_string(impl_->port) + "/";
}

std::string OperatorServer::url_with_token() const {
  return url() + "#token=" + impl_->options.token;
}

uint16_t OperatorServer::port() const { return impl_->port; }

}  // namespace tandem::app
