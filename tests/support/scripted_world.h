// The simulated shell's world: the broker simulator with one Kite and one Dhan account (and
// two leaders' accounts), in
// market hours, on a clock that moves a millisecond each time anything reads it; and the
// product's gateways for either account on scripted connections (scripted_stream.h for
// REST, scripted_socket.h for the order stream) whose far end is that simulator, failing
// where `far->faults` says. One thread, no socket, no timer that waits: a run is a function
// of its fault plan.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "brokers/dhan/dhan_gateway.h"
#include "brokers/kite/kite_gateway.h"
#include "brokers/sim/kite_sim.h"
#include "net/https_pool.h"
#include "tests/support/scripted_socket.h"
#include "tests/support/scripted_stream.h"
#include "tests/support/sim_loop.h"

namespace tandem::testing {

inline constexpr const char* kShellKiteUser = "AB1234";
inline constexpr const char* kShellDhanUser = "1000000009";
inline constexpr const char* kShellLeaderUser = "LD0001";
inline constexpr const char* kShellSecondLeaderUser = "LD0002";  // a second leader's account
inline constexpr size_t kShellConnections = 3;                   // each gateway's REST pool

// An account of the world as its gateway logs in.
struct ShellLogin {
  bool dhan = false;
  std::string user;
  std::string token;
};
inline ShellLogin shell_login(bool dhan) {
  return dhan ? ShellLogin{true, kShellDhanUser, "dhan-token"}
              : ShellLogin{false, kShellKiteUser, "kite-token"};
}
// The leader's account, through Kite's dialect or Dhan's (Dhan's client id is the user id).
inline ShellLogin shell_leader(bool dhan = false) {
  return {dhan, kShellLeaderUser, "leader-token"};
}
inline ShellLogin shell_second_leader(bool dhan) {
  return {dhan, kShellSecondLeaderUser, "leader2-token"};
}

struct ScriptedWorld {
  std::shared_ptr<domain::TimeNs> now = std::make_shared<domain::TimeNs>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          (std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + std::chrono::hours(4) +
           std::chrono::minutes(30))
              .time_since_epoch())
          .count());  // 10:00 IST
  // How far the clock moves at each read (1 ms; more where many orders would otherwise fall
  // in one second of the simulator's per-second order limit).
  std::shared_ptr<domain::TimeNs> step = std::make_shared<domain::TimeNs>(1'000'000);
  std::function<domain::TimeNs()> clock = [t = now, step = step] { return *t += *step; };
  brokers::sim::KiteSim sim{config(), clock};
  // The far end the single gateway of a test reaches: the simulator, behind `far->faults`.
  std::shared_ptr<ScriptedBroker> far;

  static brokers::sim::KiteSimConfig config() {
    brokers::sim::KiteSimConfig c;
    c.api_key = "simkey";
    c.accounts = {sim_account(kShellKiteUser, "kite-token", 50'00'000'00),
                  sim_account(kShellDhanUser, "dhan-token", 50'00'000'00),
                  sim_account(kShellLeaderUser, "leader-token", 50'00'000'00),
                  sim_account(kShellSecondLeaderUser, "leader2-token", 50'00'000'00)};
    for (auto& a : c.accounts) a.faults.reject_symbols = {kTestNifty.tradingsymbol};
    c.instruments = test_instruments();
    return c;
  }

  // `dhan`: whose sockets `far` serves (each dialect has its own socket handler).
  ScriptedWorld(FaultPlan faults, bool dhan = false) : far(far_end(dhan, std::move(faults))) {
    sim.set_price(kTestInfy, 1500'00);
  }

  // A far end of its own (a gateway's), in one dialect, failing where `faults` says.
  std::shared_ptr<ScriptedBroker> far_end(bool dhan, FaultPlan faults) {
    auto end = std::make_shared<ScriptedBroker>();
    end->handler = [this](const net::HttpRequest& r) { return sim.handle(r); };
    end->on_socket = [this, dhan](const net::HttpRequest& upgrade,
                                  std::shared_ptr<net::WsConnection> connection) {
      return dhan ? sim.on_dhan_websocket(std::move(connection))
                  : sim.on_websocket(upgrade, std::move(connection));
    };
    end->faults = std::move(faults);
    return end;
  }
  ScriptedWorld(const ScriptedWorld&) = delete;
  ScriptedWorld& operator=(const ScriptedWorld&) = delete;

  const char* user(bool dhan) const { return dhan ? kShellDhanUser : kShellKiteUser; }
};

// The product's gateway for an account of the world, its REST calls and its order stream on
// scripted connections to `far`. No pacing (the simulator's own 429s pace it; a
// real wait would need a clock); `stream` sets how the order stream reconnects.
inline std::unique_ptr<brokers::Gateway> scripted_gateway(const ShellLogin& login, ScriptedWorld& w,
                                                          boost::asio::io_context& io,
                                                          std::shared_ptr<ScriptedBroker> far,
                                                          brokers::StreamOptions stream = {}) {
  const std::chrono::milliseconds deadline(5000);
  auto pool = std::make_unique<net::HttpsPool<ScriptedConnector>>(
      io.get_executor(), ScriptedConnector(io.get_executor(), far), kShellConnections, deadline);
  auto sockets = std::make_shared<ScriptedSocketConnector>(io.get_executor(), far);
  brokers::RateLimits no_pacing;
  no_pacing.backoff_first_ns = 0;
  no_pacing.backoff_max_ns = 0;
  // What both accounts share: no pacing, the pool's bound and deadline, the reconnects.
  const auto connection = [&](auto& account) {
    account.limits = no_pacing;
    account.connections = kShellConnections;
    account.deadline = deadline;
    account.stream_options = stream;
  };
  if (login.dhan) {
    brokers::dhan::DhanAccount a;
    a.credentials = {login.user, login.token};
    a.securities = w.sim.dhan_securities().for_instruments(test_instruments());
    connection(a);
    return std::make_unique<brokers::dhan::DhanGateway>(io.get_executor(), a, w.clock,
                                                        std::move(pool), std::move(sockets));
  }
  brokers::kite::KiteAccount a;
  a.credentials = {"simkey", login.token};
  connection(a);
  return std::make_unique<brokers::kite::KiteGateway>(io.get_executor(), a, w.clock,
                                                      std::move(pool), std::move(sockets));
}

}  // namespace tandem::testing
