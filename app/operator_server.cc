#include "app/operator_server.h"

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
#include "app/operator_routes.h"
#include "app/text_file.h"
#include "net/https_server.h"
#include "net/request_fields.h"

namespace tandem::app {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using engine::OperatorCommand;

namespace {

net::ServerReply json_reply(unsigned status, const json::value& body) {
  return reply(status, json::serialize(body), "application/json");
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

  OperatorAccess access;

  Impl(engine::Engine& e, OperatorServerOptions o)
      : engine(e), options(std::move(o)), access{options.token, options.hosts, options.operators} {}

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
    auto routed = route_request(r, access);
    if (auto* refusal = std::get_if<net::ServerReply>(&routed)) return std::move(*refusal);
    Route& route = std::get<Route>(routed);
    switch (route.kind) {
      case Route::Kind::health:
        return reply(200, "ok\n", "text/plain");
      case Route::Kind::ready: {
        const Readiness ready = readiness(*engine.view());
        std::string body = ready.ready ? "ready\n" : "";
        for (const auto& why : ready.reasons) body += "not ready: " + why + "\n";
        return reply(ready.ready ? 200 : 503, body, "text/plain");
      }
      case Route::Kind::metrics:
        return reply(200, metrics_text(*engine.view()), "text/plain; version=0.0.4");
      case Route::Kind::page:
        return reply(200, page, "text/html; charset=utf-8");
      case Route::Kind::state:
        return reply(200, view_json(*engine.view(), route.full), "application/json");
      case Route::Kind::command:
        return command(std::move(route.command), r.remote_address);
    }
    return error_reply(500, "unknown route");
  }

  net::ServerReply command(OperatorCommand c, const std::string& remote_address) {
    if (!remote_address.empty()) c.by += " from " + remote_address;
    auto done = engine.command(std::move(c));
    if (done.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      return error_reply(503, "the engine did not answer within 5 s");
    }
    const Result<engine::CommandDone> result = done.get();
    if (result.status().code() == StatusCode::not_found) {
      return error_reply(404, result.status().message());
    }
    if (!result.ok()) return error_reply(500, result.status().message());
    return json_reply(
        200,
        json::object{{"ok", true}, {"changed", result->changed}, {"journal_seq", result->seq}});
  }

  bool accept_live(const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
    if (!live_allowed(r, access)) return false;
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
