#include "brokers/sim/sim_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tandem::brokers::sim {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

Result<std::unique_ptr<SimServer>> SimServer::create(asio::any_io_executor executor,
                                                     KiteSimConfig config, KiteSim::Clock clock) {
  auto identity = net::make_tls_identity({"localhost", "127.0.0.1"});
  if (!identity.ok()) return identity.status();
  return std::unique_ptr<SimServer>(
      new SimServer(std::move(executor), std::move(config), std::move(clock), *identity));
}

SimServer::SimServer(asio::any_io_executor executor, KiteSimConfig config, KiteSim::Clock clock,
                     net::TlsIdentity identity)
    : executor_(executor),
      kite_(std::move(config), std::move(clock)),
      identity_(std::move(identity)),
      server_(executor, identity_, [this](const net::HttpRequest& r) { return kite_.handle(r); }) {
  // 1-byte heartbeats each second, as Kite's ticker sends them. An upgrade without Kite's
  // api_key is Dhan's order-update socket, which logs in with its first message.
  server_.on_websocket(
      [this](const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
        if (r.target.find("api_key=") == std::string::npos) {
          return kite_.on_dhan_websocket(std::move(c));
        }
        return kite_.on_websocket(r, std::move(c));
      },
      std::chrono::milliseconds(1000));
}

Result<uint16_t> SimServer::listen(const std::string& address, uint16_t port) {
  return server_.listen(address, port);
}

void SimServer::stop() { server_.stop(); }

Status SimServer::apply(const ScriptStep& s) {
  const std::string key = s.account + "/" + s.name;
  switch (s.kind) {
    case ScriptStep::Kind::price:
      kite_.set_price(s.order.instrument, s.order.price_paise);
      return Status();
    case ScriptStep::Kind::place: {
      auto placed = kite_.place_as_owner(s.account, s.order);
      if (!placed.ok()) return placed.status();
      named_[key] = placed->order_id;
      return Status();
    }
    case ScriptStep::Kind::modify:
    case ScriptStep::Kind::cancel: {
      const auto it = named_.find(key);
      if (it == named_.end()) return Status::not_found("order " + s.name + " was never placed");
      auto done = s.kind == ScriptStep::Kind::modify
                      ? kite_.modify_as_owner(s.account, it->second, s.order)
                      : kite_.cancel_as_owner(s.account, it->second);
      return done.status();
    }
    case ScriptStep::Kind::drop:
      return kite_.drop_websockets(s.account);
    case ScriptStep::Kind::expire:
      return kite_.expire_token(s.account);
  }
  return Status();
}

asio::awaitable<void> SimServer::play(std::vector<ScriptStep> script, double speed, Report report) {
  if (script.empty()) co_return;
  const auto start = std::chrono::steady_clock::now();
  const d::TimeNs first = script.front().at_ns;
  for (const ScriptStep& s : script) {
    const auto offset = std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<double>(s.at_ns - first) / (speed > 0 ? speed : 1.0)));
    asio::steady_timer wait(executor_, start + offset);
    co_await wait.async_wait(asio::use_awaitable);
    const Status outcome = apply(s);
    if (report) report(s, outcome);
  }
}

}  // namespace tandem::brokers::sim
